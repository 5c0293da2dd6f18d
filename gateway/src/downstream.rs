//! What every call from the gateway to another service shares: a channel
//! that connects lazily (the gateway starts and answers while a service is
//! down), message limits, and a timeout taken from the caller's deadline.

use std::future::Future;
use std::time::{Duration, Instant};

use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Response, Status};

use crate::deadline::downstream_timeout;
use crate::error::Error;

/// How long to wait for a TCP connection: a host that does not answer
/// should cost a feature, not the caller's whole deadline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// One service the gateway calls.
#[derive(Clone, Debug)]
pub struct Downstream {
    /// The service's name in messages ("segmenter", "entities", "sentiment").
    pub name: &'static str,
    pub channel: Channel,
    pub max_message_bytes: usize,
    default_timeout: Duration,
}

impl Downstream {
    /// A lazily connected channel to `address`; it reconnects after failures.
    pub fn connect_lazy(
        name: &'static str,
        address: &str,
        max_message_bytes: usize,
        default_timeout: Duration,
    ) -> Result<Self, Error> {
        let endpoint = Endpoint::from_shared(address.to_owned())
            .map_err(|source| Error::Address {
                service: name,
                address: address.to_owned(),
                source,
            })?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true);
        Ok(Downstream {
            name,
            channel: endpoint.connect_lazy(),
            max_message_bytes,
            default_timeout,
        })
    }

    /// Sends `message` through `call` with the time the caller has left.
    /// The `grpc-timeout` header makes the service give up too; the local
    /// timer covers a service that does not answer at all.
    pub async fn call<M, T, F, Fut>(
        &self,
        message: M,
        deadline: Option<Instant>,
        call: F,
    ) -> Result<T, Status>
    where
        F: FnOnce(Request<M>) -> Fut,
        Fut: Future<Output = Result<Response<T>, Status>>,
    {
        let Some(timeout) = downstream_timeout(deadline, self.default_timeout) else {
            return Err(Status::deadline_exceeded(format!(
                "no time left before the caller's deadline to call the {} service",
                self.name
            )));
        };
        let mut request = Request::new(message);
        request.set_timeout(timeout);
        match tokio::time::timeout(timeout, call(request)).await {
            Ok(result) => result.map(Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded(format!(
                "the {} service did not answer within {timeout:?}",
                self.name
            ))),
        }
    }
}
