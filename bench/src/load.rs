//! The load: N calls in flight, each taking the next article, until a
//! document count or a deadline; latency of every call, errors, and the CPU
//! time every process spent meanwhile.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use copydesk_proto::client_status::deadline_status;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::entity_recognizer_client::EntityRecognizerClient;
use copydesk_proto::v1::segmenter_client::SegmenterClient;
use copydesk_proto::v1::sentiment_analyzer_client::SentimentAnalyzerClient;
use copydesk_proto::v1::{
    AnalyzeRequest, AnnotateRequest, ContentType, Document, Features, OffsetEncoding,
    RecognizeRequest, SegmentRequest,
};
use tonic::transport::Channel;

use crate::corpus::Article;
use crate::inprocess::Engines;
use crate::stats::{Latency, cpu_time, resident_memory};
use crate::suite::Addresses;

/// Where the documents go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// The gateway's gRPC `Annotate`, every feature: the whole pipeline.
    Gateway,
    /// The gateway's `POST /v1/annotate` (HTTP/JSON), every feature.
    Http,
    /// The segmenter's `Segment`, directly.
    Segmenter,
    /// The entity service's `Recognize`, given the segmentation (as the
    /// gateway sends it).
    Entities,
    /// The sentiment service's `Analyze`, given the segmentation and the
    /// entities (as the gateway sends them).
    Sentiment,
    /// The three engines called in this process, no gRPC, no JSON: the
    /// same work as `gateway`.
    InProcess,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Gateway => "gateway (gRPC)",
            Target::Http => "gateway (HTTP/JSON)",
            Target::Segmenter => "segmenter",
            Target::Entities => "entities",
            Target::Sentiment => "sentiment",
            Target::InProcess => "in-process engines",
        }
    }
}

/// When a run stops: after `count` documents or at `duration`, whichever
/// comes first (at least one of them is set).
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub count: Option<usize>,
    pub duration: Option<Duration>,
}

/// CPU time one process spent during a run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProcessCpu {
    pub process: String,
    pub cpu_s: f64,
    /// `cpu_s` over the run's wall time: cores kept busy.
    pub cores: f64,
}

/// One run at one concurrency.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub target: Target,
    pub concurrency: usize,
    pub documents: usize,
    pub words: usize,
    pub errors: usize,
    pub elapsed_s: f64,
    pub docs_per_s: f64,
    pub words_per_s: f64,
    pub latency: Latency,
    pub cpu: Vec<ProcessCpu>,
    /// CPU of the servers (or of the in-process engines) per document, ms.
    pub server_cpu_ms_per_doc: f64,
    /// The first error's message, if any.
    pub first_error: Option<String>,
    /// Errors by kind: the gRPC code, the HTTP status, or `partial` for an
    /// answer in which a feature failed.
    pub errors_by_kind: BTreeMap<String, usize>,
    /// Peak and current memory of each server process at the end of the
    /// run (the peak is the process's whole life so far).
    pub memory: Vec<ProcessMemory>,
}

/// Resident memory of one process.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProcessMemory {
    pub process: String,
    /// `VmHWM`: the most the process has held.
    pub peak_mb: f64,
    /// `VmRSS`: what it holds now.
    pub now_mb: f64,
}

/// The memory of `processes`, where procfs tells.
pub fn memory_of(processes: &[(String, u32)]) -> Vec<ProcessMemory> {
    processes
        .iter()
        .filter_map(|(name, pid)| {
            let (peak, now) = resident_memory(*pid)?;
            Some(ProcessMemory {
                process: name.clone(),
                peak_mb: peak,
                now_mb: now,
            })
        })
        .collect()
}

/// A prepared call for one article.
#[derive(Clone)]
enum Call {
    Gateway(AnnotatorClient<Channel>, Arc<Vec<AnnotateRequest>>),
    Http(reqwest::Client, String, Arc<Vec<Vec<u8>>>),
    Segmenter(SegmenterClient<Channel>, Arc<Vec<SegmentRequest>>),
    Entities(EntityRecognizerClient<Channel>, Arc<Vec<RecognizeRequest>>),
    Sentiment(SentimentAnalyzerClient<Channel>, Arc<Vec<AnalyzeRequest>>),
}

/// Why a call did not count: its kind (for the tally) and its message.
#[derive(Debug)]
struct Failure {
    kind: String,
    message: String,
}

impl Failure {
    fn status(status: tonic::Status) -> Self {
        Failure {
            kind: format!("{:?}", status.code()),
            message: format!("{:?}: {}", status.code(), status.message()),
        }
    }

    fn other(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

/// `message` as a call with the client's deadline, if it has one.
fn with_deadline<T>(message: T, deadline: Option<Duration>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    request
}

impl Call {
    async fn call(&mut self, index: usize, deadline: Option<Duration>) -> Result<(), Failure> {
        let started = Instant::now();
        let failure = |status: tonic::Status| {
            Failure::status(match deadline {
                Some(deadline) => {
                    deadline_status(status, started.elapsed(), deadline, &"the server")
                }
                None => status,
            })
        };
        match self {
            Call::Gateway(client, requests) => {
                let response = client
                    .annotate(with_deadline(requests[index].clone(), deadline))
                    .await
                    .map_err(failure)?
                    .into_inner();
                match response.errors.first() {
                    None => Ok(()),
                    Some(e) => Err(Failure::other(
                        format!(
                            "partial ({} {:?})",
                            e.feature,
                            tonic::Code::from_i32(e.code)
                        ),
                        format!("feature {}: {}", e.feature, e.message),
                    )),
                }
            }
            Call::Http(client, url, bodies) => {
                let mut post = client
                    .post(url.as_str())
                    .header("content-type", "application/json")
                    .body(bodies[index].clone());
                if let Some(deadline) = deadline {
                    post = post.timeout(deadline);
                }
                let response = post.send().await.map_err(|e| {
                    let kind = if e.is_timeout() {
                        "timeout"
                    } else {
                        "transport"
                    };
                    Failure::other(kind, e.to_string())
                })?;
                let code = response.status();
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| Failure::other("transport", e.to_string()))?;
                if !code.is_success() {
                    return Err(Failure::other(
                        format!("HTTP {}", code.as_u16()),
                        format!("HTTP {code}: {}", String::from_utf8_lossy(&body)),
                    ));
                }
                // A key of the compact JSON answer (an unescaped quote
                // cannot be inside a string) holding at least one error.
                if body.windows(11).any(|w| w == b"\"errors\":[{") {
                    return Err(Failure::other("partial", "a feature failed"));
                }
                Ok(())
            }
            Call::Segmenter(client, requests) => client
                .segment(with_deadline(requests[index].clone(), deadline))
                .await
                .map(drop)
                .map_err(failure),
            Call::Entities(client, requests) => client
                .recognize(with_deadline(requests[index].clone(), deadline))
                .await
                .map(drop)
                .map_err(failure),
            Call::Sentiment(client, requests) => client
                .analyze(with_deadline(requests[index].clone(), deadline))
                .await
                .map(drop)
                .map_err(failure),
        }
    }
}

/// Every message may be large: a segmentation is several times its text.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

async fn channel(url: &str) -> anyhow::Result<Channel> {
    tonic::transport::Endpoint::from_shared(url.to_owned())?
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("cannot connect to {url}"))
}

fn document(article: &Article) -> Document {
    Document {
        id: article.id.clone(),
        text: article.text.clone(),
        ..Default::default()
    }
}

/// The article as the gateway gets it: its text, or with `html` the page a
/// CMS would store (`corpus::as_html`).
fn gateway_document(article: &Article, html: bool) -> Document {
    if html {
        Document {
            text: crate::corpus::as_html(&article.text),
            content_type: ContentType::Html as i32,
            ..document(article)
        }
    } else {
        document(article)
    }
}

fn required<'a>(address: &'a Option<String>, what: &str) -> anyhow::Result<&'a str> {
    address
        .as_deref()
        .ok_or_else(|| anyhow!("the {what} address is needed for this target"))
}

/// Every feature; knowledge-base links only when `links` (off by default,
/// so that runs compare with the figures measured before there were links).
pub fn all_features(links: bool) -> Features {
    Features {
        segmentation: true,
        entities: true,
        document_sentiment: true,
        sentence_sentiment: true,
        entity_sentiment: true,
        links,
    }
}

/// Builds the requests for `target`. Entities and sentiment get what the
/// gateway would send them, asked of the segmenter and the entity service
/// here once per article, before the clock starts.
async fn prepare(
    target: Target,
    addresses: &Addresses,
    articles: &[Article],
    options: CallOptions,
) -> anyhow::Result<Call> {
    let utf8 = OffsetEncoding::Utf8 as i32;
    match target {
        Target::InProcess => Err(anyhow!("in-process runs are not calls")),
        Target::Gateway => {
            let client =
                AnnotatorClient::new(channel(required(&addresses.gateway, "gateway")?).await?)
                    .max_decoding_message_size(MAX_MESSAGE_BYTES);
            let requests = articles
                .iter()
                .map(|a| AnnotateRequest {
                    document: Some(gateway_document(a, options.html)),
                    features: Some(all_features(options.links)),
                    encoding: utf8,
                })
                .collect();
            Ok(Call::Gateway(client, Arc::new(requests)))
        }
        Target::Http => {
            let gateway = required(&addresses.gateway, "gateway")?;
            let client = reqwest::Client::builder()
                .tcp_nodelay(true)
                .build()
                .context("cannot build the HTTP client")?;
            let bodies = articles
                .iter()
                .map(|a| {
                    serde_json::to_vec(&AnnotateRequest {
                        document: Some(gateway_document(a, options.html)),
                        features: Some(all_features(options.links)),
                        encoding: utf8,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call::Http(
                client,
                format!("{}/v1/annotate", gateway.trim_end_matches('/')),
                Arc::new(bodies),
            ))
        }
        Target::Segmenter | Target::Entities | Target::Sentiment => {
            let mut segmenter =
                SegmenterClient::new(channel(required(&addresses.segmenter, "segmenter")?).await?)
                    .max_decoding_message_size(MAX_MESSAGE_BYTES);
            let segment_requests: Vec<SegmentRequest> = articles
                .iter()
                .map(|a| SegmentRequest {
                    document: Some(document(a)),
                    encoding: utf8,
                })
                .collect();
            if target == Target::Segmenter {
                return Ok(Call::Segmenter(segmenter, Arc::new(segment_requests)));
            }
            let mut segmentations = Vec::with_capacity(articles.len());
            for request in &segment_requests {
                let response = segmenter
                    .segment(request.clone())
                    .await
                    .context("segmenting the articles for the direct calls")?;
                segmentations.push(response.into_inner().segmentation);
            }
            let mut entities = EntityRecognizerClient::new(
                channel(required(&addresses.entities, "entities")?).await?,
            )
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
            let recognize_requests: Vec<RecognizeRequest> = articles
                .iter()
                .zip(&segmentations)
                .map(|(a, s)| RecognizeRequest {
                    document: Some(document(a)),
                    encoding: utf8,
                    segmentation: s.clone(),
                })
                .collect();
            if target == Target::Entities {
                return Ok(Call::Entities(entities, Arc::new(recognize_requests)));
            }
            let mut analyze_requests = Vec::with_capacity(articles.len());
            for (request, segmentation) in recognize_requests.into_iter().zip(segmentations) {
                let document = request.document.clone();
                let found = entities
                    .recognize(request)
                    .await
                    .context("recognising the articles' entities for the direct calls")?
                    .into_inner()
                    .entities;
                analyze_requests.push(AnalyzeRequest {
                    document,
                    encoding: utf8,
                    segmentation,
                    entities: found,
                });
            }
            let client = SentimentAnalyzerClient::new(
                channel(required(&addresses.sentiment, "sentiment")?).await?,
            )
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
            Ok(Call::Sentiment(client, Arc::new(analyze_requests)))
        }
    }
}

/// What each worker saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    words: usize,
    errors: usize,
    first_error: Option<String>,
    errors_by_kind: BTreeMap<String, usize>,
}

impl Tally {
    fn record(&mut self, started: Instant, words: usize, result: Result<(), Failure>) {
        match result {
            Ok(()) => {
                self.latencies.push(started.elapsed());
                self.words += words;
            }
            Err(failure) => {
                self.errors += 1;
                *self.errors_by_kind.entry(failure.kind).or_default() += 1;
                self.first_error.get_or_insert(failure.message);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.words += other.words;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        for (kind, n) in other.errors_by_kind {
            *self.errors_by_kind.entry(kind).or_default() += n;
        }
    }
}

/// Hands out article indices until the bound.
struct Dispenser {
    next: AtomicUsize,
    count: usize,
    deadline: Option<Instant>,
    articles: usize,
}

impl Dispenser {
    fn new(bound: Bound, articles: usize) -> Self {
        Dispenser {
            next: AtomicUsize::new(0),
            count: bound.count.unwrap_or(usize::MAX),
            deadline: bound.duration.map(|d| Instant::now() + d),
            articles: articles.max(1),
        }
    }

    fn take(&self) -> Option<usize> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        (n < self.count).then_some(n % self.articles)
    }
}

/// CPU snapshots of the processes a run is charged to.
struct CpuWatch {
    processes: Vec<(String, u32, Option<Duration>)>,
}

impl CpuWatch {
    fn start(processes: &[(String, u32)]) -> Self {
        CpuWatch {
            processes: processes
                .iter()
                .map(|(name, pid)| (name.clone(), *pid, cpu_time(*pid)))
                .collect(),
        }
    }

    fn finish(self, wall: Duration) -> Vec<ProcessCpu> {
        self.processes
            .into_iter()
            .filter_map(|(name, pid, before)| {
                let spent = cpu_time(pid)?.checked_sub(before?)?.as_secs_f64();
                Some(ProcessCpu {
                    process: name,
                    cpu_s: spent,
                    cores: spent / wall.as_secs_f64().max(1e-9),
                })
            })
            .collect()
    }
}

fn report(
    target: Target,
    concurrency: usize,
    mut tally: Tally,
    wall: Duration,
    cpu: Vec<ProcessCpu>,
    memory: Vec<ProcessMemory>,
) -> Report {
    let documents = tally.latencies.len();
    let secs = wall.as_secs_f64().max(1e-9);
    let server_cpu: f64 = cpu
        .iter()
        .filter(|p| p.process != CLIENT)
        .map(|p| p.cpu_s)
        .sum();
    Report {
        target,
        concurrency,
        documents,
        words: tally.words,
        errors: tally.errors,
        elapsed_s: secs,
        docs_per_s: documents as f64 / secs,
        words_per_s: tally.words as f64 / secs,
        latency: Latency::of(&mut tally.latencies),
        cpu,
        server_cpu_ms_per_doc: if documents == 0 {
            0.0
        } else {
            server_cpu * 1e3 / documents as f64
        },
        first_error: tally.first_error,
        errors_by_kind: tally.errors_by_kind,
        memory,
    }
}

/// The name of this process in the CPU columns.
pub const CLIENT: &str = "client";

/// A prepared target: calls ready to go, or engines loaded.
pub struct Prepared(Ready);

/// How each call is made.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallOptions {
    /// The client's deadline on every call (gRPC `grpc-timeout`, the HTTP
    /// client's timeout).
    pub deadline: Option<Duration>,
    /// Whether gateway calls ask for knowledge-base links too.
    pub links: bool,
    /// Whether gateway calls send each article as an HTML page.
    pub html: bool,
}

enum Ready {
    Calls(Call),
    Engines(Arc<Engines>),
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Ready::Calls(_) => "Prepared(calls)",
            Ready::Engines(_) => "Prepared(engines)",
        })
    }
}

/// Prepares `target` (connects, builds the requests, loads the engines).
pub async fn prepare_target(
    target: Target,
    addresses: &Addresses,
    articles: &[Article],
    models_dir: &std::path::Path,
    options: CallOptions,
) -> anyhow::Result<Prepared> {
    if target == Target::InProcess {
        let dir = models_dir.to_owned();
        let engines = tokio::task::spawn_blocking(move || Engines::load(&dir)).await??;
        return Ok(Prepared(Ready::Engines(Arc::new(engines))));
    }
    Ok(Prepared(Ready::Calls(
        prepare(target, addresses, articles, options).await?,
    )))
}

/// Runs `concurrency` workers over `articles` until `bound`; the CPU time of
/// `processes` (and of this process, as `client`) is measured around it.
pub async fn run(
    target: Target,
    prepared: &Prepared,
    articles: &Arc<Vec<Article>>,
    concurrency: usize,
    bound: Bound,
    options: CallOptions,
    processes: &[(String, u32)],
) -> anyhow::Result<Report> {
    let concurrency = concurrency.max(1);
    let mut watched = processes.to_vec();
    let client_name = if target == Target::InProcess {
        "in-process"
    } else {
        CLIENT
    };
    watched.push((client_name.to_owned(), std::process::id()));
    let dispenser = Arc::new(Dispenser::new(bound, articles.len()));
    let cpu = CpuWatch::start(&watched);
    let started = Instant::now();
    let mut total = Tally::default();
    match &prepared.0 {
        Ready::Calls(call) => {
            let mut workers = Vec::with_capacity(concurrency);
            for _ in 0..concurrency {
                let mut call = call.clone();
                let dispenser = Arc::clone(&dispenser);
                let articles = Arc::clone(articles);
                workers.push(tokio::spawn(async move {
                    let mut tally = Tally::default();
                    while let Some(index) = dispenser.take() {
                        let t = Instant::now();
                        let result = call.call(index, options.deadline).await;
                        tally.record(t, articles[index].words, result);
                    }
                    tally
                }));
            }
            for worker in workers {
                total.merge(worker.await?);
            }
        }
        Ready::Engines(engines) => {
            let engines = Arc::clone(engines);
            let articles = Arc::clone(articles);
            let dispenser = Arc::clone(&dispenser);
            total = tokio::task::spawn_blocking(move || {
                std::thread::scope(|scope| {
                    let workers: Vec<_> = (0..concurrency)
                        .map(|_| {
                            scope.spawn(|| {
                                let mut tally = Tally::default();
                                while let Some(index) = dispenser.take() {
                                    let t = Instant::now();
                                    let result = engines
                                        .annotate(&articles[index].text)
                                        .map_err(|e| Failure::other("engine", e));
                                    tally.record(t, articles[index].words, result);
                                }
                                tally
                            })
                        })
                        .collect();
                    let mut total = Tally::default();
                    for worker in workers {
                        match worker.join() {
                            Ok(tally) => total.merge(tally),
                            Err(_) => total.merge(Tally {
                                errors: 1,
                                first_error: Some("a worker thread panicked".into()),
                                ..Tally::default()
                            }),
                        }
                    }
                    total
                })
            })
            .await?;
        }
    }
    let wall = started.elapsed();
    let memory = memory_of(processes);
    Ok(report(
        target,
        concurrency,
        total,
        wall,
        cpu.finish(wall),
        memory,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispenser_stops_at_the_count_and_cycles_the_articles() {
        let dispenser = Dispenser::new(
            Bound {
                count: Some(5),
                duration: None,
            },
            2,
        );
        let taken: Vec<usize> = std::iter::from_fn(|| dispenser.take()).collect();
        assert_eq!(taken, [0, 1, 0, 1, 0]);
    }

    #[test]
    fn dispenser_stops_at_the_deadline() {
        let dispenser = Dispenser::new(
            Bound {
                count: None,
                duration: Some(Duration::ZERO),
            },
            3,
        );
        assert_eq!(dispenser.take(), None);
    }

    #[test]
    fn report_counts_only_successes_as_throughput() {
        let mut tally = Tally::default();
        let t = Instant::now();
        tally.record(t, 100, Ok(()));
        tally.record(t, 50, Err(Failure::other("DeadlineExceeded", "boom")));
        tally.record(t, 300, Ok(()));
        tally.record(t, 70, Err(Failure::other("partial", "feature links")));
        let cpu = vec![
            ProcessCpu {
                process: "gateway".into(),
                cpu_s: 0.5,
                cores: 0.25,
            },
            ProcessCpu {
                process: CLIENT.into(),
                cpu_s: 1.0,
                cores: 0.5,
            },
        ];
        let r = report(
            Target::Gateway,
            4,
            tally,
            Duration::from_secs(2),
            cpu,
            vec![],
        );
        assert_eq!((r.documents, r.words, r.errors), (2, 400, 2));
        let kinds: Vec<(&str, usize)> = r
            .errors_by_kind
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        assert_eq!(kinds, [("DeadlineExceeded", 1), ("partial", 1)]);
        assert_eq!(r.docs_per_s, 1.0);
        assert_eq!(r.words_per_s, 200.0);
        assert_eq!(r.server_cpu_ms_per_doc, 250.0);
        assert_eq!(r.first_error.as_deref(), Some("boom"));
    }
}
