//! The ledger: one embedded `SQLite` database holding, per (chain, safe), the cursor `(number,
//! hash)`, the hashes of recent blocks that carried the safe's logs, and every record (alert,
//! retraction, response outcome) with what each sink acknowledged.
//!
//! Exactly once: the records a block range produces and the cursor that covers it are written in
//! one transaction, so a crash at any instant either keeps both or neither: the range is then read
//! again and produces the same records under the same keys (`INSERT OR IGNORE`). A record leaves
//! the ledger's outbox only when its sink acknowledged it; a crash between the acknowledgment and
//! the mark redelivers it with the same idempotency key, which the sink deduplicates.

// SQLite integers are i64. What is stored here (chain ids, block numbers, timestamps) comes from u64 values far
// below 2^63, and is read back only from rows this module wrote: the casts between the two cannot wrap.
#![allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]

use alloy::primitives::{Address, B256};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use std::path::Path;

/// A block the follower has read: its number and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef {
    /// Number.
    pub number: u64,
    /// Hash.
    pub hash: B256,
}

/// A record to write: its idempotency key, where it comes from, and its JSON.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// Deterministic idempotency key.
    pub key: String,
    /// The block of the log it comes from.
    pub block: u64,
    /// A response to perform for it: "cancel:<id>" or "freeze".
    pub response: Option<String>,
    /// The record, as delivered.
    pub body: Value,
}

/// A record waiting in the outbox.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Order of writing.
    pub seq: i64,
    /// Idempotency key.
    pub key: String,
    /// The record.
    pub body: Value,
}

/// A response still to perform.
#[derive(Debug, Clone)]
pub struct PendingResponse {
    /// The alert's key.
    pub key: String,
    /// "cancel:<id>" or "freeze".
    pub response: String,
    /// The alert.
    pub body: Value,
}

/// The ledger database.
#[derive(Debug)]
pub struct Ledger {
    db: Connection,
}

fn err(e: rusqlite::Error) -> eyre::Report {
    eyre::eyre!("watch ledger: {e}")
}

impl Ledger {
    /// Opens (or creates) the ledger at `path`.
    pub fn open(path: &Path) -> eyre::Result<Self> {
        let db = Connection::open(path).map_err(err)?;
        // WAL: a crash never tears a transaction, and a commit survives the process being
        // killed. NORMAL sync: a power loss may undo the newest commits, never half of one; the
        // ledger then stands at an earlier consistent cursor, re-reads the same blocks into the
        // same keys, and at worst resends records under their keys (an fsync per acknowledgment
        // would cap delivery at a few hundred records a second).
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS cursor (
                 chain_id INTEGER NOT NULL, safe TEXT NOT NULL,
                 number INTEGER NOT NULL, hash TEXT NOT NULL,
                 PRIMARY KEY (chain_id, safe));
             CREATE TABLE IF NOT EXISTS blocks (
                 chain_id INTEGER NOT NULL, safe TEXT NOT NULL,
                 number INTEGER NOT NULL, hash TEXT NOT NULL,
                 PRIMARY KEY (chain_id, safe, number));
             CREATE TABLE IF NOT EXISTS records (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 key TEXT NOT NULL UNIQUE,
                 chain_id INTEGER NOT NULL, safe TEXT NOT NULL, block INTEGER NOT NULL,
                 body TEXT NOT NULL,
                 retracted INTEGER NOT NULL DEFAULT 0,
                 response TEXT, response_state TEXT);
             CREATE TABLE IF NOT EXISTS acks (
                 seq INTEGER NOT NULL, sink TEXT NOT NULL, PRIMARY KEY (seq, sink));",
        )
        .map_err(err)?;
        Ok(Self { db })
    }

    /// The cursor of a safe: the last block fully processed.
    pub fn cursor(&self, chain_id: u64, safe: Address) -> eyre::Result<Option<BlockRef>> {
        self.db
            .query_row(
                "SELECT number, hash FROM cursor WHERE chain_id = ?1 AND safe = ?2",
                params![chain_id as i64, safe.to_string()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(err)?
            .map(|(n, h)| Ok::<_, eyre::Report>(BlockRef { number: n as u64, hash: h.parse()? }))
            .transpose()
    }

    /// Recent blocks recorded for a safe, newest first (for finding the common ancestor).
    pub fn recent_blocks(&self, chain_id: u64, safe: Address) -> eyre::Result<Vec<BlockRef>> {
        let mut stmt = self
            .db
            .prepare("SELECT number, hash FROM blocks WHERE chain_id = ?1 AND safe = ?2 ORDER BY number DESC")
            .map_err(err)?;
        let rows = stmt
            .query_map(params![chain_id as i64, safe.to_string()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let (n, h) = row.map_err(err)?;
            out.push(BlockRef { number: n as u64, hash: h.parse()? });
        }
        Ok(out)
    }

    /// Commits a processed range in one transaction: its records, the hashes of the blocks that
    /// carried logs, and the new cursor. Returns how many records were new.
    pub fn commit_range(
        &mut self,
        chain_id: u64,
        safe: Address,
        blocks: &[BlockRef],
        cursor: BlockRef,
        records: &[NewRecord],
        keep_blocks: u64,
    ) -> eyre::Result<usize> {
        let safe_s = safe.to_string();
        let tx = self.db.transaction().map_err(err)?;
        let mut new = 0;
        for r in records {
            new += tx
                .execute(
                    "INSERT OR IGNORE INTO records (key, chain_id, safe, block, body, response, response_state)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE 'pending' END)",
                    params![r.key, chain_id as i64, safe_s, r.block as i64, r.body.to_string(), r.response],
                )
                .map_err(err)?;
        }
        for b in blocks.iter().chain([&cursor]) {
            tx.execute(
                "INSERT OR REPLACE INTO blocks (chain_id, safe, number, hash) VALUES (?1, ?2, ?3, ?4)",
                params![chain_id as i64, safe_s, b.number as i64, b.hash.to_string()],
            )
            .map_err(err)?;
        }
        // Only the newest blocks are needed to find a common ancestor; keep at least the cursor.
        tx.execute(
            "DELETE FROM blocks WHERE chain_id = ?1 AND safe = ?2 AND number < ?3",
            params![chain_id as i64, safe_s, cursor.number.saturating_sub(keep_blocks) as i64],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT OR REPLACE INTO cursor (chain_id, safe, number, hash) VALUES (?1, ?2, ?3, ?4)",
            params![chain_id as i64, safe_s, cursor.number as i64, cursor.hash.to_string()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(new)
    }

    /// Rolls a safe back to `ancestor` after a reorg, in one transaction: blocks above it are
    /// forgotten, records from them that were delivered get a retraction record (key
    /// `retract:<key>`), undelivered ones and their pending responses are dropped unseen.
    /// Returns the keys retracted.
    pub fn rollback(
        &mut self,
        chain_id: u64,
        safe: Address,
        ancestor: BlockRef,
        retraction: impl Fn(&str, &Value) -> Value,
    ) -> eyre::Result<Vec<String>> {
        let safe_s = safe.to_string();
        let tx = self.db.transaction().map_err(err)?;
        let gone: Vec<(i64, String, String, bool)> = {
            let mut stmt = tx
                .prepare(
                    "SELECT r.seq, r.key, r.body, EXISTS (SELECT 1 FROM acks a WHERE a.seq = r.seq)
                     FROM records r WHERE r.chain_id = ?1 AND r.safe = ?2 AND r.block > ?3
                     AND r.retracted = 0 AND r.key NOT LIKE 'retract:%' AND r.key NOT LIKE 'response:%'",
                )
                .map_err(err)?;
            let rows = stmt
                .query_map(params![chain_id as i64, safe_s, ancestor.number as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map_err(err)?;
            rows.collect::<Result<_, _>>().map_err(err)?
        };
        let mut retracted = Vec::new();
        for (seq, key, body, delivered) in gone {
            if delivered {
                let body: Value = serde_json::from_str(&body)?;
                let retract = retraction(&key, &body);
                tx.execute(
                    "INSERT OR IGNORE INTO records (key, chain_id, safe, block, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![format!("retract:{key}"), chain_id as i64, safe_s, ancestor.number as i64, retract.to_string()],
                )
                .map_err(err)?;
                tx.execute(
                    "UPDATE records SET retracted = 1, response_state = CASE WHEN response_state = 'pending' THEN 'dropped' ELSE response_state END WHERE seq = ?1",
                    params![seq],
                )
                .map_err(err)?;
                retracted.push(key);
            } else {
                tx.execute("DELETE FROM acks WHERE seq = ?1", params![seq]).map_err(err)?;
                tx.execute("DELETE FROM records WHERE seq = ?1", params![seq]).map_err(err)?;
            }
        }
        tx.execute(
            "DELETE FROM blocks WHERE chain_id = ?1 AND safe = ?2 AND number > ?3",
            params![chain_id as i64, safe_s, ancestor.number as i64],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT OR REPLACE INTO cursor (chain_id, safe, number, hash) VALUES (?1, ?2, ?3, ?4)",
            params![chain_id as i64, safe_s, ancestor.number as i64, ancestor.hash.to_string()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(retracted)
    }

    /// Records not yet acknowledged by `sink`, oldest first.
    pub fn undelivered(&self, sink: &str) -> eyre::Result<Vec<Pending>> {
        let mut stmt = self
            .db
            .prepare(
                "SELECT seq, key, body FROM records r
                 WHERE NOT EXISTS (SELECT 1 FROM acks a WHERE a.seq = r.seq AND a.sink = ?1)
                 ORDER BY seq",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![sink], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))
            .map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, key, body) = row.map_err(err)?;
            out.push(Pending { seq, key, body: serde_json::from_str(&body)? });
        }
        Ok(out)
    }

    /// Marks a record as acknowledged by `sink`.
    pub fn ack(&self, seq: i64, sink: &str) -> eyre::Result<()> {
        self.db
            .execute("INSERT OR IGNORE INTO acks (seq, sink) VALUES (?1, ?2)", params![seq, sink])
            .map_err(err)?;
        Ok(())
    }

    /// Responses still to perform, oldest first.
    pub fn pending_responses(&self) -> eyre::Result<Vec<PendingResponse>> {
        let mut stmt = self
            .db
            .prepare(
                "SELECT key, response, body FROM records WHERE response_state = 'pending' AND retracted = 0 ORDER BY seq",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))
            .map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let (key, response, body) = row.map_err(err)?;
            out.push(PendingResponse { key, response, body: serde_json::from_str(&body)? });
        }
        Ok(out)
    }

    /// Closes a response in one transaction with the record that reports its outcome.
    pub fn finish_response(
        &mut self,
        key: &str,
        state: &str,
        chain_id: u64,
        safe: Address,
        block: u64,
        outcome: &Value,
    ) -> eyre::Result<()> {
        let tx = self.db.transaction().map_err(err)?;
        tx.execute("UPDATE records SET response_state = ?2 WHERE key = ?1", params![key, state])
            .map_err(err)?;
        tx.execute(
            "INSERT OR IGNORE INTO records (key, chain_id, safe, block, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![format!("response:{key}"), chain_id as i64, safe.to_string(), block as i64, outcome.to_string()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(())
    }

    /// How many records carry each type, for metrics: (alerts, responses).
    pub fn counts(&self) -> eyre::Result<(u64, u64)> {
        let alerts: i64 = self
            .db
            .query_row("SELECT COUNT(*) FROM records WHERE key NOT LIKE 'retract:%' AND key NOT LIKE 'response:%'", [], |r| r.get(0))
            .map_err(err)?;
        let responses: i64 = self
            .db
            .query_row("SELECT COUNT(*) FROM records WHERE key LIKE 'response:%'", [], |r| r.get(0))
            .map_err(err)?;
        Ok((alerts as u64, responses as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(n: u64, h: u8) -> BlockRef {
        BlockRef { number: n, hash: B256::repeat_byte(h) }
    }

    fn record(key: &str, block: u64) -> NewRecord {
        NewRecord {
            key: key.into(),
            block,
            response: Some("freeze".into()),
            body: json!({ "key": key }),
        }
    }

    #[test]
    fn a_range_replayed_after_a_crash_adds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let safe = Address::repeat_byte(1);
        let mut l = Ledger::open(&path).unwrap();
        assert_eq!(l.cursor(1, safe).unwrap(), None);
        let n =
            l.commit_range(1, safe, &[block(5, 5)], block(9, 9), &[record("a", 5)], 100).unwrap();
        assert_eq!(n, 1);
        drop(l);
        let mut l = Ledger::open(&path).unwrap();
        assert_eq!(l.cursor(1, safe).unwrap(), Some(block(9, 9)));
        let n =
            l.commit_range(1, safe, &[block(5, 5)], block(9, 9), &[record("a", 5)], 100).unwrap();
        assert_eq!(n, 0);
        assert_eq!(l.undelivered("stdout").unwrap().len(), 1);
        let seq = l.undelivered("stdout").unwrap()[0].seq;
        l.ack(seq, "stdout").unwrap();
        assert!(l.undelivered("stdout").unwrap().is_empty());
        assert_eq!(l.undelivered("webhook").unwrap().len(), 1);
        assert_eq!(l.pending_responses().unwrap().len(), 1);
    }

    #[test]
    fn rollback_retracts_delivered_and_drops_undelivered() {
        let dir = tempfile::tempdir().unwrap();
        let safe = Address::repeat_byte(1);
        let mut l = Ledger::open(&dir.path().join("w.db")).unwrap();
        l.commit_range(1, safe, &[block(3, 3)], block(4, 4), &[record("old", 3)], 100).unwrap();
        l.commit_range(
            1,
            safe,
            &[block(6, 6), block(7, 7)],
            block(8, 8),
            &[record("seen", 6), record("unseen", 7)],
            100,
        )
        .unwrap();
        let seen = l.undelivered("stdout").unwrap().into_iter().find(|p| p.key == "seen").unwrap();
        l.ack(seen.seq, "stdout").unwrap();
        let retracted = l
            .rollback(1, safe, block(4, 4), |key, _| json!({ "type": "retraction", "key": key }))
            .unwrap();
        assert_eq!(retracted, vec!["seen".to_string()]);
        assert_eq!(l.cursor(1, safe).unwrap(), Some(block(4, 4)));
        let keys: Vec<String> =
            l.undelivered("stdout").unwrap().into_iter().map(|p| p.key).collect();
        assert_eq!(keys, vec!["old".to_string(), "retract:seen".to_string()]);
        let responses: Vec<String> =
            l.pending_responses().unwrap().into_iter().map(|p| p.key).collect();
        assert_eq!(responses, vec!["old".to_string()]);
        assert_eq!(l.recent_blocks(1, safe).unwrap(), vec![block(4, 4), block(3, 3)]);
    }
}
