//! Unit tests of the calls to another service: round robin, ejection and
//! return, shedding at the concurrency limit, retries within the budget and
//! the deadline, and DNS re-resolution. The replicas are in-test tonic
//! servers reached over in-memory pipes, so no port, no network and no
//! sleeping: backoff pauses run on tokio's paused clock.
//!
//! tests/tests/resilience.rs covers the same behaviour end to end, through
//! the gateway and real servers on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::deadline::MARGIN;

use std::io;
use std::sync::atomic::AtomicBool;

use copydesk_proto::v1::segmenter_server::{Segmenter, SegmenterServer};
use copydesk_proto::v1::{SegmentRequest, SegmentResponse, SegmentResult};
use hyper_util::rt::TokioIo;
use prost::Message;
use tokio::sync::Notify;
use tonic::Code;
use tonic::transport::Server;

const PATH: &str = "/copydesk.v1.Segmenter/Segment";

/// One replica of the segmenter: answers with its name in `document_id`,
/// or fails with `failing`; while `holding`, keeps each call until
/// released.
struct Replica {
    name: String,
    calls: AtomicUsize,
    failing: Mutex<Option<Code>>,
    holding: AtomicBool,
    entered: Notify,
    release: Semaphore,
}

impl Replica {
    fn new(name: &str) -> Arc<Self> {
        Arc::new(Replica {
            name: name.to_owned(),
            calls: AtomicUsize::new(0),
            failing: Mutex::new(None),
            holding: AtomicBool::new(false),
            entered: Notify::new(),
            release: Semaphore::new(0),
        })
    }

    fn fail_with(&self, code: Option<Code>) {
        *self.failing.lock().unwrap() = code;
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

struct ReplicaService(Arc<Replica>);

#[tonic::async_trait]
impl Segmenter for ReplicaService {
    async fn segment(
        &self,
        _request: Request<SegmentRequest>,
    ) -> Result<Response<SegmentResponse>, Status> {
        let replica = &self.0;
        replica.calls.fetch_add(1, Ordering::SeqCst);
        if replica.holding.load(Ordering::SeqCst) {
            replica.entered.notify_one();
            replica.release.acquire().await.unwrap().forget();
        }
        if let Some(code) = *replica.failing.lock().unwrap() {
            return Err(Status::new(code, format!("{} failed", replica.name)));
        }
        Ok(Response::new(SegmentResponse {
            document_id: replica.name.clone(),
            ..SegmentResponse::default()
        }))
    }

    type SegmentStreamStream = futures::stream::Empty<Result<SegmentResult, Status>>;

    async fn segment_stream(
        &self,
        _request: Request<tonic::Streaming<SegmentRequest>>,
    ) -> Result<Response<Self::SegmentStreamStream>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
}

/// A channel whose every connection is a new in-memory pipe to `replica`'s
/// server.
fn in_memory_channel(replica: &Arc<Replica>) -> Channel {
    let (pipes, incoming) =
        tokio::sync::mpsc::unbounded_channel::<io::Result<tokio::io::DuplexStream>>();
    tokio::spawn(
        Server::builder()
            .add_service(SegmenterServer::new(ReplicaService(Arc::clone(replica))))
            .serve_with_incoming(tokio_stream::wrappers::UnboundedReceiverStream::new(
                incoming,
            )),
    );
    Endpoint::from_static("http://in-memory").connect_with_connector_lazy(tower::service_fn(
        move |_: Uri| {
            let pipes = pipes.clone();
            async move {
                let (client, server) = tokio::io::duplex(64 * 1024);
                pipes
                    .send(Ok(server))
                    .map_err(|_| io::Error::other("the replica's server is gone"))?;
                Ok::<_, io::Error>(TokioIo::new(client))
            }
        },
    ))
}

/// Settings without timers of their own (no keepalive) and quick retries.
fn settings() -> DownstreamSettings {
    DownstreamSettings {
        keepalive_interval: Duration::ZERO,
        ..DownstreamSettings::default()
    }
}

/// A `Downstream` made by `connect_lazy` (one IP address per replica, so
/// no resolver runs) whose addresses are then pointed at the replicas.
fn downstream(replicas: &[Arc<Replica>], settings: &DownstreamSettings) -> Downstream {
    let addresses: Vec<String> = (1..=replicas.len())
        .map(|i| format!("http://127.0.0.{i}:50051"))
        .collect();
    let downstream = Downstream::connect_lazy("segmenter", &addresses.join(","), settings).unwrap();
    let uris: Vec<Uri> = downstream
        .pool
        .read()
        .iter()
        .map(|t| t.uri.clone())
        .collect();
    let targets = uris
        .into_iter()
        .zip(replicas)
        .map(|(uri, replica)| {
            Arc::new(Target {
                uri,
                channel: in_memory_channel(replica),
                ejected_until: Mutex::new(None),
            })
        })
        .collect();
    downstream.pool.replace(targets);
    downstream
}

async fn call(downstream: &Downstream, deadline: Option<Instant>) -> Result<String, Status> {
    let message = Bytes::from(SegmentRequest::default().encode_to_vec());
    downstream
        .unary::<SegmentResponse>(PATH, message, deadline)
        .await
        .map(|answer| answer.document_id)
}

fn ejected(downstream: &Downstream, index: usize) -> bool {
    downstream.pool.read()[index].is_ejected(Instant::now())
}

#[tokio::test(start_paused = true)]
async fn calls_go_round_robin_over_the_addresses() {
    let replicas = [Replica::new("a"), Replica::new("b"), Replica::new("c")];
    let downstream = downstream(&replicas, &settings());
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(call(&downstream, None).await.unwrap());
    }
    assert_eq!(answers, ["a", "b", "c", "a", "b", "c"]);
    assert!(replicas.iter().all(|r| r.calls() == 2));
}

#[tokio::test(start_paused = true)]
async fn a_failing_address_is_ejected_and_its_call_retried_on_the_next() {
    let replicas = [Replica::new("a"), Replica::new("b"), Replica::new("c")];
    replicas[0].fail_with(Some(Code::Unavailable));
    let downstream = downstream(&replicas, &settings());
    for _ in 0..6 {
        let answer = call(&downstream, None).await.unwrap();
        assert_ne!(answer, "a");
    }
    // One failed attempt, then passed over: not tried once per call.
    assert_eq!(replicas[0].calls(), 1);
    assert_eq!(replicas[1].calls() + replicas[2].calls(), 6);
    assert!(ejected(&downstream, 0));
    assert!(!ejected(&downstream, 1) && !ejected(&downstream, 2));
}

#[tokio::test(start_paused = true)]
async fn an_ejected_address_is_called_again_once_its_time_is_up() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    replicas[0].fail_with(Some(Code::Unavailable));
    let downstream = downstream(&replicas, &settings());
    assert_eq!(call(&downstream, None).await.unwrap(), "b");
    assert!(ejected(&downstream, 0));
    // The replica restarts; EJECT_FOR (real time: `Instant`) runs out.
    replicas[0].fail_with(None);
    *downstream.pool.read()[0].ejected_until.lock().unwrap() =
        Some(Instant::now() - Duration::from_millis(1));
    let mut answers = Vec::new();
    for _ in 0..4 {
        answers.push(call(&downstream, None).await.unwrap());
    }
    assert_eq!(
        answers.iter().filter(|a| *a == "a").count(),
        2,
        "{answers:?}"
    );
    assert_eq!(replicas[0].calls(), 3);
}

#[test]
fn ejection_lasts_eject_for() {
    let target = Target {
        uri: Uri::from_static("http://127.0.0.1:1"),
        channel: {
            // A lazy channel needs a runtime to be made, not to be held.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let _guard = runtime.enter();
            Endpoint::from_static("http://127.0.0.1:1").connect_lazy()
        },
        ejected_until: Mutex::new(None),
    };
    let before = Instant::now();
    assert!(!target.is_ejected(before));
    target.eject();
    let after = Instant::now();
    assert!(target.is_ejected(after));
    assert!(target.is_ejected(before + EJECT_FOR - Duration::from_millis(1)));
    assert!(!target.is_ejected(after + EJECT_FOR));
}

#[tokio::test(start_paused = true)]
async fn with_every_address_ejected_calls_still_go_out() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    for replica in &replicas {
        replica.fail_with(Some(Code::Unavailable));
    }
    let downstream = downstream(&replicas, &settings());
    let status = call(&downstream, None).await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    // Every attempt the policy allows was made (three by default).
    assert_eq!(replicas[0].calls() + replicas[1].calls(), 3);
    assert!(ejected(&downstream, 0) && ejected(&downstream, 1));
    // The service comes back before the ejections end: it is called anyway
    // rather than the gateway refusing for EJECT_FOR.
    for replica in &replicas {
        replica.fail_with(None);
    }
    assert!(call(&downstream, None).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn invalid_argument_is_neither_retried_nor_ejected() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    replicas[0].fail_with(Some(Code::InvalidArgument));
    let downstream = downstream(&replicas, &settings());
    let status = call(&downstream, None).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "a failed");
    assert_eq!((replicas[0].calls(), replicas[1].calls()), (1, 0));
    assert!(!ejected(&downstream, 0));
}

#[tokio::test(start_paused = true)]
async fn a_full_service_sheds_at_once_instead_of_queueing() {
    let replica = Replica::new("a");
    replica.holding.store(true, Ordering::SeqCst);
    let settings = DownstreamSettings {
        max_concurrent: 1,
        ..settings()
    };
    let downstream = Arc::new(downstream(std::slice::from_ref(&replica), &settings));
    let first = tokio::spawn({
        let downstream = Arc::clone(&downstream);
        async move { call(&downstream, None).await }
    });
    replica.entered.notified().await;
    let status = call(&downstream, None).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert!(
        status
            .message()
            .contains("1 calls in flight to the segmenter service")
            && status.message().contains("--downstream-max-concurrency"),
        "{}",
        status.message()
    );
    assert_eq!(replica.calls(), 1, "the shed call reached the service");
    replica.holding.store(false, Ordering::SeqCst);
    replica.release.add_permits(1);
    assert_eq!(first.await.unwrap().unwrap(), "a");
    // The slot is given back with the answer.
    assert_eq!(call(&downstream, None).await.unwrap(), "a");
}

#[tokio::test(start_paused = true)]
async fn the_slot_is_held_across_retries() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    replicas[0].fail_with(Some(Code::Unavailable));
    replicas[1].holding.store(true, Ordering::SeqCst);
    let settings = DownstreamSettings {
        max_concurrent: 1,
        ..settings()
    };
    let downstream = Arc::new(downstream(&replicas, &settings));
    let first = tokio::spawn({
        let downstream = Arc::clone(&downstream);
        async move { call(&downstream, None).await }
    });
    // The first call failed on "a" and is now retrying on "b".
    replicas[1].entered.notified().await;
    assert_eq!(replicas[0].calls(), 1);
    let status = call(&downstream, None).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    replicas[1].holding.store(false, Ordering::SeqCst);
    replicas[1].release.add_permits(1);
    assert_eq!(first.await.unwrap().unwrap(), "b");
}

#[tokio::test(start_paused = true)]
async fn retries_stop_when_the_budget_is_spent() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    for replica in &replicas {
        replica.fail_with(Some(Code::Unavailable));
    }
    // Calls earn no retries; the floor of one a second over the budget's
    // ten-second window allows ten.
    let settings = DownstreamSettings {
        retry: RetryPolicy {
            max_attempts: 2,
            budget_percent: 0.0,
            budget_min_per_sec: 1,
            ..RetryPolicy::default()
        },
        ..settings()
    };
    let downstream = downstream(&replicas, &settings);
    for _ in 0..15 {
        let status = call(&downstream, None).await.unwrap_err();
        assert_eq!(status.code(), Code::Unavailable);
    }
    assert_eq!(replicas[0].calls() + replicas[1].calls(), 15 + 10);
}

#[tokio::test(start_paused = true)]
async fn no_budget_no_retry() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    replicas[0].fail_with(Some(Code::Unavailable));
    let settings = DownstreamSettings {
        retry: RetryPolicy {
            budget_percent: 0.0,
            budget_min_per_sec: 0,
            ..RetryPolicy::default()
        },
        ..settings()
    };
    let downstream = downstream(&replicas, &settings);
    let status = call(&downstream, None).await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    assert_eq!((replicas[0].calls(), replicas[1].calls()), (1, 0));
}

#[tokio::test(start_paused = true)]
async fn a_retry_is_made_only_if_it_fits_the_callers_deadline() {
    let replicas = [Replica::new("a"), Replica::new("b")];
    replicas[0].fail_with(Some(Code::Unavailable));
    let downstream = downstream(&replicas, &settings());
    // Time for an attempt, not for a retry and the gateway's margins.
    let soon = Instant::now() + MARGIN * 2;
    let status = call(&downstream, Some(soon)).await.unwrap_err();
    assert!(
        matches!(status.code(), Code::Unavailable | Code::DeadlineExceeded),
        "{status:?}"
    );
    assert_eq!(replicas[1].calls(), 0, "retried past the deadline");
    // With time enough, the same failure is retried.
    let downstream = self::downstream(&replicas, &settings());
    let later = Instant::now() + Duration::from_secs(10);
    let answer = call(&downstream, Some(later)).await.unwrap();
    assert_eq!(answer, "b");
    assert_eq!((replicas[0].calls(), replicas[1].calls()), (2, 1));
}

#[tokio::test(start_paused = true)]
async fn a_deadline_already_past_fails_without_a_call() {
    let replica = Replica::new("a");
    let downstream = downstream(std::slice::from_ref(&replica), &settings());
    let status = call(&downstream, Some(Instant::now())).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert!(
        status.message().contains("segmenter"),
        "{}",
        status.message()
    );
    assert_eq!(replica.calls(), 0);
}

#[tokio::test]
async fn addresses_that_are_names_are_resolved_again_in_the_background() {
    // "localhost" resolves from the hosts file, without a DNS server.
    let settings = DownstreamSettings {
        resolve_interval: Duration::from_millis(50),
        ..settings()
    };
    let downstream =
        Downstream::connect_lazy("segmenter", "http://localhost:50051", &settings).unwrap();
    assert_eq!(downstream.addresses(), ["http://localhost:50051/"]);
    let started = Instant::now();
    let resolved = loop {
        let now = downstream.addresses();
        if now != ["http://localhost:50051/"] {
            break now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never resolved"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(
        resolved.iter().any(|a| a == "http://127.0.0.1:50051/"),
        "{resolved:?}"
    );
    assert!(
        resolved.iter().all(|a| {
            let uri: Uri = a.parse().unwrap();
            uri.port_u16() == Some(50051) && is_ip(uri.host().unwrap())
        }),
        "{resolved:?}"
    );
}

#[tokio::test]
async fn ip_addresses_are_kept_as_given() {
    let downstream = Downstream::connect_lazy(
        "segmenter",
        " http://127.0.0.1:1 ,,http://[::1]:2",
        &settings(),
    )
    .unwrap();
    assert_eq!(
        downstream.addresses(),
        ["http://127.0.0.1:1/", "http://[::1]:2/"]
    );
    assert!(matches!(
        Downstream::connect_lazy("segmenter", " , ", &settings()),
        Err(Error::Address {
            source: BadAddress::Empty,
            ..
        })
    ));
    assert!(matches!(
        Downstream::connect_lazy("segmenter", "http://a b", &settings()),
        Err(Error::Address {
            source: BadAddress::Uri(_),
            ..
        })
    ));
}
