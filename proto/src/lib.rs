//! Copydesk's protobuf contract, package `copydesk.v1`, compiled for tonic and
//! prost, with the proto3 JSON mapping (serde, through pbjson) and the
//! descriptor set for gRPC reflection.

pub mod client_status;
pub mod encoding;

/// Messages and services of package `copydesk.v1`.
pub mod v1 {
    #![allow(clippy::all, clippy::pedantic, unused_qualifications)]
    include!(concat!(env!("OUT_DIR"), "/copydesk.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/copydesk.v1.serde.rs"));
}

/// The encoded `FileDescriptorSet` of every Copydesk proto, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/copydesk_descriptor.bin"));

/// OpenAPI 3.1 `components` made from the protos at build time: `schemas`
/// (every message and enum of `copydesk.v1` in the proto3 JSON mapping,
/// with the protos' comments) and `services` (each RPC's comment, input
/// and output). The gateway builds its HTTP/JSON description on it.
pub const OPENAPI_COMPONENTS: &str =
    include_str!(concat!(env!("OUT_DIR"), "/openapi_components.json"));

/// Fully qualified names of the gRPC services, as health checks and
/// reflection list them.
pub mod service_names {
    pub const SEGMENTER: &str = "copydesk.v1.Segmenter";
    pub const ENTITY_RECOGNIZER: &str = "copydesk.v1.EntityRecognizer";
    pub const SENTIMENT_ANALYZER: &str = "copydesk.v1.SentimentAnalyzer";
    pub const ENTITY_LINKER: &str = "copydesk.v1.EntityLinker";
    pub const ANNOTATOR: &str = "copydesk.v1.Annotator";
    pub const INFO: &str = "copydesk.v1.Info";
}
