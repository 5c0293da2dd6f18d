//! Servers on ephemeral ports with the listener handed in, readiness
//! awaited through health, and a codec for bytes no client would send.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;

use bytes::{Buf, BufMut};
use copydesk_entities_server::EntitiesConfig;
use copydesk_proto::v1::entity_recognizer_client::EntityRecognizerClient;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

pub const SERVICE: &str = "copydesk.v1.EntityRecognizer";

/// The workspace's `models` directory.
pub fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../models")
}

/// A server running until dropped.
pub struct Running {
    pub addr: SocketAddr,
    _shutdown: oneshot::Sender<()>,
}

impl Running {
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    pub async fn client(&self) -> EntityRecognizerClient<Channel> {
        EntityRecognizerClient::new(self.channel().await)
    }

    pub async fn health(&self, service: &str) -> ServingStatus {
        let mut health = HealthClient::new(self.channel().await);
        let status = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        ServingStatus::try_from(status).unwrap()
    }

    /// Waits on health's Watch stream until the recognizer is SERVING.
    pub async fn wait_until_serving(&self) {
        let mut health = HealthClient::new(self.channel().await);
        let mut watch = health
            .watch(HealthCheckRequest {
                service: SERVICE.to_owned(),
            })
            .await
            .unwrap()
            .into_inner();
        while let Some(status) = watch.message().await.unwrap() {
            if status.status == ServingStatus::Serving as i32 {
                return;
            }
        }
        panic!("health watch ended before SERVING");
    }
}

/// Starts a server on 127.0.0.1:0 (not waiting for its model).
pub async fn start(config: EntitiesConfig) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (shutdown, signal) = oneshot::channel::<()>();
    tokio::spawn(copydesk_entities_server::serve(
        listener,
        config,
        async move {
            let _ = signal.await;
        },
    ));
    Running {
        addr,
        _shutdown: shutdown,
    }
}

/// Starts a server with the real model and waits until it is SERVING. The
/// model is loaded here first, so that a missing model fails the test at
/// once with the reason instead of leaving health NOT_SERVING.
pub async fn start_with_model() -> Running {
    let dir = models_dir().join(copydesk_entities_server::config::NER_MODEL);
    if let Err(error) = copydesk_ner::NerModel::load(&dir) {
        panic!(
            "these tests need the NER model in {}: {error}",
            dir.display()
        );
    }
    let running = start(EntitiesConfig {
        models_dir: models_dir(),
        ..EntitiesConfig::default()
    })
    .await;
    running.wait_until_serving().await;
    running
}

/// A codec that puts a request's bytes on the wire as they are.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// Calls `Recognize` with a `RecognizeRequest` whose `document.text` is
/// not UTF-8.
pub async fn recognize_invalid_utf8(channel: Channel) -> Result<Vec<u8>, Status> {
    let text = [0xff, 0xfe, b'a'];
    let mut document = vec![0x12, text.len() as u8];
    document.extend_from_slice(&text);
    let mut request = vec![0x0a, document.len() as u8];
    request.extend_from_slice(&document);

    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let path = http::uri::PathAndQuery::from_static("/copydesk.v1.EntityRecognizer/Recognize");
    grpc.unary(tonic::Request::new(request), path, RawCodec)
        .await
        .map(tonic::Response::into_inner)
}
