//! One Annotate through the four real servers, in this process, exported
//! over OTLP/gRPC to a collector started here: one trace, the caller's, with
//! spans from four `service.name`s, each service's server span the child of
//! the gateway's call to it, and the stages inside each service.
//!
//! A test binary of its own: tracing is set up once per process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use copydesk_e2e::start_suite;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{AnnotateRequest, Document};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_stream::wrappers::TcpListenerStream;

const STORY: &str = "The National Security Bureau said on Tuesday that Moon Jae-in's \
office had approved US$1.5 billion in aid. Officials in Seoul called it a disaster.";

/// What the caller sends: its own trace and span.
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN_ID: &str = "00f067aa0ba902b7";

/// One span as received, with its resource's service.name.
#[derive(Clone, Debug)]
struct Received {
    service: String,
    name: String,
    kind: i32,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    attributes: HashMap<String, Value>,
}

impl Received {
    fn int(&self, key: &str) -> Option<i64> {
        match self.attributes.get(key) {
            Some(Value::IntValue(v)) => Some(*v),
            _ => None,
        }
    }
}

/// An OTLP trace receiver that keeps every span it is sent.
struct Collector {
    spans: watch::Sender<Vec<Received>>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut received = Vec::new();
        for resource_spans in request.into_inner().resource_spans {
            let service = resource_spans
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| kv.value.as_ref()?.value.clone());
            let service = match service {
                Some(Value::StringValue(name)) => name,
                other => panic!("a resource without a string service.name: {other:?}"),
            };
            for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
                received.push(Received {
                    service: service.clone(),
                    name: span.name,
                    kind: span.kind,
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                    attributes: span
                        .attributes
                        .into_iter()
                        .filter_map(|kv| Some((kv.key, kv.value?.value?)))
                        .collect(),
                });
            }
        }
        self.spans.send_modify(|spans| spans.extend(received));
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn start_collector() -> (String, watch::Receiver<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (spans, receiver) = watch::channel(Vec::new());
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(Collector { spans }))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    (format!("http://{address}"), receiver)
}

const SERVICES: [&str; 5] = [
    "copydesk-gateway",
    "copydesk-segmenter",
    "copydesk-entities",
    "copydesk-sentiment",
    "copydesk-knowledge",
];

/// The trace is complete once every service's stage spans have arrived.
fn complete(spans: &[Received]) -> bool {
    let names: BTreeSet<(&str, &str)> = spans
        .iter()
        .filter(|s| s.trace_id == TRACE_ID)
        .map(|s| (s.service.as_str(), s.name.as_str()))
        .collect();
    [
        ("copydesk-gateway", "copydesk.v1.Annotator/Annotate"),
        ("copydesk-segmenter", "segmentation"),
        ("copydesk-entities", "grouping"),
        ("copydesk-entities", "recognition"),
        ("copydesk-sentiment", "scoring"),
        ("copydesk-knowledge", "linking"),
    ]
    .iter()
    .all(|n| names.contains(n))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_annotate_is_one_trace_across_five_services() {
    let (endpoint, mut spans) = start_collector().await;
    let telemetry = copydesk_telemetry::init(&copydesk_telemetry::Config {
        servers: copydesk_telemetry::SERVERS.to_vec(),
        log_format: copydesk_telemetry::LogFormat::Text,
        default_level: "warn".to_owned(),
        otlp_endpoint: Some(endpoint),
        service_name: None,
    })
    .unwrap();
    assert!(telemetry.tracing());

    let suite = start_suite().await;
    let mut client = AnnotatorClient::new(suite.gateway.channel().await);
    let mut request = tonic::Request::new(AnnotateRequest {
        document: Some(Document {
            id: "traced".to_owned(),
            text: STORY.to_owned(),
            ..Default::default()
        }),
        features: None,
        encoding: 0,
    });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-{CALLER_SPAN_ID}-01")
            .parse()
            .unwrap(),
    );
    let response = client.annotate(request).await.unwrap().into_inner();
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert!(!response.entities.is_empty());

    // Export what has ended; a span that ends a moment later comes with
    // the next scheduled export, which the bounded wait covers.
    let flushed = tokio::task::spawn_blocking(move || {
        telemetry.flush();
        telemetry
    })
    .await
    .unwrap();
    let spans = tokio::time::timeout(Duration::from_secs(30), spans.wait_for(|s| complete(s)))
        .await
        .expect("the collector did not receive the whole trace within 30 s")
        .unwrap()
        .clone();

    let trace: Vec<&Received> = spans.iter().filter(|s| s.trace_id == TRACE_ID).collect();
    let by_id: HashMap<&str, &Received> = trace.iter().map(|s| (s.span_id.as_str(), *s)).collect();
    let services: BTreeSet<&str> = trace.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, SERVICES.into_iter().collect(), "{trace:#?}");
    let parent = |span: &Received| -> &Received {
        by_id
            .get(span.parent_span_id.as_str())
            .unwrap_or_else(|| panic!("the parent of {span:#?} is not in the trace"))
    };
    let find = |service: &str, name: &str| -> &Received {
        trace
            .iter()
            .find(|s| s.service == service && s.name == name)
            .unwrap_or_else(|| panic!("no span {name} from {service} in {trace:#?}"))
    };

    // The gateway's server span continues the caller's trace.
    let gateway = find("copydesk-gateway", "copydesk.v1.Annotator/Annotate");
    assert_eq!(gateway.kind, SpanKind::Server as i32);
    assert_eq!(gateway.parent_span_id, CALLER_SPAN_ID);

    // Each service's server span is the child of the gateway's call to it,
    // which is the child of the gateway's server span.
    for (service, method) in [
        ("copydesk-segmenter", "copydesk.v1.Segmenter/Segment"),
        (
            "copydesk-entities",
            "copydesk.v1.EntityRecognizer/Recognize",
        ),
        (
            "copydesk-sentiment",
            "copydesk.v1.SentimentAnalyzer/Analyze",
        ),
        ("copydesk-knowledge", "copydesk.v1.EntityLinker/Link"),
    ] {
        let server = find(service, method);
        assert_eq!(server.kind, SpanKind::Server as i32, "{server:#?}");
        let call = parent(server);
        assert_eq!(call.service, "copydesk-gateway");
        assert_eq!(call.kind, SpanKind::Client as i32, "{call:#?}");
        assert_eq!(call.name, method);
        assert_eq!(call.parent_span_id, gateway.span_id);
    }

    // The stages inside each service, with their attributes.
    let bytes = i64::try_from(STORY.len()).unwrap();
    let segmentation = find("copydesk-segmenter", "segmentation");
    assert_eq!(parent(segmentation).name, "copydesk.v1.Segmenter/Segment");
    assert_eq!(segmentation.int("document.bytes"), Some(bytes));
    assert!(
        segmentation.int("tokens").unwrap() > 20,
        "{segmentation:#?}"
    );

    let recognition = find("copydesk-entities", "recognition");
    assert_eq!(
        parent(recognition).name,
        "copydesk.v1.EntityRecognizer/Recognize"
    );
    assert!(
        recognition.int("entities").unwrap() >= 3,
        "{recognition:#?}"
    );
    for stage in ["model_inference", "rules", "grouping"] {
        let span = find("copydesk-entities", stage);
        assert_eq!(parent(span).span_id, recognition.span_id, "{span:#?}");
    }

    let scoring = find("copydesk-sentiment", "scoring");
    assert_eq!(
        parent(scoring).name,
        "copydesk.v1.SentimentAnalyzer/Analyze"
    );
    assert!(scoring.int("tokens").unwrap() > 20, "{scoring:#?}");

    let linking = find("copydesk-knowledge", "linking");
    assert_eq!(parent(linking).name, "copydesk.v1.EntityLinker/Link");
    assert!(linking.int("entities").unwrap() >= 3, "{linking:#?}");

    // The stage histograms and token counters on /metrics.
    let metrics = reqwest::get(format!("{}/metrics", suite.segmenter.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "copydesk_stage_duration_seconds_bucket{server=\"segmenter\",stage=\"segmentation\"",
        "copydesk_stage_duration_seconds_bucket{server=\"entities\",stage=\"recognition\"",
        "copydesk_stage_duration_seconds_bucket{server=\"sentiment\",stage=\"scoring\"",
        "copydesk_stage_duration_seconds_bucket{server=\"gateway\",stage=\"entities\"",
        "copydesk_tokens_processed_total{server=\"entities\"}",
    ] {
        assert!(metrics.contains(line), "no {line} in\n{metrics}");
    }

    // Dropped off the runtime's threads: shutting down blocks on the export.
    tokio::task::spawn_blocking(move || drop(flushed))
        .await
        .unwrap();
}
