//! HTTP/JSON on the gateway's port: the proto3 JSON mapping of the
//! `Annotator` calls, for clients without gRPC (curl, browsers).
//!
//! Errors have the body `{ "code": <gRPC code>, "message": ... }` with the
//! HTTP status that grpc-gateway and Google APIs use for that code.

use std::sync::Arc;

use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use copydesk_proto::v1::{AnnotateRequest, BatchAnnotateRequest};
use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tonic::{Code, Status};

use crate::batch;
use crate::fan_out::Annotator;

#[derive(Clone)]
struct HttpState {
    annotator: Arc<Annotator>,
    max_body_bytes: usize,
}

/// Adds `POST /v1/annotate`, `POST /v1/batchAnnotate` and the `/viz` page
/// to `server`.
pub fn routes(
    server: copydesk_runtime::Server,
    annotator: Arc<Annotator>,
    max_body_bytes: usize,
) -> copydesk_runtime::Server {
    let state = HttpState {
        annotator,
        max_body_bytes,
    };
    let limit = axum::extract::DefaultBodyLimit::max(max_body_bytes);
    // The runtime reads bodies whole before admitting them: up to this size.
    let server = server.with_http_body_limit(max_body_bytes);
    // The page is public: it holds no data, and its own calls to
    // /v1/annotate carry the token the user types in.
    let server = crate::viz::assets()
        .into_iter()
        .fold(server, |server, (path, route)| {
            server.add_http_route(path, route)
        });
    server
        .add_http_route(
            "/v1/annotate",
            post(annotate).with_state(state.clone()).layer(limit),
        )
        .add_http_route(
            "/v1/batchAnnotate",
            post(batch_annotate).with_state(state).layer(limit),
        )
}

async fn annotate(State(state): State<HttpState>, body: Result<Bytes, BytesRejection>) -> Response {
    let request: AnnotateRequest = match parse(body, state.max_body_bytes, "AnnotateRequest") {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match state.annotator.annotate(request, None).await {
        Ok(response) => json(&response),
        Err(error) => status_response(&Status::from(error)),
    }
}

async fn batch_annotate(
    State(state): State<HttpState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request: BatchAnnotateRequest =
        match parse(body, state.max_body_bytes, "BatchAnnotateRequest") {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        };
    match batch::batch_annotate(&state.annotator, request, None).await {
        Ok(response) => json(&response),
        Err(error) => status_response(&Status::from(error)),
    }
}

/// A request refused before it reached the annotator.
struct HttpError {
    http: StatusCode,
    message: String,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        error_body(self.http, Code::InvalidArgument, self.message)
    }
}

fn parse<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
    name: &str,
) -> Result<T, HttpError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let message = format!(
                "request body is over this server's limit of {limit} bytes (--max-http-body-bytes / COPYDESK_MAX_HTTP_BODY_BYTES)"
            );
            HttpError { http: StatusCode::PAYLOAD_TOO_LARGE, message }
        } else {
            HttpError { http: rejection.status(), message: rejection.body_text() }
        }
    })?;
    serde_json::from_slice(&body).map_err(|error| {
        let message = format!("request body is not a {name} in proto3 JSON: {error}");
        HttpError {
            http: StatusCode::BAD_REQUEST,
            message,
        }
    })
}

fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => ([(http::header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(error) => error_body(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            format!("response to JSON: {error}"),
        ),
    }
}

fn status_response(status: &Status) -> Response {
    error_body(
        http_status(status.code()),
        status.code(),
        status.message().to_owned(),
    )
}

fn error_body(http: StatusCode, code: Code, message: String) -> Response {
    let body = axum::Json(serde_json::json!({ "code": code as i32, "message": message }));
    (http, body).into_response()
}

/// The HTTP status for a gRPC code, as grpc-gateway maps them.
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_usual_http_statuses() {
        assert_eq!(http_status(Code::InvalidArgument), StatusCode::BAD_REQUEST);
        assert_eq!(
            http_status(Code::ResourceExhausted),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            http_status(Code::Unavailable),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(http_status(Code::Cancelled).as_u16(), 499);
    }
}
