//! `tsafe` binary: parse, run, render the result or the error once, exit with a typed status.

use clap::Parser;
use std::process::ExitCode;
use tsafe::{Cli, context::Ctx, exit::ExitKind, output::Out};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return tsafe::output::usage_error(e),
    };
    let name = cli.command.name();
    let result = match Ctx::new(&cli.global) {
        Ok(ctx) => Box::pin(cli.command.run(&ctx)).await,
        Err(e) => Err(e),
    };
    let out = Out::new(cli.global.json, cli.global.quiet);
    match result {
        Ok(outcome) => match out.success(name, &outcome) {
            Ok(()) => ExitCode::SUCCESS,
            // stdout closed (e.g. piped into `head`): nothing more to say.
            Err(_) => ExitKind::Error.exit_code(),
        },
        Err(report) => out.failure(name, &report).exit_code(),
    }
}
