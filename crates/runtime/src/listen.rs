//! Accepting connections and serving HTTP/1.1 and HTTP/2 on them, with
//! hyper-util's protocol-detecting builder.
//!
//! This is done here rather than by tonic's `transport::Server` because
//! that one wraps every request, HTTP/JSON ones too, in its gRPC deadline
//! (`grpc-timeout`) outside every layer a server can add, so an HTTP
//! client sending that header got gRPC framing back; and because draining
//! needs to know which connections have not sent their first request yet.
//!
//! Per connection: a bound on its first request ([`GuardedIo`]), TLS when
//! configured, HTTP/2 keepalive pings, and a maximum age after which it is
//! asked to go away (GOAWAY; HTTP/1: closed after its current request).
//!
//! Shutdown: connections already waiting in the listen backlog are accepted
//! too, then the listener is closed. A connection that has had a request is
//! shut down gracefully at once (requests in flight finish, new HTTP/2
//! streams are refused, which clients may retry); one that has not had a
//! request yet gets until its first request (then graceful) or its
//! first-request bound, so a request already on its way is answered rather
//! than reset. What is still running after the grace period is cut.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tonic::transport::server::TcpConnectInfo;
use tower::{Service, ServiceExt};

use crate::connection::GuardedIo;

/// How connections are served.
#[derive(Clone)]
pub(crate) struct ConnectionSettings {
    pub(crate) first_request_timeout: Duration,
    pub(crate) http2_keepalive: Option<Duration>,
    pub(crate) http2_keepalive_timeout: Duration,
    pub(crate) max_connection_age: Option<Duration>,
    pub(crate) tls: Option<TlsAcceptor>,
}

/// Whether a connection's first request has arrived, and a way to wait for
/// it.
#[derive(Debug, Default)]
pub(crate) struct FirstRequest {
    seen: AtomicBool,
    arrived: Notify,
}

impl FirstRequest {
    pub(crate) fn mark(&self) {
        if !self.seen.swap(true, Ordering::AcqRel) {
            self.arrived.notify_waiters();
        }
    }

    pub(crate) fn seen(&self) -> bool {
        self.seen.load(Ordering::Acquire)
    }

    async fn wait(&self) {
        let arrived = self.arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        if !self.seen() {
            arrived.await;
        }
    }
}

/// Serves `service` on `listener` until `shutdown`, then drains for at
/// most `grace`.
pub(crate) async fn serve<S, F>(
    listener: TcpListener,
    service: S,
    settings: ConnectionSettings,
    shutdown: F,
    grace: Duration,
    server: &'static str,
) where
    S: Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    F: Future<Output = ()>,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper only enforces its HTTP/1 header read timeout (30 s) with a timer.
    builder.http1().timer(TokioTimer::new());
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(settings.http2_keepalive)
        .keep_alive_timeout(settings.http2_keepalive_timeout);
    let builder = Arc::new(builder);
    let settings = Arc::new(settings);
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();

    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    connections.spawn(connection(tcp, service.clone(), Arc::clone(&builder), Arc::clone(&settings), stopping.clone()));
                }
                Err(error) => {
                    // Out of file descriptors, most likely: give the
                    // connections being served a moment to end.
                    tracing::warn!(server, %error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Connections the kernel completed but nobody accepted yet would be
    // reset when the listener closes: take them in as well.
    while let Ok(Ok((tcp, _))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await {
        connections.spawn(connection(
            tcp,
            service.clone(),
            Arc::clone(&builder),
            Arc::clone(&settings),
            stopping.clone(),
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            server,
            ?grace,
            remaining = connections.len(),
            "connections still open after the shutdown grace period; closing them"
        );
        connections.shutdown().await;
    }
}

async fn connection<S>(
    tcp: TcpStream,
    service: S,
    builder: Arc<auto::Builder<TokioExecutor>>,
    settings: Arc<ConnectionSettings>,
    stopping: watch::Receiver<bool>,
) where
    S: Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let _ = tcp.set_nodelay(true);
    let info = TcpConnectInfo {
        local_addr: tcp.local_addr().ok(),
        remote_addr: tcp.peer_addr().ok(),
    };
    let first_request = Arc::new(FirstRequest::default());
    let io = GuardedIo::new(
        tcp,
        settings.first_request_timeout,
        Arc::clone(&first_request),
    );
    let marked = Arc::clone(&first_request);
    let service = service.map_request(move |request: http::Request<Incoming>| {
        marked.mark();
        let mut request = request.map(tonic::body::Body::new);
        request.extensions_mut().insert(info.clone());
        request
    });
    match &settings.tls {
        None => drive(io, service, &builder, &settings, stopping, &first_request).await,
        Some(acceptor) => match acceptor.accept(io).await {
            Ok(tls) => drive(tls, service, &builder, &settings, stopping, &first_request).await,
            Err(error) => tracing::debug!(%error, "TLS handshake failed"),
        },
    }
}

async fn drive<IO, S>(
    io: IO,
    service: S,
    builder: &auto::Builder<TokioExecutor>,
    settings: &ConnectionSettings,
    mut stopping: watch::Receiver<bool>,
    first_request: &FirstRequest,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<
            http::Request<Incoming>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let connection = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
    tokio::pin!(connection);
    let aged = async {
        match settings.max_connection_age {
            Some(age) => tokio::time::sleep(age).await,
            None => std::future::pending().await,
        }
    };
    let stop = async {
        let _ = stopping.wait_for(|stop| *stop).await;
        // A request may be on its way on a connection that has not
        // delivered one yet: let it arrive (the connection's own bound
        // closes it otherwise).
        first_request.wait().await;
    };
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
            return;
        }
        () = aged => {}
        () = stop => {}
    }
    connection.as_mut().graceful_shutdown();
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error");
    }
}
