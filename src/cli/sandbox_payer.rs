//! `eligibility-gateway sandbox-payer`: the simulated payer as a standalone HTTP server speaking
//! `x12-core-soap`, `x12-core-mime`, `x12-http` and `chc-json` (see `crate::sandbox_server`).
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context;

use crate::sandbox_server::{Options, SandboxServer, ServerSettings};
use crate::telemetry;

/// Arguments of `sandbox-payer`.
#[derive(Debug, clap::Args)]
pub struct SandboxPayerArgs {
    /// The address to listen on (`IP:PORT`; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9090")]
    pub listen: SocketAddr,
    /// Everything else: settings file, latency, credentials, faults.
    #[command(flatten)]
    pub options: Options,
}

/// Loads the settings, binds, prints `listening on http://ADDR`, and serves until stopped.
pub async fn run(args: SandboxPayerArgs) -> anyhow::Result<ExitCode> {
    let settings = ServerSettings::load(&args.options, &|var| std::env::var(var).ok())
        .context("the sandbox payer's settings are invalid")?;
    telemetry::init("info", crate::config::LogFormat::Pretty)?;
    let listener = TcpListener::bind(args.listen)
        .with_context(|| format!("could not listen on {}", args.listen))?;
    let server = SandboxServer::build(settings, listener)?;
    let address = server.local_addr();

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{address}").context("could not write to stdout")?;
    stdout.flush().context("could not write to stdout")?;
    drop(stdout);
    tracing::info!(%address, "sandbox payer started");

    server.run().await.context("the HTTP server failed")?;
    Ok(ExitCode::SUCCESS)
}
