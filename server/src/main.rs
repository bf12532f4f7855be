//! `studio`: the AiAppsy Web Studio server.

use std::process::ExitCode;

use clap::Parser;
use server::cli::Cli;

/// jemalloc, not the system's malloc: in the open-loop benchmark glibc's allocator took about a
/// quarter of the server's CPU, and its per-thread arenas held on to memory freed by closed
/// streams (README, "Performance").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
