//! `copydesk-bench`: the load generator (see the crate's documentation and
//! README's Performance section). `copydesk bench` is the same command.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use copydesk_bench::BenchArgs;

/// Sends BBC News articles to Copydesk at fixed concurrency levels and
/// prints throughput, latency percentiles, errors and each server's CPU time.
#[derive(Debug, Parser)]
#[command(name = "copydesk-bench", version)]
struct Cli {
    #[command(flatten)]
    bench: BenchArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("copydesk-bench: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(copydesk_bench::run(cli.bench)) {
        Ok(reports) if reports.iter().all(|r| r.errors == 0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("copydesk-bench: {error:#}");
            ExitCode::from(2)
        }
    }
}
