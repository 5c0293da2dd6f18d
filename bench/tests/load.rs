//! The load generator against a real suite on 127.0.0.1 ephemeral ports
//! (servers in this process), a handful of documents, bounded by count.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use copydesk_bench::{BenchArgs, Target};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    bench: BenchArgs,
}

const STORIES: [(&str, &str, &str); 3] = [
    (
        "business",
        "001.txt",
        "Ad sales boost Time Warner profit\n\nQuarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.\n\nTime Warner said on Friday that it now owns 8% of search-engine Google.\n",
    ),
    (
        "politics",
        "001.txt",
        "Blair defends his record\n\nTony Blair told MPs in London on Wednesday that the government had kept its promises. Michael Howard, the Conservative leader, said the record was poor.\n",
    ),
    (
        "sport",
        "001.txt",
        "Owen delight at Real win\n\nMichael Owen scored twice as Real Madrid beat Valencia 2-0 in Spain's La Liga on Sunday, a result that delighted the England striker.\n",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_target_runs_a_counted_load_without_errors() {
    let corpus = tempfile::tempdir().unwrap();
    let mut words = 0;
    for (topic, name, text) in STORIES {
        std::fs::create_dir_all(corpus.path().join(topic)).unwrap();
        std::fs::write(corpus.path().join(topic).join(name), text).unwrap();
        words += text.split_whitespace().count();
    }
    let suite = copydesk_e2e::start_suite().await;
    let json = corpus.path().join("reports.json");
    let pid = format!("gateway={}", std::process::id());
    let models = copydesk_e2e::repository_models_dir();
    let cli = Cli::parse_from([
        "copydesk-bench",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--target",
        "gateway,http,segmenter,entities,sentiment,in-process",
        "--concurrency",
        "1,2",
        "--count",
        "6",
        "--warmup",
        "2",
        "--gateway",
        &suite.gateway.url(),
        "--segmenter",
        &suite.segmenter.url(),
        "--entities",
        &suite.entities.url(),
        "--sentiment",
        &suite.sentiment.url(),
        "--pid",
        &pid,
        "--models-dir",
        models.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let reports = copydesk_bench::run(cli.bench).await.unwrap();

    assert_eq!(reports.len(), 12);
    for report in &reports {
        let what = format!("{:?} x{}", report.target, report.concurrency);
        assert_eq!(report.errors, 0, "{what}: {:?}", report.first_error);
        // Six documents: the three stories twice.
        assert_eq!(report.documents, 6, "{what}");
        assert_eq!(report.words, 2 * words, "{what}");
        assert!(report.docs_per_s > 0.0, "{what}");
        assert!(report.latency.p50_ms <= report.latency.p99_ms, "{what}");
        let process = if report.target == Target::InProcess {
            "in-process"
        } else {
            "gateway"
        };
        assert!(
            report.cpu.iter().any(|c| c.process == process),
            "{what}: {:?}",
            report.cpu
        );
    }
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 12);
    assert_eq!(written[0]["target"], "gateway");
    let table = copydesk_bench::table(&reports);
    assert!(
        table.contains("| gateway (HTTP/JSON) | 2 | 6 | 0 |"),
        "{table}"
    );
}

#[tokio::test]
async fn a_down_gateway_is_an_error_not_a_hang() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(corpus.path().join("tech")).unwrap();
    std::fs::write(corpus.path().join("tech/001.txt"), "Chips get faster.").unwrap();
    let closed = copydesk_e2e::closed_address().await;
    let cli = Cli::parse_from([
        "copydesk-bench",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--count",
        "1",
        "--gateway",
        &closed,
    ]);
    assert!(copydesk_bench::run(cli.bench).await.is_err());
}
