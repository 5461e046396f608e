//! The one place `tsafe` writes to the terminal. stdout carries data only (what a script would
//! parse); narration, progress and errors go to stderr. No colours are used yet, so `NO_COLOR`
//! is trivially respected.

use std::io::{self, Write};

/// Writes one line of data to stdout.
pub fn data(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// Writes a line of narration to stderr. Failing to narrate is not worth failing a command for.
pub fn status(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Renders an error once: the message, then each cause on its own line.
pub fn error(report: &eyre::Report) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "error: {report}");
    for cause in report.chain().skip(1) {
        let _ = writeln!(err, "  caused by: {cause}");
    }
}
