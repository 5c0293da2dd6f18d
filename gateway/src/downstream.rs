//! What every call from the gateway to another service shares: channels
//! that connect lazily (the gateway starts and answers while a service is
//! down), message limits, HTTP/2 keepalive, optional TLS, a concurrency
//! limit that sheds instead of queueing, retries within a budget, and a
//! timeout taken from the caller's deadline.
//!
//! A service may have several addresses (a comma-separated list, or a DNS
//! name re-resolved every `resolve_interval`, as Docker Compose replicas
//! behind one name are). Calls go round-robin over them, and an address
//! whose call failed in a way that is retried (UNAVAILABLE, a broken
//! connection) is skipped for [`EJECT_FOR`], so a dead replica costs one
//! retry, not every other call. This is done here rather than
//! with tower's balancer because that one drops an endpoint for good once
//! its connection fails, and the gateway must go back to a replica that
//! restarts.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use copydesk_proto::client_status::{deadline_status, is_retryable, not_answered};
use http::Uri;
use tokio::sync::Semaphore;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};
use tonic::{Request, Response, Status};

use crate::deadline::downstream_timeout;
use crate::encoded;
use crate::error::Error;
use crate::retry::{self, RetryBudget, RetryPolicy};

/// How long to wait for a TCP connection: a host that does not answer
/// should cost a feature, not the caller's whole deadline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long an address whose call failed in a way that is retried is passed
/// over while the service has other addresses.
pub const EJECT_FOR: Duration = Duration::from_secs(2);

/// How the gateway talks to every service.
#[derive(Clone, Debug)]
pub struct DownstreamSettings {
    pub max_message_bytes: usize,
    /// The timeout of a call when the caller set no deadline.
    pub default_timeout: Duration,
    pub retry: RetryPolicy,
    /// Calls in flight at once per service; 0: no limit.
    pub max_concurrent: usize,
    /// HTTP/2 PING interval on idle and busy connections; zero: off.
    pub keepalive_interval: Duration,
    /// How long a PING may go unanswered before the connection is dropped.
    pub keepalive_timeout: Duration,
    /// How often DNS names are resolved again.
    pub resolve_interval: Duration,
    /// TLS for `https://` addresses.
    pub tls: Option<ClientTlsConfig>,
    /// `authorization` sent on every call, for services run with a token.
    pub authorization: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
}

impl Default for DownstreamSettings {
    fn default() -> Self {
        DownstreamSettings {
            max_message_bytes: copydesk_runtime::DEFAULT_MAX_MESSAGE_BYTES,
            default_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_concurrent: 0,
            keepalive_interval: Duration::from_secs(10),
            keepalive_timeout: Duration::from_secs(5),
            resolve_interval: Duration::from_secs(10),
            tls: None,
            authorization: None,
        }
    }
}

/// One service the gateway calls.
#[derive(Clone, Debug)]
pub struct Downstream {
    /// The service's name in messages ("segmenter", "entities", "sentiment").
    pub name: &'static str,
    pub max_message_bytes: usize,
    default_timeout: Duration,
    retry: RetryPolicy,
    budget: Arc<RetryBudget>,
    limit: Option<(usize, Arc<Semaphore>)>,
    pool: Arc<Pool>,
    authorization: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
}

impl Downstream {
    /// Lazily connected channels to `addresses` (comma-separated); they
    /// reconnect after failures. DNS names are resolved again in the
    /// background while the `Downstream` lives.
    pub fn connect_lazy(
        name: &'static str,
        addresses: &str,
        settings: &DownstreamSettings,
    ) -> Result<Self, Error> {
        let bad = |source: BadAddress| Error::Address {
            service: name,
            address: addresses.to_owned(),
            source,
        };
        let configured = addresses
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| a.parse::<Uri>().map_err(|e| bad(BadAddress::Uri(e))))
            .collect::<Result<Vec<_>, _>>()?;
        if configured.is_empty() {
            return Err(bad(BadAddress::Empty));
        }
        let connector = Connector {
            settings: settings.clone(),
        };
        let targets = configured
            .iter()
            .map(|uri| connector.target(uri.clone(), None).map_err(bad))
            .collect::<Result<Vec<_>, _>>()?;
        let pool = Arc::new(Pool {
            targets: RwLock::new(targets),
            next: AtomicUsize::new(0),
        });
        let has_names = configured
            .iter()
            .any(|uri| uri.host().is_some_and(|h| !is_ip(h)));
        if has_names && !settings.resolve_interval.is_zero() {
            // Only where a runtime runs (the server's); without one the
            // names are resolved by each connection attempt instead.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(resolve_forever(
                    name,
                    Arc::downgrade(&pool),
                    configured,
                    connector,
                ));
            }
        }
        let limit = (settings.max_concurrent > 0).then(|| {
            (
                settings.max_concurrent,
                Arc::new(Semaphore::new(settings.max_concurrent)),
            )
        });
        Ok(Downstream {
            name,
            max_message_bytes: settings.max_message_bytes,
            default_timeout: settings.default_timeout,
            retry: settings.retry,
            budget: Arc::new(settings.retry.budget()),
            limit,
            pool,
            authorization: settings.authorization.clone(),
        })
    }

    /// The addresses calls currently go to.
    pub fn addresses(&self) -> Vec<String> {
        self.pool.read().iter().map(|t| t.uri.to_string()).collect()
    }

    /// Calls the unary method `path` ("/copydesk.v1.Segmenter/Segment")
    /// with `message`, a request encoded once ([`crate::encoded`]) that
    /// every attempt resends, with the time the caller has left, on one of
    /// the service's addresses. Refused at once with RESOURCE_EXHAUSTED
    /// when the service's concurrency limit is reached (a queue would only
    /// turn overload into timeouts). UNAVAILABLE and broken connections are
    /// retried, on the next address, while the budget and the deadline
    /// allow.
    pub async fn unary<U: prost::Message + Default + Send + 'static>(
        &self,
        path: &'static str,
        message: Bytes,
        deadline: Option<Instant>,
    ) -> Result<U, Status> {
        // The latency of the whole call, retries included, as the caller sees it.
        let _timer = copydesk_runtime::StageTimer::start(crate::SERVER_NAME, self.name);
        // Held across the retries: one logical call, one slot.
        let _permit = match &self.limit {
            None => None,
            Some((limit, permits)) => match Arc::clone(permits).try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    crate::metrics::shed(self.name);
                    return Err(Status::resource_exhausted(format!(
                        "the gateway already has {limit} calls in flight to the {} service (--downstream-max-concurrency / COPYDESK_DOWNSTREAM_MAX_CONCURRENCY)",
                        self.name
                    )));
                }
            },
        };
        self.budget.deposit();
        let mut retries = 0;
        loop {
            let Some(target) = self.pool.pick() else {
                let status =
                    Status::unavailable(format!("no address known for the {} service", self.name));
                crate::metrics::downstream_failed(self.name, &status);
                return Err(status);
            };
            let result = self
                .call_once(message.clone(), deadline, |request| {
                    encoded::unary(
                        target.channel.clone(),
                        path,
                        request,
                        self.max_message_bytes,
                    )
                })
                .await;
            let status = match result {
                Ok(answer) => return Ok(answer),
                Err(status) => status,
            };
            // Failed for good: counted and logged, unless the caller's own
            // request was at fault.
            let give_up = |status: Status| {
                if status.code() != tonic::Code::InvalidArgument {
                    crate::metrics::downstream_failed(self.name, &status);
                }
                Err(status)
            };
            if !is_retryable(&status) {
                return give_up(status);
            }
            target.eject();
            crate::metrics::ejected(self.name, &target.uri, &status);
            if retries + 1 >= self.retry.max_attempts {
                return give_up(status);
            }
            let backoff = self.retry.backoff(retries);
            if !retry::fits_deadline(deadline, backoff) || !self.budget.withdraw() {
                return give_up(status);
            }
            crate::metrics::retried(self.name);
            tracing::debug!(service = self.name, retry = retries + 1, ?backoff, error = %status.message(), "retrying");
            tokio::time::sleep(backoff).await;
            retries += 1;
        }
    }

    /// One attempt. The `grpc-timeout` header makes the service give up
    /// too; the local timer covers a service that does not answer at all.
    async fn call_once<T, F, Fut>(
        &self,
        message: Bytes,
        deadline: Option<Instant>,
        call: F,
    ) -> Result<T, Status>
    where
        F: FnOnce(Request<Bytes>) -> Fut,
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
        // W3C trace context: the service's spans become this call's children.
        copydesk_telemetry::inject_current(request.metadata_mut());
        if let Some(authorization) = &self.authorization {
            request
                .metadata_mut()
                .insert("authorization", authorization.clone());
        }
        let started = Instant::now();
        let answer = tokio::time::timeout(timeout, call(request)).await;
        let what = format_args!("the {} service", self.name);
        match answer {
            // tonic's channel enforces the same timeout and may fire first,
            // as CANCELLED: it is the deadline all the same.
            Ok(Err(status)) => Err(deadline_status(status, started.elapsed(), timeout, &what)),
            Ok(Ok(response)) => Ok(response.into_inner()),
            Err(_) => Err(not_answered(&what, timeout)),
        }
    }
}

/// Why an address is not usable.
#[derive(Debug, thiserror::Error)]
pub enum BadAddress {
    #[error("no address given")]
    Empty,
    #[error("not a URI: {0}")]
    Uri(#[from] http::uri::InvalidUri),
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
}

/// Builds the channel for one address.
#[derive(Clone, Debug)]
struct Connector {
    settings: DownstreamSettings,
}

impl Connector {
    /// `uri`'s channel; `tls_name` is the name its certificate must carry
    /// when `uri` holds a resolved IP address instead.
    fn target(&self, uri: Uri, tls_name: Option<&str>) -> Result<Arc<Target>, BadAddress> {
        let settings = &self.settings;
        let mut endpoint = Endpoint::from(uri.clone())
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true);
        if !settings.keepalive_interval.is_zero() {
            // Pings find a peer that hung or vanished without closing the
            // connection, instead of each call waiting out its deadline.
            endpoint = endpoint
                .http2_keep_alive_interval(settings.keepalive_interval)
                .keep_alive_timeout(settings.keepalive_timeout)
                .keep_alive_while_idle(true);
        }
        if uri.scheme_str() == Some("https") {
            let mut tls = settings.tls.clone().unwrap_or_default();
            if let Some(name) = tls_name {
                tls = tls.domain_name(name);
            }
            endpoint = endpoint.tls_config(tls)?;
        }
        Ok(Arc::new(Target {
            uri,
            channel: endpoint.connect_lazy(),
            ejected_until: Mutex::new(None),
        }))
    }
}

/// One address of a service.
#[derive(Debug)]
struct Target {
    uri: Uri,
    channel: Channel,
    ejected_until: Mutex<Option<Instant>>,
}

impl Target {
    fn eject(&self) {
        *self
            .ejected_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + EJECT_FOR);
    }

    fn is_ejected(&self, now: Instant) -> bool {
        self.ejected_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|until| until > now)
    }
}

/// A service's addresses, called round-robin.
#[derive(Debug)]
struct Pool {
    /// Never empty: a failed resolution keeps what was there.
    targets: RwLock<Vec<Arc<Target>>>,
    next: AtomicUsize,
}

impl Pool {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Target>>> {
        self.targets.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next address not recently failed; when all have, the next one.
    /// `None` only if the pool is empty, which `connect_lazy` and `replace`
    /// rule out.
    fn pick(&self) -> Option<Arc<Target>> {
        let targets = self.read();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let count = targets.len();
        (0..count)
            .filter_map(|i| targets.get((start + i) % count))
            .find(|t| !t.is_ejected(now))
            .or_else(|| targets.get(start % count.max(1)))
            .cloned()
    }

    fn replace(&self, targets: Vec<Arc<Target>>) {
        if targets.is_empty() {
            return;
        }
        *self.targets.write().unwrap_or_else(PoisonError::into_inner) = targets;
    }
}

fn is_ip(host: &str) -> bool {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok()
}

/// Resolves the DNS names among a service's addresses every
/// `resolve_interval`, keeping the channels (and connections) of addresses
/// still present, until the service's `Downstream` is dropped. A name that
/// does not resolve keeps the addresses known before.
async fn resolve_forever(
    service: &'static str,
    pool: Weak<Pool>,
    configured: Vec<Uri>,
    connector: Connector,
) {
    let mut ticks = tokio::time::interval(connector.settings.resolve_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    'tick: loop {
        ticks.tick().await;
        let Some(pool) = pool.upgrade() else {
            return;
        };
        // (address to call, name its certificate carries)
        let mut wanted: Vec<(Uri, Option<String>)> = Vec::new();
        for uri in &configured {
            let host = uri.host().unwrap_or_default();
            if is_ip(host) {
                wanted.push((uri.clone(), None));
                continue;
            }
            let scheme = uri.scheme_str().unwrap_or("http");
            let port = uri
                .port_u16()
                .unwrap_or(if scheme == "https" { 443 } else { 80 });
            match tokio::net::lookup_host((host, port)).await {
                Ok(addresses) => {
                    for address in addresses {
                        if let Ok(resolved) = format!("{scheme}://{address}").parse::<Uri>() {
                            wanted.push((resolved, Some(host.to_owned())));
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(service, %host, %error, "cannot resolve; keeping the addresses known");
                    continue 'tick;
                }
            }
        }
        let current: Vec<Arc<Target>> = pool.read().clone();
        let mut next: Vec<Arc<Target>> = Vec::new();
        for (uri, name) in wanted {
            if next.iter().any(|t| t.uri == uri) {
                continue;
            }
            match current.iter().find(|t| t.uri == uri) {
                Some(kept) => next.push(Arc::clone(kept)),
                None => match connector.target(uri, name.as_deref()) {
                    Ok(target) => next.push(target),
                    Err(error) => tracing::warn!(service, %error, "cannot use a resolved address"),
                },
            }
        }
        let changed = next.len() != current.len()
            || next.iter().any(|t| !current.iter().any(|c| c.uri == t.uri));
        if changed && !next.is_empty() {
            let shown: Vec<String> = next.iter().map(|t| t.uri.to_string()).collect();
            tracing::info!(service, addresses = ?shown, "addresses changed");
            pool.replace(next);
        }
    }
}

#[cfg(test)]
mod tests;
