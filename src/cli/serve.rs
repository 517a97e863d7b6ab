//! `eligibility-gateway serve`: the HTTP API.
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context;

use super::{load_settings, ConfigArg};
use crate::startup::Application;
use crate::telemetry;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The address to listen on (`IP:PORT`; port 0 picks a free one), instead of `server.listen`
    /// (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

/// Loads and validates the configuration, installs logging, binds, prints `listening on http://ADDR`, and
/// serves until stopped.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = load_settings(args.config.config.as_deref())?;
    telemetry::init(&settings.log.level, settings.log.format)?;
    let listen = args.listen.unwrap_or(settings.server.listen);
    crate::config::security::check_listen(&settings.security, listen)
        .map_err(anyhow::Error::msg)?;
    let listener =
        TcpListener::bind(listen).with_context(|| format!("could not listen on {listen}"))?;
    let sources = settings.sources.clone();
    let payers = settings.payers.len();
    let application = Application::build_with_listener(settings, listener).await?;
    let address = application.local_addr();

    let mut stdout = std::io::stdout().lock();
    let scheme = application.scheme();
    writeln!(stdout, "listening on {scheme}://{address}").context("could not write to stdout")?;
    stdout.flush().context("could not write to stdout")?;
    drop(stdout);
    tracing::info!(%address, ?sources, payers, "gateway started");

    application
        .run_until_stopped()
        .await
        .context("the HTTP server failed")?;
    tracing::info!("gateway stopped");
    Ok(ExitCode::SUCCESS)
}
