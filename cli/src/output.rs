//! The one place `tsafe` writes to the terminal.
//!
//! - stdout carries data only: the command's report as human text, or with `--json` one envelope
//!   `{"schema": "tsafe/1", "command", "ok", "data" | "error"}`.
//! - stderr carries narration, progress, prompts, warnings and (in human mode) errors.
//! - Colour only on a terminal and never when `NO_COLOR` is set.

use crate::exit::{self, ExitKind};
use indicatif::{ProgressBar, ProgressStyle};
use owo_colors::OwoColorize;
use serde::Serialize;
use serde_json::{Value, json};
use std::{
    io::{self, IsTerminal, Write},
    time::Duration,
};

/// Version of the `--json` envelope. Bumped on any incompatible change.
pub const SCHEMA: &str = "tsafe/1";

/// What a command produced: its data and how to show it to a person.
#[derive(Debug)]
pub struct Outcome {
    /// The report, serialised as the envelope's `data`.
    pub data: Value,
    /// The same report as human text (stdout).
    pub text: String,
    /// Already printed by the command (a long-running one reports before it waits).
    pub printed: bool,
}

impl Outcome {
    /// Builds an outcome from a serialisable report and its human rendering.
    pub fn new<R: Serialize>(report: &R, text: impl Into<String>) -> eyre::Result<Self> {
        Ok(Self { data: serde_json::to_value(report)?, text: text.into(), printed: false })
    }
}

/// Output settings, resolved once from the global flags and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--json`: one envelope on stdout.
    pub json: bool,
    /// `-q`: no narration.
    pub quiet: bool,
    color: bool,
    interactive: bool,
}

impl Out {
    /// Resolves colour and interactivity from the terminal and `NO_COLOR`.
    pub fn new(json: bool, quiet: bool) -> Self {
        let stderr_tty = io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self { json, quiet, color: stderr_tty && !no_color, interactive: stderr_tty }
    }

    /// Narration on stderr (suppressed by `-q`).
    pub fn status(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprint_line(line.as_ref());
        }
    }

    /// A step heading on stderr, highlighted on a colour terminal.
    pub fn step(&self, line: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        if self.color {
            eprint_line(&format!("{}", line.as_ref().bold()));
        } else {
            eprint_line(line.as_ref());
        }
    }

    /// A block of text on stderr, shown whatever the flags (what a signer must read before a
    /// prompt); the caller decides when it is needed.
    pub fn show(&self, text: &str) {
        eprint_line(text.trim_end_matches('\n'));
    }

    /// A warning on stderr (shown even with `-q`: warnings protect funds).
    pub fn warn(&self, line: impl AsRef<str>) {
        let text = format!("warning: {}", line.as_ref());
        if self.color {
            eprint_line(&format!("{}", text.yellow()));
        } else {
            eprint_line(&text);
        }
    }

    /// Announces a transaction hash the moment it is sent.
    pub fn sent(&self, what: &str, hash: impl std::fmt::Display) {
        if !self.quiet {
            eprint_line(&format!("sent {what}: {hash}"));
        }
    }

    /// A spinner on stderr while waiting (only on a terminal, and not with `-q`).
    pub fn spinner(&self, message: impl Into<String>) -> Spinner {
        if self.quiet || !self.interactive {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// Asks for confirmation on stderr; `--yes` (or a non-terminal with `--yes` missing) decides.
    pub fn confirm(&self, yes: bool, question: &str) -> eyre::Result<bool> {
        if yes {
            return Ok(true);
        }
        if !self.interactive {
            return Err(exit::Failure::bad_input(format!(
                "confirmation needed ({}), and there is no terminal to ask on",
                question.trim_end_matches('?')
            ))
            .fix("pass --yes to confirm in non-interactive use")
            .into());
        }
        {
            let mut err = io::stderr().lock();
            let _ = write!(err, "{question} [y/N] ");
            let _ = err.flush();
        }
        let mut answer = String::new();
        io::stdin().read_line(&mut answer)?;
        Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
    }

    /// Prints a command's success: the envelope with `--json`, else its text.
    pub fn success(&self, command: &str, outcome: &Outcome) -> io::Result<()> {
        if outcome.printed {
            Ok(())
        } else if self.json {
            let envelope =
                json!({ "schema": SCHEMA, "command": command, "ok": true, "data": outcome.data });
            data_line(&serde_json::to_string_pretty(&envelope).unwrap_or_default())
        } else if !outcome.text.is_empty() {
            data_line(outcome.text.trim_end_matches('\n'))
        } else {
            Ok(())
        }
    }

    /// Renders a failure once: the error envelope on stdout with `--json`, else text on stderr.
    pub fn failure(&self, command: &str, report: &eyre::Report) -> ExitKind {
        let failure = exit::failure_of(report);
        let kind = exit::kind_of(report);
        // A node lost in the middle of a command carries no fix of its own: name the usual one.
        let fix = failure.and_then(|f| f.fix.clone()).or_else(|| {
            (kind == ExitKind::Node).then(|| {
                "check that the node is up and reachable, then run the command again: it re-reads the chain and nothing was changed locally".to_owned()
            })
        });
        if self.json {
            let error = json!({
                "kind": kind,
                "code": kind.code(),
                "message": render_chain(report),
                "fix": fix,
                "revert": failure.and_then(|f| f.revert.clone()),
            });
            let envelope =
                json!({ "schema": SCHEMA, "command": command, "ok": false, "error": error });
            let _ = data_line(&serde_json::to_string_pretty(&envelope).unwrap_or_default());
        } else {
            let head =
                if self.color { format!("{}", "error:".red().bold()) } else { "error:".into() };
            eprint_line(&format!("{head} {}", render_chain(report)));
            if let Some(fix) = fix {
                eprint_line(&format!("  fix: {fix}"));
            }
        }
        kind
    }
}

/// A spinner that clears itself when dropped.
#[derive(Debug)]
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Replaces the spinner's message (a countdown, for instance).
    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.into());
        }
    }

    /// Whether a spinner is actually drawn (a terminal, and not `-q`).
    pub fn is_drawn(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn render_chain(report: &eyre::Report) -> String {
    let mut text = report.to_string();
    for cause in report.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text
}

fn data_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

fn eprint_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Writes one line of data to stdout (for commands that stream, like `completions`).
pub fn data(line: &str) -> io::Result<()> {
    data_line(line)
}

/// Reports a command-line the parser refused: `--help` and `--version` print as usual; any other
/// error is bad input (exit 2), printed by clap on stderr and, with `--json` anywhere before a
/// `--`, also as the error envelope on stdout, as every other failure.
pub fn usage_error(error: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return std::process::ExitCode::from(if error.use_stderr() { 2 } else { 0 });
    }
    let args: Vec<String> = std::env::args().skip(1).take_while(|a| a != "--").collect();
    let json = args.iter().any(|a| a == "--json");
    let _ = error.print();
    if json {
        let command = args.iter().find(|a| !a.starts_with('-')).cloned();
        let rendered = error.render().to_string();
        let message = rendered.lines().find(|l| l.starts_with("error:")).map_or_else(
            || rendered.trim().to_owned(),
            |l| l.trim_start_matches("error:").trim().to_owned(),
        );
        let fix = match &command {
            Some(c) => format!("see `tsafe {c} --help` for the flags and arguments it takes"),
            None => "see `tsafe --help` for the commands".to_owned(),
        };
        let kind = ExitKind::BadInput;
        let envelope = json!({
            "schema": SCHEMA,
            "command": command,
            "ok": false,
            "error": {
                "kind": kind,
                "code": kind.code(),
                "message": message,
                "fix": fix,
                "revert": null,
            },
        });
        let _ = data_line(&serde_json::to_string_pretty(&envelope).unwrap_or_default());
    }
    ExitKind::BadInput.exit_code()
}
