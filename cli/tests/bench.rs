//! `copydesk bench` on the real binary: it starts the four servers as
//! `copydesk serve` processes on free loopback ports, sends a few
//! documents (count-bounded), prints the table with each process's CPU time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn bench_starts_the_four_processes_and_prints_the_table() {
    let corpus = tempfile::tempdir().unwrap();
    for (topic, text) in [
        (
            "business",
            "Dollar gains on Greenspan speech\n\nThe dollar has hit its highest level against the euro in almost three months after the Federal Reserve head said the US trade deficit is set to stabilise.\n",
        ),
        (
            "tech",
            "Microsoft seeking spyware trojan\n\nMicrosoft is investigating a trojan program that attempts to switch off the firm's anti-spyware software in Seattle.\n",
        ),
    ] {
        std::fs::create_dir_all(corpus.path().join(topic)).unwrap();
        std::fs::write(corpus.path().join(topic).join("001.txt"), text).unwrap();
    }
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/../models");
    let output = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["bench", "--corpus"])
        .arg(corpus.path())
        .args([
            "--target",
            "gateway,sentiment",
            "--concurrency",
            "2",
            "--count",
            "4",
            "--warmup",
            "0",
            "--models-dir",
            models,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("corpus: 2 articles"), "{stderr}");
    for column in [
        "CPU gateway s",
        "CPU segmenter s",
        "CPU entities s",
        "CPU sentiment s",
        "CPU client s",
    ] {
        assert!(stdout.contains(column), "{column}: {stdout}");
    }
    assert!(
        stdout.contains("| gateway (gRPC) | 2 | 4 | 0 |"),
        "{stdout}"
    );
    assert!(stdout.contains("| sentiment | 2 | 4 | 0 |"), "{stdout}");
}
