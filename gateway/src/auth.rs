//! Optional bearer-token authentication of the Annotator, over gRPC
//! (`authorization: Bearer <token>` metadata) and HTTP/JSON (the
//! `Authorization` header). Health, reflection, Info and /metrics are not
//! behind it: probes and operators must reach them without the secret.
//!
//! Tokens are compared as SHA-256 digests in constant time, so neither the
//! bytes nor the length of the configured token leak through timing.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tonic::Status;
use tonic::service::Interceptor;

/// The token callers must present.
#[derive(Clone)]
pub struct BearerAuth {
    digest: [u8; 32],
}

impl std::fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerAuth(..)")
    }
}

/// Why a call was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("missing credentials: send `authorization: Bearer <token>`")]
    Missing,
    #[error("the authorization header is not `Bearer <token>`")]
    NotBearer,
    #[error("invalid bearer token")]
    Wrong,
}

impl From<AuthError> for Status {
    fn from(error: AuthError) -> Self {
        Status::unauthenticated(error.to_string())
    }
}

impl BearerAuth {
    pub fn new(token: &str) -> Self {
        BearerAuth {
            digest: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// Checks the value of an `authorization` header or metadata entry.
    pub fn check(&self, authorization: Option<&[u8]>) -> Result<(), AuthError> {
        let value = authorization.ok_or(AuthError::Missing)?;
        // RFC 6750: the scheme is case-insensitive.
        let token = match value.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case(b"bearer ") => &value[7..],
            _ => return Err(AuthError::NotBearer),
        };
        let given: [u8; 32] = Sha256::digest(token).into();
        if bool::from(given.ct_eq(&self.digest)) {
            Ok(())
        } else {
            Err(AuthError::Wrong)
        }
    }
}

/// The gRPC side: refuses Annotator calls without the token.
#[derive(Clone, Debug)]
pub struct AuthInterceptor(pub Option<Arc<BearerAuth>>);

impl Interceptor for AuthInterceptor {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(auth) = &self.0 {
            let header = request
                .metadata()
                .get("authorization")
                .map(|v| v.as_bytes());
            auth.check(header)?;
        }
        Ok(request)
    }
}

/// The HTTP/JSON side, as axum middleware: 401 with the JSON error body,
/// before the request body is read.
pub async fn require_bearer(
    State(auth): State<Option<Arc<BearerAuth>>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(auth) = &auth {
        let header = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        if let Err(error) = auth.check(header) {
            let body = axum::Json(serde_json::json!({
                "code": tonic::Code::Unauthenticated as i32,
                "message": error.to_string(),
            }));
            return (
                http::StatusCode::UNAUTHORIZED,
                [(http::header::WWW_AUTHENTICATE, "Bearer")],
                body,
            )
                .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_bearer_token_passes() {
        let auth = BearerAuth::new("s3cret");
        assert_eq!(auth.check(Some(b"Bearer s3cret")), Ok(()));
        assert_eq!(auth.check(Some(b"bearer s3cret")), Ok(()));
        assert_eq!(auth.check(None), Err(AuthError::Missing));
        assert_eq!(auth.check(Some(b"Basic s3cret")), Err(AuthError::NotBearer));
        assert_eq!(auth.check(Some(b"Bearer")), Err(AuthError::NotBearer));
        assert_eq!(auth.check(Some(b"Bearer s3cre")), Err(AuthError::Wrong));
        assert_eq!(auth.check(Some(b"Bearer s3cret ")), Err(AuthError::Wrong));
    }
}
