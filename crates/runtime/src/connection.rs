//! Accepted connections that must send a request soon: a connection that
//! sends nothing, or only the HTTP/2 preface, or a TLS handshake and then
//! nothing, would otherwise stay open for as long as its peer likes
//! (HTTP/2 keepalive does not run before the connection's handshake ends,
//! and hyper's HTTP/1 header timeout only starts with the first byte).
//!
//! [`GuardedIo`] fails the connection's reads once its bound has passed
//! without a request; the serving loop marks the connection when the head
//! of its first request arrives ([`FirstRequest`]), which disarms it.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::listen::FirstRequest;

/// An accepted connection, closed if no request head arrives in time.
#[derive(Debug)]
pub(crate) struct GuardedIo<IO> {
    io: IO,
    first_request: Arc<FirstRequest>,
    /// Until the first request; `None` after it.
    bound: Option<(Pin<Box<Sleep>>, Duration)>,
}

impl<IO> GuardedIo<IO> {
    pub(crate) fn new(io: IO, timeout: Duration, first_request: Arc<FirstRequest>) -> Self {
        GuardedIo {
            io,
            first_request,
            bound: Some((Box::pin(tokio::time::sleep(timeout)), timeout)),
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for GuardedIo<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some((sleep, timeout)) = &mut this.bound {
            if this.first_request.seen() {
                this.bound = None;
            } else if sleep.as_mut().poll(cx).is_ready() {
                let message = format!(
                    "no request within {} s of connecting (--first-request-timeout-secs / COPYDESK_FIRST_REQUEST_TIMEOUT_SECS)",
                    timeout.as_secs_f64()
                );
                tracing::debug!(%message, "closing connection");
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, message)));
            }
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for GuardedIo<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_connection_without_a_request_fails_after_the_bound() {
        let (client, server) = tokio::io::duplex(64);
        let mut guarded = GuardedIo::new(server, Duration::from_secs(3), Arc::default());
        let mut client = client;
        // Bytes that are not a request head (a preface) do not disarm it.
        client
            .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 64];
        let read = guarded.read(&mut buf).await.unwrap();
        assert_eq!(read, 24);
        let error = guarded.read(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(error.to_string().contains("--first-request-timeout-secs"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_disarms_the_bound() {
        let (mut client, server) = tokio::io::duplex(64);
        let first_request = Arc::new(FirstRequest::default());
        let mut guarded =
            GuardedIo::new(server, Duration::from_secs(3), Arc::clone(&first_request));
        first_request.mark();
        let mut buf = [0u8; 8];
        let reading = tokio::spawn(async move {
            let n = guarded.read(&mut buf).await;
            n.map(|n| buf[..n].to_vec())
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        client.write_all(b"late").await.unwrap();
        assert_eq!(reading.await.unwrap().unwrap(), b"late");
    }
}
