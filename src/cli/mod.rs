//! The `eligibility-gateway` command line (clap): `serve`, `check`, `payers`, `scenarios`, `x12`.
//!
//! - [`serve`]: run the HTTP API.
//! - [`check`]: one check, against a running gateway (`--url`) or in process, as a table or JSON.
//! - [`payers`]: list the payer registry.
//! - [`scenarios`]: the sandbox payer's scenario table.
//! - [`audit`]: a member's audit records, found by the same keyed hashes.
//! - [`keys`]: new API keys and their hashes.
//! - [`x12`]: the codec on files: decode a 271/999/TA1, build a 270 from an API request.
//! - [`sandbox_payer`]: the sandbox payer as a standalone HTTP server (the four real transports).
//! - `table`: the plain-text tables the commands print.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::ValidatedSettings;

pub mod audit;
pub mod check;
pub mod keys;
pub mod payers;
pub mod sandbox_payer;
pub mod scenarios;
pub mod serve;
mod table;
pub mod x12;

/// A real-time healthcare eligibility gateway: one JSON request in, one normalized coverage answer out,
/// from payers that speak X12 270/271 (CAQH CORE) or JSON.
///
/// Run `eligibility-gateway serve` for the HTTP API on the embedded defaults (127.0.0.1:8080, in-memory
/// cache, the sandbox payers), then try `eligibility-gateway check --url http://127.0.0.1:8080 --payer
/// SANDBOX --member-id ACT001 --npi 1234567893 --provider-name CLINIC`.
#[derive(Debug, Parser)]
#[command(name = "eligibility-gateway", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API until SIGTERM or ctrl-c.
    ///
    /// Prints `listening on http://ADDRESS` on stdout once the socket is bound; logs go to stderr.
    /// Refuses to start (exit code 1), naming the file and key, on a configuration it cannot honour.
    Serve(serve::ServeArgs),
    /// Run one eligibility check and print the answer.
    ///
    /// The request comes from flags or from a JSON file in the API's shape (`--file`). It runs in process
    /// (building the payers from the configuration) unless `--url` names a running gateway.
    /// Exit code: 0 answered, 2 the payer rejected the inquiry (the answer is still printed), 1 an error
    /// (printed on stderr in the API's error shape).
    Check(Box<check::CheckArgs>),
    /// List the payers of the registry (ids, names, aliases, transport, limits).
    Payers(payers::PayersArgs),
    /// Print the sandbox payer's scenarios: which member ID prefix gets which answer.
    Scenarios(scenarios::ScenariosArgs),
    /// The X12 codec on files.
    #[command(subcommand)]
    X12(x12::X12Command),
    /// Print the audit records of a member (found by the keyed hashes of its member id, or of its name and
    /// date of birth), one JSON line each, oldest first.
    Audit(audit::AuditArgs),
    /// Make API keys: a new key and the SHA-256 the configuration holds for it.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Run the sandbox payer as a standalone HTTP server speaking x12-core-soap (POST /core/soap),
    /// x12-core-mime (POST /core/mime), x12-http (POST /x12) and chc-json (POST /oauth/token, POST
    /// /eligibility), with latency and fault injection; counts on GET /stats.
    ///
    /// Prints `listening on http://ADDRESS` on stdout once the socket is bound; logs go to stderr.
    SandboxPayer(Box<sandbox_payer::SandboxPayerArgs>),
}

/// Runs a parsed command line; the exit code is the command's.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Check(args) => check::run(*args).await,
        Command::Payers(args) => payers::run(args).await,
        Command::Scenarios(args) => scenarios::run(args),
        Command::X12(command) => x12::run(command),
        Command::Audit(args) => audit::run(args),
        Command::Keys(command) => keys::run(command),
        Command::SandboxPayer(args) => sandbox_payer::run(*args).await,
    }
}

/// Loads the configuration (embedded defaults, `file`, environment), with the problems in the error.
pub fn load_settings(file: Option<&Path>) -> anyhow::Result<ValidatedSettings> {
    crate::config::load(file).map_err(|error| {
        anyhow::Error::new(error)
            .context("the configuration is invalid; the gateway will not start")
    })
}

/// Installs logging for a command other than `serve`: warnings only unless `RUST_LOG` says otherwise, to
/// stderr, so that stdout holds only the command's output.
pub fn init_quiet_logging() -> anyhow::Result<()> {
    crate::telemetry::init("warn", crate::config::LogFormat::Pretty)
}

/// Reads a file, or stdin for `-`.
pub fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .context("could not read standard input")?;
        Ok(buffer)
    } else {
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))
    }
}

/// Writes the command's output to stdout. A closed pipe (`| head`) ends the output quietly instead of
/// panicking as `print!` would.
pub(crate) fn print_out(text: &str) -> anyhow::Result<()> {
    write_to(&mut std::io::stdout().lock(), text)
}

/// Writes a message to stderr; a closed stderr is ignored.
pub(crate) fn print_err(text: &str) -> anyhow::Result<()> {
    write_to(&mut std::io::stderr().lock(), text)
}

fn write_to(stream: &mut impl std::io::Write, text: &str) -> anyhow::Result<()> {
    match stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(error).context("could not write the output"))
        }
        _ => Ok(()),
    }
}

/// `--config FILE`, shared by the commands that read the configuration.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArg {
    /// An operator configuration file (TOML) layered over the embedded defaults; `GATEWAY__*` environment
    /// variables override both.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}
