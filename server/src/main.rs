//! `studio`: the AiAppsy Web Studio server.

use std::process::ExitCode;

use clap::Parser;
use server::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init();
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, naming the setting at fault; no panic trace.
            eprintln!("studio: {err}");
            ExitCode::FAILURE
        }
    }
}
