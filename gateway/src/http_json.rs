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
    from_json(&body).map_err(|error| {
        let message = format!("request body is not a {name} in proto3 JSON: {error}");
        HttpError {
            http: StatusCode::BAD_REQUEST,
            message,
        }
    })
}

/// The proto3 JSON of `T`, where a document's `contentType` may also be
/// the MIME type a CMS stores with the body (`"text/html"`,
/// `"text/html; charset=utf-8"`, `"text/plain"`), as `ContentType`
/// documents. Bodies that parse as they are (names or numbers) are read
/// once; only a body that fails is read again with MIME types replaced.
fn from_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    let error = match serde_json::from_slice(body) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Err(error);
    };
    if name_mime_content_types(&mut value) {
        serde_json::from_value(value)
    } else {
        Err(error)
    }
}

/// Replaces MIME types given as `contentType` (or `content_type`) with
/// the enum's names; true when it replaced one.
fn name_mime_content_types(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            let mut replaced = false;
            for (key, field) in fields.iter_mut() {
                if let (true, Value::String(given)) =
                    (key == "contentType" || key == "content_type", &field)
                    && let Some(name) = content_type_of_mime(given)
                {
                    *field = Value::String(name.to_owned());
                    replaced = true;
                } else {
                    replaced |= name_mime_content_types(field);
                }
            }
            replaced
        }
        Value::Array(items) => items.iter_mut().fold(false, |replaced, item| {
            name_mime_content_types(item) | replaced
        }),
        _ => false,
    }
}

/// The `ContentType` name of a MIME type (parameters ignored), if it has one.
fn content_type_of_mime(mime: &str) -> Option<&'static str> {
    let essence = mime.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
    {
        Some("HTML")
    } else if essence.eq_ignore_ascii_case("text/plain") {
        Some("PLAIN_TEXT")
    } else {
        None
    }
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

    #[test]
    fn a_documents_content_type_may_be_a_mime_type() {
        use copydesk_proto::v1::ContentType;
        let single: AnnotateRequest = from_json(
            br#"{"document":{"text":"<p>Hi</p>","contentType":"text/html; charset=UTF-8"}}"#,
        )
        .unwrap();
        assert_eq!(single.document.unwrap().content_type(), ContentType::Html);
        let batch: BatchAnnotateRequest = from_json(
            br#"{"documents":[{"text":"a","content_type":"TEXT/PLAIN"},{"text":"b","contentType":"HTML"},{"text":"c","contentType":"application/xhtml+xml"}]}"#,
        )
        .unwrap();
        let types: Vec<ContentType> = batch.documents.iter().map(|d| d.content_type()).collect();
        assert_eq!(
            types,
            [ContentType::PlainText, ContentType::Html, ContentType::Html]
        );
        // Other MIME types keep the mapping's own error.
        let error = from_json::<AnnotateRequest>(
            br#"{"document":{"text":"a","contentType":"text/markdown"}}"#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("text/markdown"), "{error}");
    }
}
