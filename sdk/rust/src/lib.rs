//! Rust client for Copydesk's gateway (`copydesk.v1.Annotator`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), copydesk_client::Error> {
//! use copydesk_client::Client;
//!
//! let client = Client::connect("http://127.0.0.1:50051").await?;
//! let response = client.annotate("Moon Jae-in met Kim Jong-un in Seoul.").await?;
//! for entity in &response.entities {
//!     println!("{} {}", entity.name, entity.salience);
//! }
//! # Ok(()) }
//! ```
//!
//! - [`ClientOptions`]: timeout, retries of UNAVAILABLE and closed connections, TLS, a bearer token.
//! - [`Client::request`]: a builder for features, offset encoding, id,
//!   language and content type (plain text, or HTML with spans in the
//!   markup: [`RequestBuilder::content_type`]).
//! - [`Client::batch`]: many documents with N requests in flight, results
//!   in order with an error per document, resumable ([`resume`]).
//!
//! The response types are the protobuf messages of [`copydesk_proto::v1`],
//! re-exported as [`proto`].

#![forbid(unsafe_code)]

mod batch;
mod request;
pub mod resume;

use std::time::Duration;

pub use batch::{Batch, BatchItem};
use copydesk_proto::client_status::{deadline_status, is_retryable};
pub use copydesk_proto::v1 as proto;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{AnnotateRequest, AnnotateResponse, BatchAnnotateRequest};
pub use request::RequestBuilder;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

/// Responses carry every token: a segmentation is several times the size of
/// its text, so the usual 4 MiB decode limit is far too small.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address is not a URI tonic accepts.
    #[error("bad address {address:?}: {source}")]
    Address {
        address: String,
        source: tonic::transport::Error,
    },
    /// The gateway could not be reached (after the retries).
    #[error("cannot reach the gateway at {address}: {source}")]
    Connect {
        address: String,
        source: tonic::transport::Error,
    },
    /// The token is not a valid header value.
    #[error("the token cannot be sent as an authorization header")]
    Token,
    /// The gateway answered with a status (after the retries, for
    /// UNAVAILABLE).
    #[error("{}: {}", .0.code(), .0.message())]
    Status(#[from] Status),
    /// The resume file could not be read or written.
    #[error("resume file {path}: {source}")]
    Resume {
        path: String,
        source: std::io::Error,
    },
}

impl Error {
    /// The gRPC code, for errors that have one.
    pub fn code(&self) -> Option<Code> {
        match self {
            Error::Status(status) => Some(status.code()),
            Error::Connect { .. } => Some(Code::Unavailable),
            _ => None,
        }
    }
}

/// TLS settings (with the `tls` feature, on by default).
#[cfg(feature = "tls")]
#[derive(Clone, Debug, Default)]
pub struct Tls {
    /// A PEM CA certificate to trust instead of the system's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// The server name to verify, if not the address's host.
    pub domain: Option<String>,
}

/// How to connect. `ClientOptions::new(address)` then the `with_` methods.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// `http://host:port` (or `https://` with TLS).
    pub address: String,
    /// Deadline of each call, passed to the gateway (which hands the rest
    /// downstream). None: no deadline.
    pub timeout: Option<Duration>,
    /// How long to wait for the connection.
    pub connect_timeout: Duration,
    /// Extra attempts when the gateway is UNAVAILABLE or the connection
    /// closed before or broke under the call (a gateway closing connections
    /// at their maximum age); other codes are never retried because they
    /// would fail again.
    pub retries: u32,
    /// First wait before a retry; doubled each time.
    pub retry_backoff: Duration,
    /// Sent as `authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Largest response accepted.
    pub max_response_bytes: usize,
    /// TLS; None: plain HTTP/2 unless the address is `https://` (then the
    /// system's roots).
    #[cfg(feature = "tls")]
    pub tls: Option<Tls>,
}

impl ClientOptions {
    pub fn new(address: impl Into<String>) -> Self {
        ClientOptions {
            address: address.into(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            retry_backoff: Duration::from_millis(100),
            token: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    #[cfg(feature = "tls")]
    pub fn with_tls(mut self, tls: Tls) -> Self {
        self.tls = Some(tls);
        self
    }
}

/// Adds the bearer token to every call.
#[derive(Clone)]
pub struct Auth(Option<MetadataValue<Ascii>>);

impl Interceptor for Auth {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(token) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", token.clone());
        }
        Ok(request)
    }
}

/// A connection to a gateway. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct Client {
    inner: AnnotatorClient<InterceptedService<Channel, Auth>>,
    options: ClientOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.options.address)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects with the default options.
    pub async fn connect(address: impl Into<String>) -> Result<Client, Error> {
        Client::connect_with(ClientOptions::new(address)).await
    }

    /// Connects, retrying UNAVAILABLE-like failures `options.retries` times.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), copydesk_client::Error> {
    /// use std::time::Duration;
    /// use copydesk_client::{Client, ClientOptions};
    ///
    /// let options = ClientOptions::new("http://127.0.0.1:50051")
    ///     .with_timeout(Some(Duration::from_secs(5)))
    ///     .with_retries(5)
    ///     .with_token("s3cret");
    /// let client = Client::connect_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(options: ClientOptions) -> Result<Client, Error> {
        let endpoint = endpoint(&options)?;
        let auth = match &options.token {
            Some(token) => Some(
                format!("Bearer {token}")
                    .parse::<MetadataValue<Ascii>>()
                    .map_err(|_| Error::Token)?,
            ),
            None => None,
        };
        let mut attempt = 0;
        let channel = loop {
            match endpoint.connect().await {
                Ok(channel) => break channel,
                Err(_) if attempt < options.retries => {
                    tokio::time::sleep(backoff(&options, attempt)).await;
                    attempt += 1;
                }
                Err(source) => {
                    return Err(Error::Connect {
                        address: options.address.clone(),
                        source,
                    });
                }
            }
        };
        let inner = AnnotatorClient::with_interceptor(channel, Auth(auth))
            .max_decoding_message_size(options.max_response_bytes)
            .max_encoding_message_size(options.max_response_bytes);
        Ok(Client { inner, options })
    }

    /// The options this client was made with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Annotates `text` with every feature, UTF-8 byte offsets.
    pub async fn annotate(&self, text: impl Into<String>) -> Result<AnnotateResponse, Error> {
        self.request(text).send().await
    }

    /// A request to shape before sending.
    ///
    /// ```no_run
    /// # async fn demo(client: copydesk_client::Client) -> Result<(), copydesk_client::Error> {
    /// use copydesk_client::proto::OffsetEncoding;
    ///
    /// let response = client
    ///     .request("Apple bought Beats for $3 billion.")
    ///     .id("story-1")
    ///     .entities()
    ///     .document_sentiment()
    ///     .encoding(OffsetEncoding::Utf32)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, text: impl Into<String>) -> RequestBuilder<'_> {
        RequestBuilder::new(self, text.into())
    }

    /// Sends a prepared request, retrying UNAVAILABLE and closed connections.
    pub async fn annotate_request(
        &self,
        request: AnnotateRequest,
    ) -> Result<AnnotateResponse, Error> {
        self.with_retries(
            |mut client, request| async move {
                client
                    .annotate(request)
                    .await
                    .map(tonic::Response::into_inner)
            },
            request,
        )
        .await
    }

    /// One `BatchAnnotate` call (at most the gateway's
    /// `--max-batch-documents`). [`Client::batch`] handles any number.
    pub async fn batch_annotate(
        &self,
        request: BatchAnnotateRequest,
    ) -> Result<proto::BatchAnnotateResponse, Error> {
        self.with_retries(
            |mut client, request| async move {
                client
                    .batch_annotate(request)
                    .await
                    .map(tonic::Response::into_inner)
            },
            request,
        )
        .await
    }

    /// Many documents, N in flight, results in order. See [`Batch`].
    pub fn batch(&self) -> Batch {
        Batch::new(self.clone())
    }

    async fn with_retries<Req, Resp, F, Fut>(&self, call: F, request: Req) -> Result<Resp, Error>
    where
        Req: Clone,
        F: Fn(AnnotatorClient<InterceptedService<Channel, Auth>>, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<Resp, Status>>,
    {
        let mut attempt = 0;
        loop {
            let mut outgoing = tonic::Request::new(request.clone());
            if let Some(timeout) = self.options.timeout {
                outgoing.set_timeout(timeout);
            }
            let started = std::time::Instant::now();
            let result = call(self.inner.clone(), outgoing).await.map_err(|status| {
                match self.options.timeout {
                    Some(timeout) => {
                        deadline_status(status, started.elapsed(), timeout, &"the gateway")
                    }
                    None => status,
                }
            });
            match result {
                Ok(response) => return Ok(response),
                Err(status) if is_retryable(&status) && attempt < self.options.retries => {
                    tokio::time::sleep(backoff(&self.options, attempt)).await;
                    attempt += 1;
                }
                Err(status) => return Err(Error::Status(status)),
            }
        }
    }
}

fn backoff(options: &ClientOptions, attempt: u32) -> Duration {
    // Doubling, capped so a long retry budget does not wait for minutes.
    options
        .retry_backoff
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(5))
}

fn endpoint(options: &ClientOptions) -> Result<Endpoint, Error> {
    let bad = |source| Error::Address {
        address: options.address.clone(),
        source,
    };
    // "host:port" is what people type; tonic wants a scheme.
    let address = if options.address.contains("://") {
        options.address.clone()
    } else {
        format!("http://{}", options.address)
    };
    let endpoint = Endpoint::from_shared(address)
        .map_err(bad)?
        .connect_timeout(options.connect_timeout);
    #[cfg(feature = "tls")]
    {
        let wants_tls = options.tls.is_some() || options.address.starts_with("https://");
        if wants_tls {
            let tls = options.tls.clone().unwrap_or_default();
            let mut config = tonic::transport::ClientTlsConfig::new();
            config = match tls.ca_pem {
                Some(pem) => config.ca_certificate(tonic::transport::Certificate::from_pem(pem)),
                None => config.with_native_roots(),
            };
            if let Some(domain) = tls.domain {
                config = config.domain_name(domain);
            }
            return endpoint.tls_config(config).map_err(bad);
        }
    }
    Ok(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let options = ClientOptions::new("x");
        assert_eq!(backoff(&options, 0), Duration::from_millis(100));
        assert_eq!(backoff(&options, 2), Duration::from_millis(400));
        assert_eq!(backoff(&options, 30), Duration::from_secs(5));
    }

    #[test]
    fn host_and_port_without_a_scheme_is_accepted() {
        assert!(endpoint(&ClientOptions::new("127.0.0.1:50051")).is_ok());
        assert!(endpoint(&ClientOptions::new("http://[::1")).is_err());
    }
}
