//! `tsafe completions SHELL`: shell completion scripts.

use crate::{Cli, output::Outcome};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// Arguments of `tsafe completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

impl CompletionsArgs {
    /// Renders the completion script as the command's text output.
    pub fn run(self) -> eyre::Result<Outcome> {
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "tsafe", &mut buf);
        let script = String::from_utf8(buf)?;
        Outcome::new(
            &serde_json::json!({ "shell": self.shell.to_string(), "script": script }),
            script.clone(),
        )
    }
}
