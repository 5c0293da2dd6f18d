//! `copydesk.v1.Info`: what a server runs and what it accepts.

use copydesk_proto::v1::info_server::Info;
use copydesk_proto::v1::{GetInfoRequest, GetInfoResponse};
use tonic::{Request, Response, Status};

use crate::readiness::Readiness;

pub(crate) struct InfoService {
    pub(crate) info: GetInfoResponse,
    /// Models known only once loaded are reported here.
    pub(crate) readiness: Option<Readiness>,
}

#[tonic::async_trait]
impl Info for InfoService {
    async fn get_info(
        &self,
        _request: Request<GetInfoRequest>,
    ) -> Result<Response<GetInfoResponse>, Status> {
        let mut info = self.info.clone();
        if let Some(readiness) = &self.readiness {
            info.models.extend(readiness.models());
        }
        Ok(Response::new(info))
    }
}
