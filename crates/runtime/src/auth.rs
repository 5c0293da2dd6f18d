//! Optional bearer-token authentication, the same on every server: with
//! `--auth-token` set, every request must carry `authorization: Bearer
//! <token>` (gRPC metadata or the HTTP header), except probes and
//! introspection (health, reflection, Info, /metrics: operators and
//! orchestrators reach them without the secret) and the paths a server
//! declares public (the gateway's /viz page and API description, which
//! hold no data).
//!
//! The check runs before the request body is read or a slot is taken, so
//! an unauthenticated caller costs a header lookup. Tokens are compared as
//! SHA-256 digests in constant time: neither the bytes nor the length of
//! the configured token leak through timing.

use std::sync::Arc;
use std::task::{Context, Poll};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tonic::Status;
use tower::{Layer, Service};

use crate::BoxFuture;
use crate::metrics::is_grpc;
use crate::shed::{NEVER_SHED, json_error};

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

/// Requires the token on every path but the open ones.
#[derive(Clone, Debug)]
pub(crate) struct AuthLayer {
    auth: Arc<BearerAuth>,
    /// Path prefixes open to all, beyond probes and introspection.
    public: Arc<[&'static str]>,
}

impl AuthLayer {
    pub(crate) fn new(token: &str, public: Vec<&'static str>) -> Self {
        AuthLayer {
            auth: Arc::new(BearerAuth::new(token)),
            public: public.into(),
        }
    }

    fn is_open(&self, path: &str) -> bool {
        NEVER_SHED
            .iter()
            .chain(self.public.iter())
            .any(|prefix| path.starts_with(prefix))
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Authenticated<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authenticated {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Authenticated<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S, B> Service<http::Request<B>> for Authenticated<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if self.layer.is_open(request.uri().path()) {
            return Box::pin(self.inner.call(request));
        }
        let header = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        match self.layer.auth.check(header) {
            Ok(()) => Box::pin(self.inner.call(request)),
            Err(error) => {
                let refused = if is_grpc(request.headers()) {
                    Status::from(error).into_http()
                } else {
                    let mut response = json_error(
                        http::StatusCode::UNAUTHORIZED,
                        tonic::Code::Unauthenticated,
                        &error.to_string(),
                    );
                    response.headers_mut().insert(
                        http::header::WWW_AUTHENTICATE,
                        http::HeaderValue::from_static("Bearer"),
                    );
                    response
                };
                Box::pin(std::future::ready(Ok(refused)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::convert::Infallible;

    use tower::ServiceExt;

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

    fn guarded() -> Authenticated<
        impl Service<
            http::Request<()>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
            Future = BoxFuture<http::Response<tonic::body::Body>, Infallible>,
        > + Clone,
    > {
        let inner = tower::service_fn(|_: http::Request<()>| -> BoxFuture<_, Infallible> {
            Box::pin(async {
                Ok(http::Response::new(tonic::body::Body::new(
                    "served".to_owned(),
                )))
            })
        });
        AuthLayer::new("s3cret", vec!["/viz"]).layer(inner)
    }

    fn request(path: &str, grpc: bool, token: Option<&str>) -> http::Request<()> {
        let mut builder = http::Request::post(path);
        if grpc {
            builder = builder.header("content-type", "application/grpc");
        }
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        builder.body(()).unwrap()
    }

    async fn served(response: http::Response<tonic::body::Body>) -> bool {
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        &body[..] == b"served"
    }

    #[tokio::test]
    async fn every_path_but_probes_introspection_and_public_ones_needs_the_token() {
        let service = guarded();
        let call = |path: &str, grpc, token| service.clone().oneshot(request(path, grpc, token));

        let refused = call("/copydesk.v1.EntityRecognizer/Recognize", true, None)
            .await
            .unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
        assert!(!served(refused).await);

        let refused = call("/v1/annotate", false, Some("wrong")).await.unwrap();
        assert_eq!(refused.status(), http::StatusCode::UNAUTHORIZED);
        assert_eq!(refused.headers()[http::header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(
            refused.headers()[http::header::CONTENT_TYPE],
            "application/json"
        );

        let with_token = call(
            "/copydesk.v1.EntityRecognizer/Recognize",
            true,
            Some("s3cret"),
        );
        assert!(served(with_token.await.unwrap()).await);
        for open in [
            "/grpc.health.v1.Health/Check",
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "/copydesk.v1.Info/GetInfo",
            "/metrics",
            "/viz/app.js",
        ] {
            assert!(
                served(call(open, open.starts_with("/grpc"), None).await.unwrap()).await,
                "{open}"
            );
        }
    }
}
