//! Load shedding: a slot is held only while there is work, and the work
//! that does not fit is refused immediately with RESOURCE_EXHAUSTED (HTTP
//! 429). A queue would only turn overload into timeouts; a fast refusal
//! lets the caller retry elsewhere or later.
//!
//! A unary call (and every HTTP request) is read whole first, without a
//! slot, within `--request-body-timeout-secs` and the size limit: a client
//! that sends its headers and never its message holds a connection, not a
//! slot others need. Then the call is admitted by count and by the bytes
//! of document text it carries ([`Admission`], [`crate::cost`]) and keeps
//! its ticket until its response has been sent.
//!
//! Streaming calls (`...Stream`) pass through without a ticket: they carry
//! a [`CallAdmission`] in their extensions, with which the stream loop
//! admits each message while it is processed.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use tonic::Status;
use tower::{Layer, Service};

use crate::BoxFuture;
use crate::admission::{Admission, Refusal, Ticket};
use crate::body::ObservedBody;
use crate::cost::request_cost;
use crate::deadline::deadline_from_headers;
use crate::metrics::{SHED, is_grpc};

/// Services that must answer even when the server is full: probes and
/// introspection are how operators find out that it is full. They are open
/// without a token too ([`crate::auth`]).
pub(crate) const NEVER_SHED: &[&str] = &[
    "/grpc.health.v1.Health/",
    "/grpc.reflection.",
    "/copydesk.v1.Info/",
    "/metrics",
];

/// The length-prefixed message framing of gRPC: a compression flag and a
/// four-byte length before each message.
const GRPC_FRAME_HEADER: usize = 5;

/// What a streaming call admits its messages with: the server's budget and
/// the caller's deadline.
#[derive(Clone, Debug)]
pub struct CallAdmission {
    admission: Arc<Admission>,
    deadline: Option<Instant>,
}

impl CallAdmission {
    /// Admits one message of `size` bytes, waiting for room until the
    /// call's deadline (a stream is flow-controlled: its client waits for
    /// this result before the next one, so this is backpressure).
    pub async fn admit(&self, size: usize) -> Result<Ticket, Status> {
        self.admission
            .admit(size, self.deadline)
            .await
            .map_err(|refusal| match refusal {
                Refusal::Deadline | Refusal::TooLate { .. } => {
                    Status::deadline_exceeded(refusal.to_string())
                }
                Refusal::Requests { .. } | Refusal::Bytes { .. } => {
                    Status::resource_exhausted(refusal.to_string())
                }
            })
    }

    /// The caller's deadline, if it gave one.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}

/// The settings of the shed layer.
#[derive(Clone, Debug)]
pub(crate) struct ShedLayer {
    server: &'static str,
    admission: Arc<Admission>,
    body_timeout: Duration,
    max_grpc_message: usize,
    max_http_body: usize,
}

impl ShedLayer {
    pub(crate) fn new(
        server: &'static str,
        admission: Arc<Admission>,
        body_timeout: Duration,
        max_grpc_message: usize,
        max_http_body: usize,
    ) -> Self {
        ShedLayer {
            server,
            admission,
            body_timeout,
            max_grpc_message,
            max_http_body,
        }
    }
}

impl<S> Layer<S> for ShedLayer {
    type Service = ShedService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ShedService {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ShedService<S> {
    inner: S,
    layer: ShedLayer,
}

impl<S, B> Service<http::Request<B>> for ShedService<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        if NEVER_SHED.iter().any(|p| path.starts_with(p)) {
            return Box::pin(self.inner.call(request.map(tonic::body::Body::new)));
        }
        let grpc = is_grpc(request.headers());
        if grpc && path.ends_with("Stream") {
            let admission = CallAdmission {
                admission: Arc::clone(&self.layer.admission),
                deadline: deadline_from_headers(request.headers()),
            };
            request.extensions_mut().insert(admission);
            return Box::pin(self.inner.call(request.map(tonic::body::Body::new)));
        }
        // The ready service goes into the future; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let (request, ticket) = match layer.read_and_admit(request, grpc).await {
                Ok(admitted) => admitted,
                Err(refusal) => return Ok(refusal),
            };
            let response = inner.call(request).await?;
            Ok(response.map(|body| ObservedBody::wrap(body, ticket)))
        })
    }
}

/// A request that gets an answer from the layer itself.
type Refused = http::Response<tonic::body::Body>;

impl ShedLayer {
    /// Reads the whole body within the time and size bounds, then admits
    /// the request by its size.
    async fn read_and_admit<B>(
        &self,
        request: http::Request<B>,
        grpc: bool,
    ) -> Result<(http::Request<tonic::body::Body>, Ticket), Refused>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (limit, flag) = if grpc {
            (
                self.max_grpc_message.saturating_add(GRPC_FRAME_HEADER),
                "--max-message-bytes / COPYDESK_MAX_MESSAGE_BYTES",
            )
        } else {
            (
                self.max_http_body,
                "the HTTP body limit (--max-http-body-bytes / COPYDESK_MAX_HTTP_BODY_BYTES)",
            )
        };
        let too_large = || {
            let message =
                format!("request body is over this server's limit of {limit} bytes ({flag})");
            refusal(grpc, BodyFault::TooLarge, message)
        };
        // A declared size over the limit is refused before any byte is
        // read (and so before HTTP/1.1's `100 Continue`).
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|size| size > limit as u64) {
            return Err(too_large());
        }
        if !grpc {
            check_http_body_headers(&request)
                .map_err(|message| refusal(false, BodyFault::Unsupported, message))?;
        }
        // HTTP requests have no deadline in their contract (the deadline
        // layer removes theirs).
        let deadline = grpc
            .then(|| deadline_from_headers(request.headers()))
            .flatten();
        let path = request.uri().path().to_owned();
        let (parts, body) = request.into_parts();
        let read = tokio::time::timeout(self.body_timeout, Limited::new(body, limit).collect());
        let body: Bytes = match read.await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(error)) if error.is::<LengthLimitError>() => return Err(too_large()),
            Ok(Err(error)) => {
                let message = format!("the request body broke off: {error}");
                return Err(refusal(grpc, BodyFault::Broken, message));
            }
            Err(_) => {
                let message = format!(
                    "the request body did not arrive within {} s (--request-body-timeout-secs / COPYDESK_REQUEST_BODY_TIMEOUT_SECS)",
                    self.body_timeout.as_secs_f64()
                );
                return Err(refusal(grpc, BodyFault::Slow, message));
            }
        };
        match self
            .admission
            .try_admit_by(request_cost(&path, grpc, &body), deadline)
        {
            Ok(ticket) => {
                let body = tonic::body::Body::new(Full::new(body));
                Ok((http::Request::from_parts(parts, body), ticket))
            }
            Err(refused) => {
                let (reason, fault) = match refused {
                    Refusal::TooLate { .. } | Refusal::Deadline => ("deadline", BodyFault::TooLate),
                    Refusal::Requests { .. } | Refusal::Bytes { .. } => {
                        ("capacity", BodyFault::Overloaded)
                    }
                };
                metrics::counter!(SHED, "server" => self.server, "reason" => reason).increment(1);
                Err(refusal(grpc, fault, refused.to_string()))
            }
        }
    }
}

/// HTTP request bodies (POST, PUT, PATCH: every HTTP route with a body
/// takes JSON) are JSON, sent as such: a form or `text/plain`
/// body (which any web page may make a browser send without asking) is
/// refused, and so is a compressed one, which the server does not decode.
/// The error is the refusal's message (415).
fn check_http_body_headers<B>(request: &http::Request<B>) -> Result<(), String> {
    let encoding = request
        .headers()
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(str::trim)
        .find(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"));
    if let Some(coding) = encoding {
        let message = format!(
            "Content-Encoding {coding:?} is not supported; send the body uncompressed (identity)"
        );
        return Err(message);
    }
    let with_body = [http::Method::POST, http::Method::PUT, http::Method::PATCH];
    if !with_body.contains(request.method()) {
        return Ok(());
    }
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let media_type = content_type.map(|v| v.split(';').next().unwrap_or("").trim());
    if !media_type.is_some_and(|t| t.eq_ignore_ascii_case("application/json")) {
        let message = format!(
            "the request body must be sent as Content-Type: application/json (got {})",
            content_type.map_or_else(|| "none".to_owned(), |t| format!("{t:?}"))
        );
        return Err(message);
    }
    Ok(())
}

/// Why the layer answers a request itself.
#[derive(Clone, Copy, Debug)]
enum BodyFault {
    /// The body did not arrive in time. gRPC: DEADLINE_EXCEEDED, a bound of
    /// the server's passed before the call could start (CANCELLED would
    /// say the client cancelled, which it did not); HTTP: 408.
    Slow,
    TooLarge,
    Broken,
    Overloaded,
    /// The work would not finish before the caller's deadline.
    TooLate,
    /// A body in a media type or encoding this server does not read.
    Unsupported,
}

fn refusal(grpc: bool, fault: BodyFault, message: String) -> Refused {
    let (code, http) = match fault {
        BodyFault::Slow => (
            tonic::Code::DeadlineExceeded,
            http::StatusCode::REQUEST_TIMEOUT,
        ),
        BodyFault::TooLarge => (
            tonic::Code::ResourceExhausted,
            http::StatusCode::PAYLOAD_TOO_LARGE,
        ),
        BodyFault::Broken => (tonic::Code::Cancelled, http::StatusCode::BAD_REQUEST),
        BodyFault::Unsupported => (
            tonic::Code::InvalidArgument,
            http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        BodyFault::Overloaded => (
            tonic::Code::ResourceExhausted,
            http::StatusCode::TOO_MANY_REQUESTS,
        ),
        BodyFault::TooLate => (
            tonic::Code::DeadlineExceeded,
            http::StatusCode::SERVICE_UNAVAILABLE,
        ),
    };
    if grpc {
        return Status::new(code, message).into_http();
    }
    // Over HTTP the status says 413; the code in the body stays the one
    // HTTP/JSON has always given an oversize body: the caller's request
    // is at fault.
    let code = match fault {
        BodyFault::TooLarge => tonic::Code::InvalidArgument,
        _ => code,
    };
    json_error(http, code, &message)
}

/// The JSON error body every HTTP answer of the runtime has.
pub(crate) fn json_error(
    http: http::StatusCode,
    code: tonic::Code,
    message: &str,
) -> http::Response<tonic::body::Body> {
    let body = serde_json::json!({ "code": code as i32, "message": message }).to_string();
    let mut response = http::Response::new(tonic::body::Body::new(body));
    *response.status_mut() = http;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use http_body_util::StreamBody;
    use tokio::sync::mpsc;
    use tower::ServiceExt;

    use super::*;

    /// An inner service that records how much was admitted while it ran
    /// and the body it was given.
    #[derive(Clone)]
    struct Inner {
        admission: Arc<Admission>,
        calls: Arc<AtomicUsize>,
    }

    impl Service<http::Request<tonic::body::Body>> for Inner {
        type Response = http::Response<tonic::body::Body>;
        type Error = Infallible;
        type Future = BoxFuture<Self::Response, Infallible>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let admission = Arc::clone(&self.admission);
            Box::pin(async move {
                let streaming = request.extensions().get::<CallAdmission>().is_some();
                let body = request.into_body().collect().await.unwrap().to_bytes();
                let (requests, bytes) = admission.in_flight();
                let seen = format!("{requests} {bytes} {} {streaming}", body.len());
                Ok(http::Response::new(tonic::body::Body::new(seen)))
            })
        }
    }

    fn layer(max_requests: usize, max_bytes: usize) -> (ShedService<Inner>, Arc<Admission>) {
        let admission = Admission::new(max_requests, max_bytes);
        let inner = Inner {
            admission: Arc::clone(&admission),
            calls: Arc::new(AtomicUsize::new(0)),
        };
        let layer = ShedLayer::new(
            "test",
            Arc::clone(&admission),
            Duration::from_secs(5),
            100,
            50,
        );
        (layer.layer(inner), admission)
    }

    fn grpc(path: &str, body: &'static [u8]) -> http::Request<Full<Bytes>> {
        http::Request::post(path)
            .header("content-type", "application/grpc")
            .body(Full::new(Bytes::from_static(body)))
            .unwrap()
    }

    async fn text(response: http::Response<tonic::body::Body>) -> String {
        let body = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_unary_call_holds_a_ticket_while_it_runs_and_until_its_answer_is_sent() {
        let (service, admission) = layer(2, 0);
        let response = service
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"12345"))
            .await
            .unwrap();
        // Admitted while the handler ran, with the body's size.
        assert_eq!(admission.in_flight(), (1, 5));
        assert_eq!(text(response).await, "1 5 5 false");
        assert_eq!(admission.in_flight(), (0, 0));
    }

    #[tokio::test]
    async fn a_stalled_body_holds_no_slot_and_times_out() {
        tokio::time::pause();
        let (service, admission) = layer(1, 0);
        let (send, receive) = mpsc::channel::<Result<http_body::Frame<Bytes>, Infallible>>(1);
        let stalled = http::Request::post("/copydesk.v1.Segmenter/Segment")
            .header("content-type", "application/grpc")
            .body(StreamBody::new(
                tokio_stream::wrappers::ReceiverStream::new(receive),
            ))
            .unwrap();
        let waiting = tokio::spawn(service.clone().oneshot(stalled));
        tokio::task::yield_now().await;
        assert_eq!(admission.in_flight(), (0, 0));
        // Meanwhile the only slot serves someone else.
        let other = service
            .clone()
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"1"))
            .await
            .unwrap();
        assert_eq!(text(other).await, "1 1 1 false");
        let refused = waiting.await.unwrap().unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
        assert!(
            status.message().contains("--request-body-timeout-secs"),
            "{status:?}"
        );
        drop(send);
    }

    #[tokio::test]
    async fn the_count_limit_refuses_at_once_while_the_bytes_budget_counts_sizes() {
        let (service, admission) = layer(1, 0);
        let held = admission.try_admit(1).unwrap();
        let refused = service
            .clone()
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"1"))
            .await
            .unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert!(status.message().contains("limit of 1 concurrent"));
        drop(held);

        let (service, admission) = layer(0, 10);
        let held = admission.try_admit(8).unwrap();
        let refused = service
            .clone()
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"123"))
            .await
            .unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert!(
            status.message().contains("--max-inflight-bytes"),
            "{status:?}"
        );
        let small = service
            .clone()
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"12"))
            .await
            .unwrap();
        assert_eq!(text(small).await, "2 10 2 false");
        drop(held);
        // Alone, a request over the whole budget runs.
        let large = service
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", b"0123456789abc"))
            .await
            .unwrap();
        assert_eq!(text(large).await, "1 13 13 false");
    }

    #[tokio::test]
    async fn a_call_that_would_outlast_its_deadline_is_refused_before_it_starts() {
        let admission = Admission::new(0, 0);
        let inner = Inner {
            admission: Arc::clone(&admission),
            calls: Arc::new(AtomicUsize::new(0)),
        };
        let calls = Arc::clone(&inner.calls);
        let service = ShedLayer::new(
            "test",
            Arc::clone(&admission),
            Duration::from_secs(5),
            1 << 20,
            1 << 20,
        )
        .layer(inner);
        // Recent work went at a second per 8 KiB; another call is running.
        admission.record(8192, Duration::from_secs(1));
        let _running = admission.try_admit(1).unwrap();
        let document: &'static [u8] = Box::leak(vec![b'a'; 16384].into_boxed_slice());
        let call = |timeout: &str| {
            let mut request = grpc("/copydesk.v1.Entities/Recognize", document);
            request
                .headers_mut()
                .insert("grpc-timeout", timeout.parse().unwrap());
            service.clone().oneshot(request)
        };

        let refused = call("500m").await.unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
        assert!(status.message().contains("current pace"), "{status:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 0, "refused before any work");

        let admitted = call("5S").await.unwrap();
        assert_eq!(text(admitted).await, "2 16385 16384 false");
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused_naming_it() {
        let (service, _) = layer(1, 0);
        let refused = service
            .clone()
            .oneshot(grpc("/copydesk.v1.Segmenter/Segment", &[0; 106]))
            .await
            .unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert!(
            status.message().contains("limit of 105 bytes"),
            "{status:?}"
        );

        // A declared HTTP body over the limit is refused before reading.
        let declared = http::Request::post("/v1/annotate")
            .header("content-length", "51")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let refused = service.oneshot(declared).await.unwrap();
        assert_eq!(refused.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            refused.headers()[http::header::CONTENT_TYPE],
            "application/json"
        );
        assert!(text(refused).await.contains("limit of 50 bytes"));
    }

    #[tokio::test]
    async fn http_bodies_must_be_declared_json_and_uncompressed() {
        let (service, _) = layer(1, 0);
        let post = |content_type: &str, encoding: Option<&str>| {
            let mut request =
                http::Request::post("/v1/annotate").header("content-type", content_type);
            if let Some(encoding) = encoding {
                request = request.header("content-encoding", encoding);
            }
            request.body(Full::new(Bytes::from_static(b"{}"))).unwrap()
        };
        for (content_type, encoding) in [
            ("text/plain", None),
            ("application/x-www-form-urlencoded", None),
            ("application/json", Some("gzip")),
        ] {
            let refused = service
                .clone()
                .oneshot(post(content_type, encoding))
                .await
                .unwrap();
            assert_eq!(
                refused.status(),
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{content_type} {encoding:?}"
            );
            assert!(text(refused).await.contains("\"code\":3"));
        }
        for (content_type, encoding) in [
            ("application/json", None),
            ("Application/JSON; charset=utf-8", Some("identity")),
        ] {
            let answered = service
                .clone()
                .oneshot(post(content_type, encoding))
                .await
                .unwrap();
            assert_eq!(answered.status(), http::StatusCode::OK, "{content_type}");
        }
    }

    #[tokio::test]
    async fn probes_and_streams_pass_without_a_ticket() {
        let (service, admission) = layer(1, 0);
        let _held = admission.try_admit(1).unwrap();
        let health = service
            .clone()
            .oneshot(grpc("/grpc.health.v1.Health/Check", b""))
            .await
            .unwrap();
        assert_eq!(text(health).await, "1 1 0 false");
        let stream = service
            .oneshot(grpc("/copydesk.v1.Segmenter/SegmentStream", b"12"))
            .await
            .unwrap();
        // Not admitted by the layer: the stream admits each message.
        assert_eq!(text(stream).await, "1 1 2 true");
    }
}
