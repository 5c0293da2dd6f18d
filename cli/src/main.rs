//! `copydesk`: run the servers, analyse text against them, check their
//! health.

#![forbid(unsafe_code)]

mod analyze;
mod healthcheck;
mod inputs;
mod logging;
mod models;
mod serve;
mod shutdown;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Copydesk: self-hosted text analysis for newsrooms.
#[derive(Debug, Parser)]
#[command(name = "copydesk", version)]
struct Cli {
    /// How to write logs (to standard error).
    #[arg(long, env = "COPYDESK_LOG_FORMAT", value_enum, default_value_t = logging::LogFormat::Text, global = true)]
    log_format: logging::LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every server in this process (gateway on 50051, segmenter on
    /// 50052, entities on 50053, sentiment on 50054), talking gRPC to each
    /// other, until Ctrl-C or SIGTERM.
    // Boxed: its many flags would make every variant as large.
    Up(Box<serve::UpArgs>),
    /// Run one server per process (containers, Kubernetes).
    Serve {
        #[command(subcommand)]
        server: serve::ServeCommand,
    },
    /// Analyse files, directories, glob patterns or standard input with a
    /// running gateway (exit 0: all analysed; 1: some failed; 2: usage or
    /// connection error).
    Analyze(analyze::AnalyzeArgs),
    /// Exit 0 when a server (or one of its services) is SERVING, 1 otherwise.
    Healthcheck(healthcheck::HealthcheckArgs),
    /// Check the models the servers would load (exit 0: all load and match
    /// their checksums; 1 otherwise).
    Models(models::ModelsArgs),
    /// Load generator: BBC News articles (bench/fetch_corpus.sh) to the
    /// gateway or to each service at fixed concurrency levels, starting the
    /// four servers as processes unless given; prints documents/s, words/s,
    /// p50/p95/p99 latency, errors and each server's CPU time (exit 0: no
    /// errors; 1: some calls failed; 2: could not run).
    // Boxed: its many flags would make every variant as large.
    Bench(Box<copydesk_bench::BenchArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = matches!(
        cli.command,
        Command::Analyze(_) | Command::Healthcheck(_) | Command::Models(_) | Command::Bench(_)
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("copydesk: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The servers this process runs: each traces under its own service.name.
    let servers: &[&'static str] = match &cli.command {
        Command::Up(_) => &copydesk_telemetry::SERVERS,
        Command::Serve { server } => std::slice::from_ref(server.name()),
        Command::Analyze(_) | Command::Healthcheck(_) | Command::Models(_) | Command::Bench(_) => {
            &[]
        }
    };
    // Inside the runtime: the OTLP exporter connects from it. Declared after
    // the runtime, so dropped (flushing the traces) while it still runs.
    let _telemetry = {
        let _runtime = runtime.enter();
        match logging::init(cli.log_format, if quiet { "warn" } else { "info" }, servers) {
            Ok(guard) => guard,
            Err(error) => {
                eprintln!("copydesk: {error}");
                return ExitCode::FAILURE;
            }
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Up(args) => report(serve::up(*args).await),
            Command::Serve { server } => serve::serve(server).await,
            Command::Analyze(args) => analyze::run(args).await,
            Command::Healthcheck(args) => healthcheck::run(args).await,
            Command::Models(args) => models::run(args),
            Command::Bench(args) => bench(*args).await,
        }
    })
}

async fn bench(args: copydesk_bench::BenchArgs) -> ExitCode {
    match copydesk_bench::run(args).await {
        Ok(reports) if reports.iter().all(|r| r.errors == 0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("copydesk bench: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("copydesk: {error:#}");
            ExitCode::FAILURE
        }
    }
}
