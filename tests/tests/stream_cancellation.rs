//! A client that goes away takes its work with it: when an AnnotateStream
//! is dropped, the gateway drops the document in progress and the call to
//! the entities service is cancelled, instead of running to completion for
//! nobody.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use copydesk_e2e::{closed_address, start_gateway, start_segmenter};
use copydesk_gateway::GatewayConfig;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::entity_recognizer_server::{EntityRecognizer, EntityRecognizerServer};
use copydesk_proto::v1::{
    AnnotateRequest, Document, Features, ListEntityTypesRequest, ListEntityTypesResponse,
    RecognizeRequest, RecognizeResponse, RecognizeResult,
};
use copydesk_segmenter_server::SegmenterConfig;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tonic::{Request, Response, Status, Streaming};

/// Reports when the call it lives in is dropped.
struct DropSignal(mpsc::UnboundedSender<&'static str>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send("dropped");
    }
}

/// An entities service whose calls never finish: they report that they
/// started, then wait until cancelled.
struct Endless {
    events: mpsc::UnboundedSender<&'static str>,
}

#[tonic::async_trait]
impl EntityRecognizer for Endless {
    async fn recognize(
        &self,
        _: Request<RecognizeRequest>,
    ) -> Result<Response<RecognizeResponse>, Status> {
        let _signal = DropSignal(self.events.clone());
        let _ = self.events.send("started");
        std::future::pending::<()>().await;
        Ok(Response::new(RecognizeResponse::default()))
    }

    type RecognizeStreamStream = tokio_stream::Empty<Result<RecognizeResult, Status>>;

    async fn recognize_stream(
        &self,
        _: Request<Streaming<RecognizeRequest>>,
    ) -> Result<Response<Self::RecognizeStreamStream>, Status> {
        Err(Status::unimplemented("not part of this fake"))
    }

    async fn list_entity_types(
        &self,
        _: Request<ListEntityTypesRequest>,
    ) -> Result<Response<ListEntityTypesResponse>, Status> {
        Err(Status::unimplemented("not part of this fake"))
    }
}

#[tokio::test]
async fn dropping_an_annotate_stream_cancels_the_work_downstream() {
    let (events, mut seen) = mpsc::unbounded_channel();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let entities_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(EntityRecognizerServer::new(Endless { events }))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut config = GatewayConfig {
        entities_addr: entities_url,
        sentiment_addr: closed_address().await,
        ..GatewayConfig::default()
    };
    // Far beyond the test's own bound: only a cancellation, not the
    // gateway's timeout, can end the call in time.
    config.gateway.downstream_timeout_ms = 600_000;
    let gateway = start_gateway(config, &segmenter.url()).await;

    let (requests, outbound) = mpsc::channel(4);
    let mut client = AnnotatorClient::new(gateway.channel().await);
    let responses = client
        .annotate_stream(ReceiverStream::new(outbound))
        .await
        .unwrap()
        .into_inner();
    requests
        .send(AnnotateRequest {
            document: Some(Document {
                text: "Moon Jae-in met Kim Jong-un in Seoul.".to_owned(),
                ..Default::default()
            }),
            features: Some(Features {
                entities: true,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();

    assert_eq!(next_event(&mut seen).await, "started");

    // The client goes away with the document still in progress.
    drop(responses);
    drop(requests);
    drop(client);
    assert_eq!(
        next_event(&mut seen).await,
        "dropped",
        "the entities call was cancelled"
    );
}

/// The fake's next event, waited for with a generous bound so that a
/// broken cancellation fails the test instead of hanging it.
async fn next_event(seen: &mut mpsc::UnboundedReceiver<&'static str>) -> &'static str {
    tokio::time::timeout(Duration::from_secs(30), seen.recv())
        .await
        .expect("the fake reports within 30 s")
        .expect("the fake is still running")
}
