//! `copydesk.v1.Info`: what a server runs and what it accepts.

use copydesk_proto::v1::info_server::Info;
use copydesk_proto::v1::{GetInfoRequest, GetInfoResponse};
use tonic::{Request, Response, Status};

pub(crate) struct InfoService {
    pub(crate) info: GetInfoResponse,
}

#[tonic::async_trait]
impl Info for InfoService {
    async fn get_info(
        &self,
        _request: Request<GetInfoRequest>,
    ) -> Result<Response<GetInfoResponse>, Status> {
        Ok(Response::new(self.info.clone()))
    }
}
