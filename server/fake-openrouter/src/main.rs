//! `fake-openrouter`: serves the fake until Ctrl-C. The first stdout line is the base URL.

use std::{io::Write, process::ExitCode};

use clap::Parser;
use fake_openrouter::{Cli, FakeOpenRouter};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let server = match FakeOpenRouter::start_on(cli.addr, cli.config()).await {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, addr = %cli.addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    // Scripts read this line to learn where the fake listens, so it goes to stdout first.
    let mut stdout = std::io::stdout();
    if let Err(error) = writeln!(stdout, "{}", server.base_url()).and_then(|()| stdout.flush()) {
        tracing::error!(%error, "cannot write the base URL to stdout");
        return ExitCode::FAILURE;
    }

    stop_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    () = ctrl_c => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
