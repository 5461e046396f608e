//! Sinks: where records go. Each sink acknowledges each record on its own (the ledger remembers
//! which sink has which record), in the ledger's order; a sink that fails keeps its backlog for
//! the next pass and never holds up the others.
//!
//! - `console`: one JSON line on stdout (the record) and one human line on stderr.
//! - `webhook`: POST of the record; headers `Idempotency-Key` (the record's key, the same on every
//!   retry and from every watcher) and, with a secret, `X-Tsafe-Signature: sha256=<hex HMAC-SHA256
//!   of the body>`; any 2xx acknowledges; retried with exponential backoff.
//! - `command`: `sh -c COMMAND` with the record on stdin and `TSAFE_WATCH_KEY` set; exit 0
//!   acknowledges.

use super::ledger::Ledger;
use crate::output::{self, Out};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The header carrying the idempotency key.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The header carrying the HMAC signature.
pub const SIGNATURE_HEADER: &str = "X-Tsafe-Signature";

/// HMAC-SHA256 of `body` under `secret`, as `sha256=<hex>`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    format!("sha256={}", alloy::hex::encode(mac.finalize().into_bytes()))
}

/// One human line for a record.
pub fn human(record: &Value) -> String {
    let kind = record["type"].as_str().unwrap_or("record");
    let severity = record["severity"].as_str().unwrap_or("info");
    let safe = record["safeName"].as_str().unwrap_or("?");
    let block = &record["block"];
    let summary = record["summary"].as_str().unwrap_or("");
    match kind {
        "alert" => format!(
            "[{severity}] {safe} block {block}: rule {} ({}): {} | {summary}",
            record["rule"].as_str().unwrap_or("?"),
            record["action"].as_str().unwrap_or("alert"),
            record["reason"].as_str().unwrap_or("")
        ),
        "response" => format!(
            "[{severity}] {safe}: {} {}: {summary}",
            record["response"].as_str().unwrap_or("?"),
            if record["ok"] == true { "done" } else { "FAILED" }
        ),
        "retraction" => format!("[{severity}] {safe} block {block}: {summary}"),
        _ => format!("[info] {safe} block {block}: {summary}"),
    }
}

/// The configured sinks.
#[derive(Debug)]
pub struct Sinks {
    out: Out,
    webhook: Option<(String, Option<Vec<u8>>, u32)>,
    command: Option<String>,
    console: bool,
    client: reqwest::Client,
}

impl Sinks {
    /// Builds the sinks; the webhook secret is read from the environment variable the watch file
    /// names (a secret never lives in the file).
    pub fn new(out: Out, spec: &super::config::SinkSpec) -> eyre::Result<Self> {
        let secret = match &spec.webhook_secret_env {
            Some(var) => Some(
                std::env::var(var)
                    .map_err(|_| {
                        crate::exit::Failure::bad_input(format!(
                            "the webhook secret variable {var} is not set"
                        ))
                        .fix(format!("export {var}=… before starting the watcher"))
                    })?
                    .into_bytes(),
            ),
            None => None,
        };
        Ok(Self {
            out,
            webhook: spec.webhook.clone().map(|url| (url, secret, spec.webhook_attempts)),
            command: spec.command.clone(),
            console: spec.console,
            client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
        })
    }

    /// The sinks' names, as the ledger knows them.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = vec!["console"];
        if self.webhook.is_some() {
            names.push("webhook");
        }
        if self.command.is_some() {
            names.push("command");
        }
        names
    }

    /// Delivers every record some sink has not acknowledged. Returns how many records remain
    /// undelivered (0: all sinks are up to date).
    pub async fn deliver(&self, ledger: &Ledger, metrics: &Metrics) -> eyre::Result<usize> {
        self.deliver_to(ledger, metrics, &self.names()).await
    }

    /// Delivers to the console only: instant, so alerts reach people before a response waits
    /// for its receipt, and before a slow webhook is retried.
    pub async fn deliver_console(&self, ledger: &Ledger, metrics: &Metrics) -> eyre::Result<usize> {
        self.deliver_to(ledger, metrics, &["console"]).await
    }

    async fn deliver_to(
        &self,
        ledger: &Ledger,
        metrics: &Metrics,
        sinks: &[&'static str],
    ) -> eyre::Result<usize> {
        let mut left = 0;
        for &sink in sinks {
            for record in ledger.undelivered(sink)? {
                let ok = match sink {
                    "console" => self.console(&record.body),
                    "webhook" => self.post(&record.key, &record.body).await,
                    _ => self.run_command(&record.key, &record.body).await,
                };
                if ok {
                    ledger.ack(record.seq, sink)?;
                    if sink == "console" {
                        metrics.count(&record.body);
                    }
                } else {
                    let undelivered = ledger.undelivered(sink)?.len();
                    left += undelivered;
                    self.out.warn(format!(
                        "sink {sink} did not acknowledge record {}; {undelivered} record(s) wait for the next pass",
                        record.key
                    ));
                    break;
                }
            }
        }
        Ok(left)
    }

    fn console(&self, record: &Value) -> bool {
        if !self.console {
            return true;
        }
        if output::data(&record.to_string()).is_err() {
            return false;
        }
        if !self.out.quiet {
            self.out.show(&human(record));
        }
        true
    }

    async fn post(&self, key: &str, record: &Value) -> bool {
        let Some((url, secret, attempts)) = &self.webhook else { return true };
        let body = record.to_string();
        let mut backoff = Duration::from_millis(200);
        for attempt in 1..=*attempts {
            let mut request = self
                .client
                .post(url)
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_HEADER, key);
            if let Some(secret) = secret {
                request = request.header(SIGNATURE_HEADER, sign(secret, body.as_bytes()));
            }
            match request.body(body.clone()).send().await {
                Ok(r) if r.status().is_success() => return true,
                Ok(r) => self.out.status(format!(
                    "webhook answered {} to record {key} (attempt {attempt}/{attempts})",
                    r.status()
                )),
                Err(e) => self.out.status(format!(
                    "webhook unreachable for record {key} (attempt {attempt}/{attempts}): {e}"
                )),
            }
            if attempt < *attempts {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
        false
    }

    async fn run_command(&self, key: &str, record: &Value) -> bool {
        let Some(command) = &self.command else { return true };
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .env("TSAFE_WATCH_KEY", key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn();
        let Ok(mut child) = child else { return false };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(format!("{record}\n").as_bytes()).await;
        }
        matches!(child.wait().await, Ok(s) if s.success())
    }

    /// A heartbeat line on stdout (not ledgered: it is about now, not about the chain).
    pub fn heartbeat(&self, metrics: &Metrics) {
        let mut beat = metrics.snapshot();
        beat["schema"] = super::follow::RECORD_SCHEMA.into();
        beat["type"] = "heartbeat".into();
        let _ = output::data(&beat.to_string());
    }
}

/// Counters and gauges, shared with the metrics endpoint.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Mutex<State>>);

#[derive(Debug, Default)]
struct State {
    /// (chain id, safe name) → (last block read, head seen)
    safes: BTreeMap<(u64, String), (u64, u64)>,
    alerts: u64,
    events: u64,
    retractions: u64,
    responses: u64,
    responses_failed: u64,
    rpc_errors: u64,
    started: u64,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Metrics {
    /// New metrics, stamped with the start time.
    pub fn new() -> Self {
        let m = Self::default();
        if let Ok(mut s) = m.0.lock() {
            s.started = unix_now();
        }
        m
    }

    fn with(&self, f: impl FnOnce(&mut State)) {
        if let Ok(mut s) = self.0.lock() {
            f(&mut s);
        }
    }

    /// Where a safe's follower stands.
    pub fn progress(&self, chain_id: u64, safe: &str, last: u64, head: u64) {
        self.with(|s| {
            s.safes.insert((chain_id, safe.to_owned()), (last, head));
        });
    }

    /// One RPC error.
    pub fn rpc_error(&self) {
        self.with(|s| s.rpc_errors += 1);
    }

    /// Counts a delivered record by type.
    pub fn count(&self, record: &Value) {
        self.with(|s| match record["type"].as_str() {
            Some("alert") => s.alerts += 1,
            Some("retraction") => s.retractions += 1,
            Some("response") if record["ok"] == true => s.responses += 1,
            Some("response") => s.responses_failed += 1,
            _ => s.events += 1,
        });
    }

    /// The numbers as JSON (for the heartbeat).
    pub fn snapshot(&self) -> Value {
        let Ok(s) = self.0.lock() else { return Value::Null };
        let safes: Vec<Value> = s
            .safes
            .iter()
            .map(|((chain, name), (last, head))| {
                serde_json::json!({ "chainId": chain, "safe": name, "lastBlock": last, "head": head, "lag": head.saturating_sub(*last) })
            })
            .collect();
        serde_json::json!({
            "time": unix_now(),
            "safes": safes,
            "alerts": s.alerts,
            "retractions": s.retractions,
            "responses": s.responses,
            "responsesFailed": s.responses_failed,
            "rpcErrors": s.rpc_errors,
        })
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let Ok(s) = self.0.lock() else { return String::new() };
        let mut t = String::new();
        t.push_str("# HELP tsafe_watch_last_block Last block fully read, per safe.\n# TYPE tsafe_watch_last_block gauge\n");
        for ((chain, name), (last, _)) in &s.safes {
            t.push_str(&format!(
                "tsafe_watch_last_block{{chain=\"{chain}\",safe=\"{name}\"}} {last}\n"
            ));
        }
        t.push_str("# HELP tsafe_watch_lag_blocks Blocks between the head and the last block read.\n# TYPE tsafe_watch_lag_blocks gauge\n");
        for ((chain, name), (last, head)) in &s.safes {
            t.push_str(&format!(
                "tsafe_watch_lag_blocks{{chain=\"{chain}\",safe=\"{name}\"}} {}\n",
                head.saturating_sub(*last)
            ));
        }
        for (name, help, value) in [
            ("tsafe_watch_alerts_total", "Alerts delivered to the console.", s.alerts),
            ("tsafe_watch_events_total", "Event records delivered to the console.", s.events),
            ("tsafe_watch_retractions_total", "Alerts retracted after a reorg.", s.retractions),
            (
                "tsafe_watch_responses_total",
                "Responses done (sent, or found already done).",
                s.responses,
            ),
            (
                "tsafe_watch_responses_failed_total",
                "Responses that could not be done.",
                s.responses_failed,
            ),
            (
                "tsafe_watch_rpc_errors_total",
                "RPC errors (each one moves to the next node).",
                s.rpc_errors,
            ),
        ] {
            t.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"));
        }
        t.push_str(&format!(
            "# HELP tsafe_watch_heartbeat_timestamp_seconds Time of this scrape.\n# TYPE tsafe_watch_heartbeat_timestamp_seconds gauge\ntsafe_watch_heartbeat_timestamp_seconds {}\n",
            unix_now()
        ));
        t
    }

    /// Serves `GET /metrics` (any path) on a loopback address until the process ends.
    pub async fn serve(self, addr: SocketAddr) -> eyre::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            crate::exit::Failure::bad_input(format!("cannot listen on {addr} for metrics: {e}"))
                .fix("choose a free port for sinks.metrics")
        })?;
        let bound = listener.local_addr()?;
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let body = self.render();
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let _ = socket.read(&mut buf).await;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        Ok(bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn metrics_render_counts() {
        let m = Metrics::new();
        m.progress(1, "treasury", 10, 12);
        m.count(&serde_json::json!({ "type": "alert" }));
        let text = m.render();
        assert!(text.contains("tsafe_watch_lag_blocks{chain=\"1\",safe=\"treasury\"} 2"), "{text}");
        assert!(text.contains("tsafe_watch_alerts_total 1"), "{text}");
    }
}
