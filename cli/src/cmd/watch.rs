//! `tsafe watch FILE`: follow the safes of a watch file, alert exactly once on every rule broken,
//! cancel, freeze or evacuate with a guardian key. `--check` validates the file; `--once` reads up to the
//! head, responds, delivers and exits (for cron). See docs/watch.md.

use crate::{
    context::Ctx,
    exit::{ExitKind, Failure},
    opts::WalletOpts,
    output::Outcome,
    watch::{Watcher, config},
};
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `tsafe watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The watch file: safes, nodes, rules, sinks (see examples/watch.toml).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Validate the file and exit (errors name their line).
    #[arg(long)]
    pub check: bool,
    /// Read up to the head, respond, deliver, then exit (for cron).
    #[arg(long)]
    pub once: bool,
    /// The ledger database [default: FILE with the extension .db].
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The guardian key for rules that cancel, freeze or evacuate.
    #[command(flatten)]
    pub wallet: WalletOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckReport {
    file: PathBuf,
    safes: Vec<String>,
    rules: Vec<RuleLine>,
    needs_guardian: bool,
}

#[derive(Debug, Serialize)]
struct RuleLine {
    name: String,
    line: usize,
    severity: crate::watch::rules::Severity,
    action: crate::watch::rules::Action,
}

impl WatchArgs {
    /// Validates, then watches.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let file = config::load(&self.file).map_err(|errors| {
            let lines: Vec<String> =
                errors.iter().map(|e| format!("{}:{e}", self.file.display())).collect();
            Failure::bad_input(format!("the watch file is not valid:\n  {}", lines.join("\n  ")))
                .fix("fix the lines named above; docs/watch.md documents every rule kind and field")
        })?;
        if self.check {
            let report = CheckReport {
                file: self.file.clone(),
                safes: file.safes.iter().map(|s| format!("{} ({})", s.name, s.address)).collect(),
                rules: file
                    .rules
                    .iter()
                    .map(|r| RuleLine {
                        name: r.name.clone(),
                        line: r.line,
                        severity: r.severity,
                        action: r.action,
                    })
                    .collect(),
                needs_guardian: file.rules.iter().any(|r| r.action.needs_guardian()),
            };
            let text = format!(
                "{}: valid: {} safe(s), {} rule(s){}",
                self.file.display(),
                report.safes.len(),
                report.rules.len(),
                if report.needs_guardian {
                    "; cancel/freeze/evacuate rules need a guardian key"
                } else {
                    ""
                }
            );
            return Outcome::new(&report, text);
        }
        let db = self.db.clone().unwrap_or_else(|| self.file.with_extension("db"));
        let mut watcher = Watcher::start(ctx.out, file, &db, Some(&self.wallet)).await?;
        let summary = if self.once { watcher.pass().await } else { watcher.run().await? };
        if !summary.caught_up {
            return Err(Failure::new(
                ExitKind::Node,
                "no node of some safe answered; the cursor stays where it was",
            )
            .fix("check rpc_urls; the next run resumes at the cursor")
            .into());
        }
        if summary.undelivered > 0 {
            return Err(Failure::new(
                ExitKind::Error,
                format!("{} record(s) were not acknowledged by a sink; they stay in the ledger for the next run", summary.undelivered),
            )
            .fix("check the webhook or command sink; the next run delivers them with the same idempotency keys")
            .into());
        }
        ctx.out.status(format!("caught up: {} safe(s), every record delivered", summary.safes));
        let mut outcome = Outcome::new(&summary, String::new())?;
        // The records were the output (JSON lines on stdout): no envelope after them.
        outcome.printed = true;
        Ok(outcome)
    }
}
