//! The `copydesk.v1.Segmenter` gRPC service: a thin adapter that checks the
//! request, runs the segmenter engine off the async executor, and converts
//! its output (UTF-8 byte spans) to protobuf in the offset encoding the
//! request asks for.
//!
//! - [`config`]: flags and environment variables;
//! - [`convert`]: engine output to protobuf;
//! - [`segment`]: one request, checked and segmented;
//! - [`service`]: the tonic service, unary and streaming.

#![forbid(unsafe_code)]

pub mod config;
pub mod convert;
pub mod error;
pub mod segment;
pub mod service;

use std::future::Future;

use copydesk_proto::v1::segmenter_server::SegmenterServer;
use tokio::net::TcpListener;

pub use config::SegmenterConfig;
pub use error::Error;
pub use service::SegmenterService;

/// The server's name in Info, metrics and logs.
pub const SERVER_NAME: &str = "segmenter";

/// Serves the segmenter (with health, reflection, Info and /metrics) on
/// `listener` until `shutdown` completes.
pub async fn serve<F>(
    listener: TcpListener,
    config: SegmenterConfig,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let max_message = config.server.max_message_bytes;
    let service = SegmenterServer::new(SegmenterService::new(config.max_document_bytes))
        .max_decoding_message_size(max_message)
        .max_encoding_message_size(max_message);
    copydesk_runtime::Server::new(SERVER_NAME, &config.server)
        .with_models(vec![convert::model_info()])
        .with_document_limits(config.max_document_bytes as u64, 0)
        .with_supported_languages(copydesk_segmenter::language::SUPPORTED.iter().copied())
        .add_service(service)
        .serve(listener, shutdown)
        .await?;
    Ok(())
}
