//! The `copydesk.v1.EntityRecognizer` gRPC service: a thin adapter that
//! checks the request, brings the caller's segmentation to UTF-8 bytes (or
//! segments the text itself), runs the entity engine off the async
//! executor, and converts its entities to protobuf in the offset encoding
//! the request asks for.
//!
//! - [`config`]: flags and environment variables;
//! - [`model_slot`]: the NER model, loaded in the background;
//! - [`convert`]: between protobuf and the engines' types;
//! - [`recognize`]: one request, checked and recognised;
//! - [`service`]: the tonic service, unary and streaming.

#![forbid(unsafe_code)]

pub mod config;
pub mod convert;
pub mod error;
pub mod model_slot;
pub mod recognize;
pub mod service;

use copydesk_proto::v1::entity_recognizer_server::EntityRecognizerServer;
use copydesk_runtime::Readiness;
use std::future::Future;
use tokio::net::TcpListener;

pub use config::EntitiesConfig;
pub use error::Error;
pub use model_slot::ModelSlot;
pub use service::EntitiesService;

/// The server's name in Info, metrics and logs.
pub const SERVER_NAME: &str = "entities";

/// Serves the entity recognizer (with health, reflection, Info and
/// /metrics) on `listener` until `shutdown` completes. The NER and
/// fine-type models load from `config.models_dir` in the background; health
/// is NOT_SERVING until they have.
pub async fn serve<F>(
    listener: TcpListener,
    config: EntitiesConfig,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let model = ModelSlot::new();
    let readiness = Readiness::new();
    let _loading = model.load_in_background(
        config.ner_model_dir(),
        config.fine_types_dir(),
        readiness.clone(),
    );
    let max_message = config.server.max_message_bytes;
    let service =
        EntityRecognizerServer::new(EntitiesService::new(model, config.max_document_bytes))
            .max_decoding_message_size(max_message)
            .max_encoding_message_size(max_message);
    copydesk_runtime::Server::new(SERVER_NAME, &config.server)
        .with_models(vec![convert::rules_info()])
        .with_document_limits(config.max_document_bytes as u64, 0)
        .with_supported_languages(copydesk_segmenter::language::SUPPORTED.iter().copied())
        .with_readiness(readiness)
        .add_service(service)
        .serve(listener, shutdown)
        .await?;
    Ok(())
}
