//! Logs to standard error, as text for people or JSON for collectors
//! (`RUST_LOG` overrides the level), and traces over OTLP when the
//! standard `OTEL_*` variables ask for them.

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Sets up logs and traces for a process that runs `servers` (none for the
/// client commands); call it once, inside the Tokio runtime, and keep the
/// guard until the servers have stopped: dropping it flushes the traces.
pub fn init(
    format: LogFormat,
    default_level: &str,
    servers: &[&'static str],
) -> Result<copydesk_telemetry::Guard, copydesk_telemetry::Error> {
    let format = match format {
        LogFormat::Text => copydesk_telemetry::LogFormat::Text,
        LogFormat::Json => copydesk_telemetry::LogFormat::Json,
    };
    copydesk_telemetry::init(&copydesk_telemetry::Config::from_env(
        servers,
        format,
        default_level,
    ))
}
