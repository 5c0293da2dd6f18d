//! Serving a set of tonic services, plus HTTP routes, on one bound listener.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use axum::response::IntoResponse;
use copydesk_proto::v1::info_server::InfoServer;
use copydesk_proto::v1::{GetInfoResponse, Limits, ModelInfo};
use tokio::net::TcpListener;
use tonic::server::NamedService;
use tonic::service::{Routes, RoutesBuilder};
use tonic_health::ServingStatus;
use tower::ServiceBuilder;

use crate::admission::Admission;
use crate::auth::AuthLayer;
use crate::config::ServerConfig;
use crate::decode_errors::DecodeErrorLayer;
use crate::error::Error;
use crate::grpc_deadline::GrpcDeadlineLayer;
use crate::info::InfoService;
use crate::listen::{self, ConnectionSettings};
use crate::metrics::{KnownPaths, MetricsLayer, is_grpc, metrics_endpoint};
use crate::readiness::{HealthGate, Readiness};
use crate::shed::ShedLayer;
use crate::trace::TraceLayer;

const REFLECTION_V1: &str = "grpc.reflection.v1.ServerReflection";
const REFLECTION_V1ALPHA: &str = "grpc.reflection.v1alpha.ServerReflection";
const HEALTH: &str = "grpc.health.v1.Health";

/// One Copydesk server: the service's own tonic services and HTTP routes,
/// with health, reflection, Info and /metrics added by [`Server::serve`].
pub struct Server {
    name: &'static str,
    config: ServerConfig,
    routes: RoutesBuilder,
    grpc_services: Vec<&'static str>,
    http: axum::Router,
    http_paths: Vec<String>,
    info: GetInfoResponse,
    readiness: Option<Readiness>,
    max_http_body: usize,
    /// Path prefixes open without the token.
    public_paths: Vec<&'static str>,
}

impl Server {
    /// A server called `name` ("segmenter", "gateway": the Info service
    /// reports it and metrics carry it as the `server` label).
    pub fn new(name: &'static str, config: &ServerConfig) -> Self {
        let info = GetInfoResponse {
            service: name.to_owned(),
            version: crate::VERSION.to_owned(),
            models: Vec::new(),
            limits: Some(Limits {
                max_document_bytes: 0,
                max_batch_documents: 0,
                max_message_bytes: config.max_message_bytes as u64,
                max_concurrent_requests: u32::try_from(config.max_concurrent_requests)
                    .unwrap_or(u32::MAX),
            }),
            supported_languages: Vec::new(),
        };
        Server {
            name,
            config: config.clone(),
            routes: RoutesBuilder::default(),
            grpc_services: Vec::new(),
            http: axum::Router::new(),
            http_paths: Vec::new(),
            info,
            readiness: None,
            max_http_body: config.max_message_bytes,
            public_paths: Vec::new(),
        }
    }

    /// HTTP paths (prefixes) served without the bearer token: pages that
    /// hold no data.
    pub fn with_public_paths(mut self, paths: impl IntoIterator<Item = &'static str>) -> Self {
        self.public_paths.extend(paths);
        self
    }

    /// The largest HTTP request body this server reads (the default: the
    /// gRPC message limit).
    pub fn with_http_body_limit(mut self, bytes: usize) -> Self {
        self.max_http_body = bytes;
        self
    }

    /// The models or rule sets this server runs, for `Info.GetInfo`.
    pub fn with_models(mut self, models: Vec<ModelInfo>) -> Self {
        self.info.models = models;
        self
    }

    /// The document limits this server enforces, for `Info.GetInfo`.
    pub fn with_document_limits(
        mut self,
        max_document_bytes: u64,
        max_batch_documents: u32,
    ) -> Self {
        if let Some(limits) = &mut self.info.limits {
            limits.max_document_bytes = max_document_bytes;
            limits.max_batch_documents = max_batch_documents;
        }
        self
    }

    /// The BCP-47 codes of the languages this server fully supports.
    pub fn with_supported_languages(
        mut self,
        languages: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.info.supported_languages = languages.into_iter().map(Into::into).collect();
        self
    }

    /// Health reports the services added with [`Server::add_service`], and
    /// the server as a whole, NOT_SERVING until `readiness` is ready (a
    /// model loading in the background); Info adds the models it reports.
    pub fn with_readiness(mut self, readiness: Readiness) -> Self {
        self.readiness = Some(readiness);
        self
    }

    /// Serves a tonic service; health reports it by its name. Set its
    /// message size limits from [`ServerConfig::max_message_bytes`] first.
    pub fn add_service<S>(mut self, service: S) -> Self
    where
        S: tower::Service<http::Request<tonic::body::Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: IntoResponse,
        S::Future: Send + 'static,
    {
        self.grpc_services.push(S::NAME);
        self.routes.add_service(service);
        self
    }

    /// Serves HTTP requests for `path` on the same port.
    pub fn add_http_route(
        mut self,
        path: &'static str,
        route: axum::routing::MethodRouter,
    ) -> Self {
        self.http = self.http.route(path, route);
        self.http_paths.push(path.to_owned());
        self
    }

    /// Serves until `shutdown` completes, then marks every service
    /// NOT_SERVING, stops accepting connections and lets in-flight calls
    /// finish for at most [`ServerConfig::shutdown_grace`].
    pub async fn serve<F>(self, listener: TcpListener, shutdown: F) -> Result<(), Error>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let Server {
            name,
            config,
            mut routes,
            mut grpc_services,
            http,
            mut http_paths,
            info,
            readiness,
            max_http_body,
            public_paths,
        } = self;
        let address = listener.local_addr()?;

        routes.add_service(InfoServer::new(InfoService {
            info,
            readiness: readiness.clone(),
        }));
        // The services that wait for readiness: the service's own and the
        // server as a whole; Info can always answer.
        let gated: Vec<&'static str> = match &readiness {
            Some(_) => grpc_services.iter().copied().chain([""]).collect(),
            None => Vec::new(),
        };
        grpc_services.push(copydesk_proto::service_names::INFO);

        let (reporter, health) = tonic_health::server::health_reporter();
        for service in grpc_services.iter().chain(&[""]) {
            let status = if gated.contains(service) {
                ServingStatus::NotServing
            } else {
                ServingStatus::Serving
            };
            reporter.set_service_status(service, status).await;
        }
        let gate = HealthGate::default();
        let follower = readiness.map(|readiness| {
            tokio::spawn(
                gate.clone()
                    .follow(readiness, reporter.clone(), gated.clone()),
            )
        });
        routes.add_service(health);

        let mut reflection_v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(copydesk_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            // Each version also describes the other, which it lists.
            .register_encoded_file_descriptor_set(
                tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
            );
        let mut reflection_v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(copydesk_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET);
        // List what this server serves, not every service of the contract.
        for service in grpc_services
            .iter()
            .chain(&[HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA])
        {
            reflection_v1 = reflection_v1.with_service_name(*service);
            reflection_v1alpha = reflection_v1alpha.with_service_name(*service);
        }
        routes.add_service(reflection_v1.build_v1()?);
        routes.add_service(reflection_v1alpha.build_v1alpha()?);

        http_paths.push("/metrics".to_owned());
        let router = routes
            .routes()
            .into_axum_router()
            .merge(http.route("/metrics", axum::routing::get(metrics_endpoint)))
            .fallback(no_route);

        let known = KnownPaths {
            grpc_services: grpc_services
                .iter()
                .chain(&[HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA])
                .map(|s| (*s).to_owned())
                .collect(),
            http_paths,
        };
        let layers = ServiceBuilder::new()
            // On every answer, refusals included: browsers must not guess a
            // JSON or text body's type.
            .map_response(|mut response: http::Response<tonic::body::Body>| {
                response.headers_mut().insert(
                    http::header::X_CONTENT_TYPE_OPTIONS,
                    http::HeaderValue::from_static("nosniff"),
                );
                response
            })
            // Around the metrics too, so that every layer's logs carry the trace.
            .layer(TraceLayer::new(name))
            // Outside the rest, so it sees shed requests and rewritten statuses as
            // the caller does.
            .layer(MetricsLayer::new(name, known))
            // Before anything is read or admitted for a caller without the token.
            .option_layer(
                config
                    .auth_token
                    .as_deref()
                    .map(|token| AuthLayer::new(token, public_paths)),
            )
            // Before the body is read: a gRPC deadline covers its arrival.
            // HTTP requests lose the header here.
            .layer(GrpcDeadlineLayer)
            // Before any work is done for a request that will be refused; it
            // also reads unary bodies whole, so a slow one holds no slot.
            .layer(ShedLayer::new(
                name,
                Admission::new(config.max_concurrent_requests, config.max_inflight_bytes),
                config.request_body_timeout(),
                config.max_message_bytes,
                max_http_body,
            ))
            // Closest to the codec whose status it corrects.
            .layer(DecodeErrorLayer);

        let health_reporter = reporter.clone();
        let statuses: Vec<&'static str> = grpc_services.clone();
        let shutdown_gate = gate.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!(server = name, "shutting down: draining in-flight calls");
            let statuses: Vec<&'static str> = statuses.into_iter().chain([""]).collect();
            shutdown_gate.shut(&health_reporter, &statuses).await;
        };

        let tls = config.tls_acceptor()?;
        if tls.is_some() {
            tracing::info!(server = name, "TLS on");
        }
        let settings = ConnectionSettings {
            first_request_timeout: config.first_request_timeout(),
            http2_keepalive: (config.http2_keepalive_secs > 0)
                .then(|| Duration::from_secs(config.http2_keepalive_secs)),
            http2_keepalive_timeout: Duration::from_secs(config.http2_keepalive_timeout_secs),
            max_connection_age: (config.max_connection_age_secs > 0)
                .then(|| Duration::from_secs(config.max_connection_age_secs)),
            tls,
        };
        tracing::info!(server = name, %address, "serving gRPC and HTTP");
        let service = layers.service(Routes::from(router).prepare());
        listen::serve(
            listener,
            service,
            settings,
            signal,
            config.shutdown_grace(),
            name,
        )
        .await;
        if let Some(follower) = follower {
            follower.abort();
        }
        tracing::info!(server = name, "stopped");
        Ok(())
    }
}

async fn no_route(request: axum::extract::Request) -> axum::response::Response {
    if is_grpc(request.headers()) {
        let status =
            tonic::Status::unimplemented(format!("no gRPC method {}", request.uri().path()));
        return status.into_http::<axum::body::Body>().into_response();
    }
    let body = axum::Json(serde_json::json!({
        "code": tonic::Code::NotFound as i32,
        "message": format!("no route for {} {}", request.method(), request.uri().path()),
    }));
    (http::StatusCode::NOT_FOUND, body).into_response()
}
