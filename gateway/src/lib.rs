//! Copydesk's gateway: the `copydesk.v1.Annotator` service over gRPC and
//! HTTP/JSON on one port. It segments a document once, calls the entities
//! and sentiment services with that segmentation, links the entities with
//! the knowledge service, and reports every feature it cannot serve in
//! `errors` instead of failing the whole answer.
//!
//! - [`config`]: flags and environment variables;
//! - [`features`]: which analyses a request asks for;
//! - [`deadline`]: the caller's deadline, passed downstream;
//! - [`downstream`]: what every call to another service shares (limits,
//!   keepalive, TLS, balancing over several addresses);
//! - [`retry`]: retries of UNAVAILABLE within a budget;
//! - [`segmenter_client`], [`entities_client`], [`sentiment_client`],
//!   [`knowledge_client`]: the services over gRPC;
//! - [`encoded`]: their requests, encoded once from borrowed parts;
//! - [`fan_out`]: orchestration of one document;
//! - [`batch`]: batches and streams of documents;
//! - [`answer_size`]: answers kept within the gRPC message limit;
//! - [`service`]: the tonic service;
//! - [`http_json`]: `POST /v1/annotate` and `POST /v1/batchAnnotate`;
//! - [`metrics`]: what operators see of the services behind (failures,
//!   retries, ejections, degraded features);
//! - [`viz`]: `GET /viz`, a page to look at an analysis;
//! - [`openapi`]: `GET /openapi.json` and `GET /api`, the HTTP/JSON API described.

#![forbid(unsafe_code)]

pub mod answer_size;
pub mod batch;
pub mod config;
pub mod deadline;
pub mod downstream;
pub mod encoded;
pub mod entities_client;
pub mod error;
pub mod fan_out;
pub mod features;
pub mod http_json;
pub mod knowledge_client;
pub mod metrics;
pub mod openapi;
pub mod retry;
pub mod segmenter_client;
pub mod sentiment_client;
pub mod service;
pub mod viz;

use std::future::Future;
use std::sync::Arc;

use copydesk_proto::v1::annotator_server::AnnotatorServer;
use tokio::net::TcpListener;

pub use config::{GatewayConfig, GatewayOptions};
pub use error::Error;
pub use fan_out::Annotator;

/// The server's name in Info, metrics and logs.
pub const SERVER_NAME: &str = "gateway";

/// Serves the gateway (with health, reflection, Info and /metrics) on
/// `listener` until `shutdown` completes. The services are connected to
/// lazily: the gateway starts, and answers, while they are down.
pub async fn serve<F>(
    listener: TcpListener,
    config: GatewayConfig,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let annotator = Arc::new(Annotator::new(&config)?);
    let max_message = config.server.max_message_bytes;
    let grpc = AnnotatorServer::from_arc(Arc::new(service::AnnotatorService::new(Arc::clone(
        &annotator,
    ))))
    .max_decoding_message_size(max_message)
    .max_encoding_message_size(max_message);
    let server = copydesk_runtime::Server::new(SERVER_NAME, &config.server)
        // With --auth-token these stay open: the page and the API's
        // description hold no data, and the page's own calls carry the
        // token its user types in.
        .with_public_paths(["/viz", "/openapi.json", "/api"])
        .with_document_limits(
            config.max_document_bytes as u64,
            u32::try_from(config.gateway.max_batch_documents).unwrap_or(u32::MAX),
        )
        .with_supported_languages(["en"])
        .add_service(grpc);
    metrics::describe();
    let server = http_json::routes(server, annotator, config.gateway.max_http_body_bytes);
    openapi::routes(server).serve(listener, shutdown).await?;
    Ok(())
}
