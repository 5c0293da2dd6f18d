//! The segmenter service, as the gateway calls it.

use std::time::{Duration, Instant};

use copydesk_proto::v1::segmenter_client::SegmenterClient as GrpcClient;
use copydesk_proto::v1::{Document, OffsetEncoding, SegmentRequest, SegmentResponse};
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};

use crate::deadline::downstream_timeout;
use crate::error::Error;

/// How long to wait for a TCP connection to the segmenter: a host that does
/// not answer should cost a feature, not the caller's whole deadline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Debug)]
pub struct SegmenterClient {
    client: GrpcClient<Channel>,
    default_timeout: Duration,
}

impl SegmenterClient {
    /// A client that connects on first use (and reconnects after failures),
    /// so the gateway starts while the segmenter is down.
    pub fn connect_lazy(
        address: &str,
        max_message_bytes: usize,
        default_timeout: Duration,
    ) -> Result<Self, Error> {
        let endpoint = Endpoint::from_shared(address.to_owned())
            .map_err(|source| Error::Address {
                service: "segmenter",
                address: address.to_owned(),
                source,
            })?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true);
        let client = GrpcClient::new(endpoint.connect_lazy())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        Ok(SegmenterClient {
            client,
            default_timeout,
        })
    }

    /// Segments `document` with UTF-8 byte offsets: the gateway converts
    /// them once, at the end, to what its caller asked for.
    pub async fn segment(
        &self,
        document: Document,
        deadline: Option<Instant>,
    ) -> Result<SegmentResponse, Status> {
        let Some(timeout) = downstream_timeout(deadline, self.default_timeout) else {
            return Err(Status::deadline_exceeded(
                "no time left before the caller's deadline to call the segmenter",
            ));
        };
        let mut request = Request::new(SegmentRequest {
            document: Some(document),
            encoding: OffsetEncoding::Utf8 as i32,
        });
        // The header makes the segmenter give up too; the local timer covers
        // a segmenter that does not answer at all.
        request.set_timeout(timeout);
        let mut client = self.client.clone();
        match tokio::time::timeout(timeout, client.segment(request)).await {
            Ok(result) => result.map(tonic::Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded(format!(
                "the segmenter did not answer within {timeout:?}"
            ))),
        }
    }
}
