//! The `eligibility-gateway` binary: parses the command line and runs the command (see `gateway::cli`).
use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = gateway::cli::Cli::parse();
    match gateway::cli::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
