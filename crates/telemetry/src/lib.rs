//! Logs, traces and trace context for every Copydesk process.
//!
//! [`init`] is called once per process. It installs the log output (text
//! or JSON on standard error, filtered by `RUST_LOG`) and, when an OTLP
//! endpoint is configured through the standard `OTEL_*` variables, one
//! OpenTelemetry pipeline per server the process runs, each with its own
//! `service.name`: `copydesk up` runs four servers in one process and a
//! trace must still show four services. With no endpoint no pipeline is
//! built and spans only give log lines their context.
//!
//! Which pipeline a span goes to is decided when it is created: a server
//! span ([`server_span`]) belongs to its server, and every span created
//! inside it belongs to the same server. Spans must therefore be created
//! inside the server span (`Span::current()` carried into blocking tasks),
//! not with an explicit parent from elsewhere.

#![forbid(unsafe_code)]

mod propagation;

use std::io::IsTerminal;
use std::time::Duration;

use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Level, Metadata, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

pub use propagation::{extract, inject, inject_current};

/// The servers a process can run, by the name they are given in
/// `copydesk_runtime::Server::new`.
pub const SERVERS: [&str; 5] = ["gateway", "segmenter", "entities", "sentiment", "knowledge"];

/// Server spans carry this target followed by their server's name; it is
/// how a span is routed to its server's pipeline (targets are the only
/// per-span fact a filter can see before the span exists).
const SERVER_TARGET: &str = "copydesk::server::";

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// What [`init`] sets up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The servers this process runs (names from [`SERVERS`]); each gets
    /// its own `service.name`.
    pub servers: Vec<&'static str>,
    pub log_format: LogFormat,
    /// The log level when `RUST_LOG` is unset ("info", "warn").
    pub default_level: String,
    /// Where to send traces over OTLP/gRPC; `None`: tracing off.
    pub otlp_endpoint: Option<String>,
    /// `OTEL_SERVICE_NAME`: the service name of a one-server process, or the
    /// prefix of each server's in a process that runs several.
    pub service_name: Option<String>,
}

impl Config {
    /// Settings from the standard variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
    /// or `OTEL_EXPORTER_OTLP_ENDPOINT` turn tracing on, `OTEL_SDK_DISABLED=true`
    /// or `OTEL_TRACES_EXPORTER=none` keep it off, `OTEL_SERVICE_NAME` names
    /// the services. The SDK itself reads `OTEL_TRACES_SAMPLER(_ARG)`,
    /// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*` and the exporter's
    /// `OTEL_EXPORTER_OTLP_*` headers, timeout and compression.
    pub fn from_env(servers: &[&'static str], log_format: LogFormat, default_level: &str) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let disabled = var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v.eq_ignore_ascii_case("none"));
        let endpoint = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"))
            .filter(|_| !disabled);
        Config {
            servers: servers.to_vec(),
            log_format,
            default_level: default_level.to_owned(),
            otlp_endpoint: endpoint,
            service_name: var("OTEL_SERVICE_NAME"),
        }
    }

    /// The `service.name` of `server`'s spans.
    pub fn service_name(&self, server: &str) -> String {
        match (&self.service_name, self.servers.len()) {
            (Some(name), 1) => name.clone(),
            (Some(prefix), _) => format!("{prefix}-{server}"),
            (None, _) => format!("copydesk-{server}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled(#[from] tracing_subscriber::util::TryInitError),
}

/// Keeps the trace pipelines alive; dropping it sends what is buffered and
/// shuts them down. Drop it while the Tokio runtime is still running (the
/// exporter's connection lives there) and not on a runtime thread that the
/// export needs (use a multi-threaded runtime or drop it outside).
#[derive(Debug, Default)]
pub struct Guard {
    providers: Vec<SdkTracerProvider>,
}

impl Guard {
    /// Whether traces are being exported.
    pub fn tracing(&self) -> bool {
        !self.providers.is_empty()
    }

    /// Exports every finished span now, and waits for it (blocking).
    pub fn flush(&self) {
        for provider in &self.providers {
            if let Err(error) = provider.force_flush() {
                tracing::warn!(%error, "could not flush traces");
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for provider in self.providers.drain(..) {
            if let Err(error) = provider.shutdown_with_timeout(Duration::from_secs(5)) {
                // The subscriber may be gone by now: say it on stderr.
                eprintln!("copydesk: traces not all exported at exit: {error}");
            }
        }
    }
}

/// Installs logging and, when configured, trace export for this process.
/// Call it once, inside the Tokio runtime (the OTLP exporter connects
/// from it), before any server starts.
pub fn init(config: &Config) -> Result<Guard, Error> {
    let mut providers = Vec::new();
    let mut trace_layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = Vec::new();
    if let Some(endpoint) = &config.otlp_endpoint {
        for &server in &config.servers {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint.clone())
                .build()?;
            // Resource::builder() adds OTEL_RESOURCE_ATTRIBUTES; the
            // service name set last wins over OTEL_SERVICE_NAME's.
            let resource = Resource::builder()
                .with_service_name(config.service_name(server))
                .build();
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(resource)
                .build();
            let tracer = provider.tracer("copydesk");
            trace_layers.push(
                tracing_opentelemetry::layer()
                    .with_tracer(tracer)
                    .with_filter(tracing_subscriber::filter::dynamic_filter_fn(belongs_to(
                        server,
                    )))
                    .boxed(),
            );
            providers.push(provider);
        }
    }

    // The level filter applies to the log output only: a global one would
    // also turn off the spans that the trace pipelines need.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.default_level));
    // Colours only on a terminal: container logs and files get plain text.
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let logs = match config.log_format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs.json().boxed(),
    };
    // An empty Vec of layers is interested in nothing, which would silence
    // the logs too; no layer at all (None) leaves them alone.
    let trace_layers = (!trace_layers.is_empty()).then_some(trace_layers);
    tracing_subscriber::registry()
        .with(trace_layers)
        .with(logs.with_filter(filter))
        .try_init()?;
    Ok(Guard { providers })
}

/// Whether a span or event belongs to `server`'s pipeline: its own server
/// spans, and whatever is created inside one of them. Debug and trace
/// spans (the HTTP/2 machinery's) are never exported.
fn belongs_to<S>(server: &'static str) -> impl Fn(&Metadata<'_>, &Context<'_, S>) -> bool
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    move |metadata, cx| {
        if *metadata.level() > Level::INFO {
            return false;
        }
        match metadata.target().strip_prefix(SERVER_TARGET) {
            Some(owner) => owner == server,
            // The filtered context only sees this server's spans.
            None => cx.lookup_current().is_some(),
        }
    }
}

macro_rules! server_span {
    ($target:expr, $method:expr) => {
        tracing::info_span!(
            target: $target,
            "rpc",
            otel.name = %$method,
            otel.kind = "server",
            rpc.method = %$method,
            rpc.grpc.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        )
    };
}

/// The span of one request to `server` (a name from [`SERVERS`]) for
/// `method` (the request path, `/package.Service/Method`), child of the
/// trace context the caller sent in `headers`, if any. Its `trace_id` field
/// puts the trace id in every log line written inside it, also when traces
/// are not exported but the caller sent one.
pub fn server_span(server: &str, method: &str, headers: &http::HeaderMap) -> tracing::Span {
    // gRPC spans are named `package.Service/Method`, as OpenTelemetry's
    // conventions have it; HTTP ones by their path.
    let method = method.strip_prefix('/').unwrap_or(method);
    let span = match server {
        "gateway" => server_span!("copydesk::server::gateway", method),
        "segmenter" => server_span!("copydesk::server::segmenter", method),
        "entities" => server_span!("copydesk::server::entities", method),
        "sentiment" => server_span!("copydesk::server::sentiment", method),
        "knowledge" => server_span!("copydesk::server::knowledge", method),
        _ => server_span!("copydesk::server", method),
    };
    let parent = extract(headers);
    let sent = parent.span().span_context().trace_id();
    // Always set, even to nothing: a server span must not inherit whatever
    // context the thread that accepted the request happened to hold.
    let _ = span.set_parent(parent);
    // Entering starts the OpenTelemetry span in its own server's pipeline
    // (asking for its context from outside could start it in another's).
    let started = span.in_scope(|| {
        opentelemetry::Context::current()
            .span()
            .span_context()
            .trace_id()
    });
    let trace_id = [started, sent]
        .into_iter()
        .find(|id| *id != opentelemetry::trace::TraceId::INVALID);
    if let Some(trace_id) = trace_id {
        span.record("trace_id", tracing::field::display(trace_id));
    }
    span
}

/// Marks `span` (a [`server_span`]) with the call's gRPC status code.
pub fn record_status(span: &tracing::Span, code: i32) {
    span.record("rpc.grpc.status_code", code);
    if code != 0 {
        span.record("otel.status_code", "ERROR");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_has_its_own_span_target() {
        // A server without its own target would have its spans dropped by
        // every pipeline's filter: traces would skip it without a word.
        tracing::subscriber::with_default(Registry::default(), || {
            for server in SERVERS {
                let span = server_span(server, "/a.B/C", &http::HeaderMap::new());
                let target = span.metadata().map(|m| m.target());
                assert_eq!(target, Some(format!("{SERVER_TARGET}{server}").as_str()));
            }
        });
    }
}
