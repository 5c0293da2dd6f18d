//! The server runtime every Copydesk service shares, so that a service is a
//! thin adapter over its engine: it hands its tonic services (and, for the
//! gateway, HTTP routes) to a [`Server`], which adds what every server must
//! have: `grpc.health.v1.Health`, gRPC reflection (v1 and v1alpha),
//! `copydesk.v1.Info`, Prometheus `GET /metrics` on the same port, request
//! metrics, load shedding, and graceful shutdown.

#![forbid(unsafe_code)]

use std::future::Future;
use std::pin::Pin;

mod admission;
mod auth;
mod body;
mod config;
mod connection;
mod cost;
mod deadline;
mod decode_errors;
mod document_stream;
mod error;
mod grpc_deadline;
mod info;
mod listen;
mod markup;
mod metrics;
mod readiness;
mod request;
mod server;
mod shed;
mod trace;

pub use admission::{Admission, Refusal, Ticket};
pub use auth::{AuthError, BearerAuth};
pub use config::{DEFAULT_MAX_INFLIGHT_BYTES, DEFAULT_MAX_MESSAGE_BYTES, ServerConfig};
pub use deadline::{GRPC_TIMEOUT, deadline_from_headers, parse_grpc_timeout};
pub use decode_errors::decode_error_as_invalid_argument;
pub use document_stream::{DocumentRequest, DocumentResult, document_error, document_stream};
pub use error::Error;
pub use markup::{Markup, encode_document_spans, extract_markup};
pub use metrics::{StageTimer, count_tokens, install as install_metrics, prometheus_text};
pub use readiness::Readiness;
pub use request::{
    CheckedDocument, RequestError, RequestSpanError, check_document, check_size,
    decode_request_spans, offset_encoding,
};
pub use server::Server;
pub use shed::CallAdmission;

/// The future of the runtime's tower services: boxed, because each wraps
/// its inner service's future in an async block.
type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// Copydesk's version, as every server reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
