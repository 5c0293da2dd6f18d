//! The `copydesk.v1.SentimentAnalyzer` gRPC service: a thin adapter that
//! checks the request, brings its spans to UTF-8 bytes, runs the sentiment
//! engine (segmenting with the segmenter library when the caller sent no
//! segmentation) and converts the answer to the request's offset encoding.
//!
//! - [`config`]: flags and environment variables;
//! - [`analyze`]: one request, checked and analysed;
//! - [`convert`]: engine results to protobuf;
//! - [`service`]: the tonic service, unary and streaming.

#![forbid(unsafe_code)]

pub mod analyze;
pub mod config;
pub mod convert;
pub mod error;
pub mod service;

use std::future::Future;

use copydesk_proto::v1::sentiment_analyzer_server::SentimentAnalyzerServer;
use copydesk_segmenter::Segmenter;
use copydesk_sentiment::Analyzer;
use tokio::net::TcpListener;

pub use analyze::Engines;
pub use config::SentimentConfig;
pub use error::Error;
pub use service::SentimentService;

/// The server's name in Info, metrics and logs.
pub const SERVER_NAME: &str = "sentiment";

/// Loads the lexicon and calibration: from `--models-dir` when given, else
/// the copies built into the binary.
pub fn load_analyzer(config: &SentimentConfig) -> Result<Analyzer, Error> {
    Ok(match &config.models_dir {
        Some(dir) => Analyzer::from_models_dir(dir)?,
        None => Analyzer::embedded()?,
    })
}

/// Serves sentiment analysis (with health, reflection, Info and /metrics)
/// on `listener` until `shutdown` completes. The models are loaded before
/// the listener is served, so a bad models directory fails here, not on a
/// request.
pub async fn serve<F>(
    listener: TcpListener,
    config: SentimentConfig,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let analyzer = load_analyzer(&config)?;
    let models = convert::model_infos(&analyzer);
    let engines = Engines {
        analyzer,
        segmenter: Segmenter::new(),
    };
    let max_message = config.server.max_message_bytes;
    let service =
        SentimentAnalyzerServer::new(SentimentService::new(engines, config.max_document_bytes))
            .max_decoding_message_size(max_message)
            .max_encoding_message_size(max_message);
    copydesk_runtime::Server::new(SERVER_NAME, &config.server)
        .with_models(models)
        .with_document_limits(config.max_document_bytes as u64, 0)
        .with_supported_languages(["en"])
        .add_service(service)
        .serve(listener, shutdown)
        .await?;
    Ok(())
}
