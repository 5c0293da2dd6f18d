//! W3C trace context (`traceparent`, `tracestate`) in HTTP headers and
//! gRPC metadata, so that one request is one trace across every hop.
//!
//! The propagator is used directly rather than through the global one: no
//! process-wide state to forget to set, and the same behaviour in tests.

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};

/// The trace context a caller sent in `headers`; an empty context when it
/// sent none (or a malformed one, which the W3C spec says to ignore).
pub fn extract(headers: &http::HeaderMap) -> Context {
    TraceContextPropagator::new().extract(&HeaderExtractor(headers))
}

/// Writes the trace context of `cx` into gRPC `metadata`; nothing when `cx`
/// has no valid span (tracing off), so an untraced call costs nothing.
pub fn inject(cx: &Context, metadata: &mut MetadataMap) {
    TraceContextPropagator::new().inject_context(cx, &mut MetadataInjector(metadata));
}

/// Writes the current span's trace context into gRPC `metadata`: what a
/// client does before each outgoing call.
pub fn inject_current(metadata: &mut MetadataMap) {
    inject(&Context::current(), metadata);
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        // The propagator only writes its own ASCII header names and values;
        // anything else is dropped rather than failing the call.
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value),
        ) {
            self.0.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };

    use super::*;

    fn remote(sampled: bool) -> Context {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let state = TraceState::from_key_value([("copydesk", "1")]).unwrap_or_default();
        Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            flags,
            true,
            state,
        ))
    }

    fn round_trip(cx: &Context) -> Context {
        let mut metadata = MetadataMap::new();
        inject(cx, &mut metadata);
        extract(&metadata.into_headers())
    }

    #[test]
    fn trace_context_survives_metadata_round_trip() {
        for sampled in [true, false] {
            let sent = remote(sampled);
            let got = round_trip(&sent);
            let (sent, got) = (sent.span(), got.span());
            let (sent, got) = (sent.span_context(), got.span_context());
            assert!(got.is_valid());
            assert!(got.is_remote());
            assert_eq!(got.trace_id(), sent.trace_id());
            assert_eq!(got.span_id(), sent.span_id());
            assert_eq!(got.is_sampled(), sampled);
            assert_eq!(got.trace_state().header(), "copydesk=1");
        }
    }

    #[test]
    fn the_header_is_w3c_traceparent() {
        let mut metadata = MetadataMap::new();
        inject(&remote(true), &mut metadata);
        assert_eq!(
            metadata.get("traceparent").and_then(|v| v.to_str().ok()),
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        );
    }

    #[test]
    fn no_context_means_no_header_and_garbage_means_no_parent() {
        let mut metadata = MetadataMap::new();
        inject(&Context::new(), &mut metadata);
        assert!(metadata.get("traceparent").is_none());

        let mut headers = http::HeaderMap::new();
        headers.insert("traceparent", http::HeaderValue::from_static("00-nonsense"));
        assert!(!extract(&headers).span().span_context().is_valid());
    }
}
