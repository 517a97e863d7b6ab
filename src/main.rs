//! The `eligibility-gateway` binary: parses the command line and runs the command (see `gateway::cli`).
use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: a check allocates and frees thousands of small values (the
/// decoded 271, its JSON) on whichever worker thread runs it, which glibc's per-thread arenas handle slower
/// and fragment more (measured in the load test: README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
