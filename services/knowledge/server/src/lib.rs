//! The `copydesk.v1.EntityLinker` gRPC service: a thin adapter over the
//! knowledge engine. It loads the shipped default base (health is
//! NOT_SERVING until it has) and the newsroom's bases in the background,
//! reloads them when their files change or on SIGHUP, and links each
//! request's entities in the request's offset encoding.
//!
//! - [`config`]: flags and environment variables;
//! - [`sources`]: the bases' files, loads and reloads;
//! - [`link`]: one `Link` request, checked and linked;
//! - [`convert`]: between protobuf and the engine's types;
//! - [`service`]: the tonic service.

#![forbid(unsafe_code)]

pub mod config;
pub mod convert;
pub mod error;
pub mod link;
pub mod service;
pub mod sources;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use copydesk_knowledge::Knowledge;
use copydesk_proto::v1::entity_linker_server::EntityLinkerServer;
use copydesk_runtime::Readiness;
use copydesk_segmenter::Segmenter;
use tokio::net::TcpListener;

pub use config::KnowledgeConfig;
pub use error::Error;
pub use service::KnowledgeService;
pub use sources::Sources;

/// The server's name in Info, metrics and logs.
pub const SERVER_NAME: &str = "knowledge";

/// Serves entity linking (with health, reflection, Info and /metrics) on
/// `listener` until `shutdown` completes.
pub async fn serve<F>(
    listener: TcpListener,
    config: KnowledgeConfig,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let readiness = Readiness::new();
    let sources = Arc::new(Sources::new(
        Arc::new(Knowledge::new()),
        config.default_base_dir(),
        &config.newsroom_bases,
        config.max_base_bytes,
        readiness.clone(),
    ));
    // The first load, then the reloads: off the executor, so the server
    // answers health (NOT_SERVING) meanwhile.
    let loader = Arc::clone(&sources);
    let interval = Duration::from_secs(config.reload_interval_secs);
    let reloader = tokio::spawn(async move {
        let first = Arc::clone(&loader);
        if let Err(error) = tokio::task::spawn_blocking(move || first.reload(true)).await {
            tracing::error!(%error, "knowledge load task failed");
        }
        sources::reload_forever(loader, interval).await;
    });
    let linker = link::Linker {
        sources,
        segmenter: Segmenter::new(),
        threshold: config.link_threshold,
        max_document_bytes: config.max_document_bytes,
    };
    let max_message = config.server.max_message_bytes;
    let service = EntityLinkerServer::new(KnowledgeService::new(linker))
        .max_decoding_message_size(max_message)
        .max_encoding_message_size(max_message);
    let result = copydesk_runtime::Server::new(SERVER_NAME, &config.server)
        .with_document_limits(config.max_document_bytes as u64, 0)
        .with_supported_languages(["en"])
        .with_readiness(readiness)
        .add_service(service)
        .serve(listener, shutdown)
        .await;
    reloader.abort();
    result?;
    Ok(())
}
