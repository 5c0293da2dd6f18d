//! Sends the same news story to a running entities server, one request at a
//! time, for a few seconds, and prints tokens per second and latency: the
//! service's throughput, gRPC included.
//!
//! ```text
//! taskset -c 0 target/release/copydesk serve entities --listen 127.0.0.1:50063 &
//! taskset -c 1 cargo run --release -p copydesk-entities-server --example grpc_throughput -- http://127.0.0.1:50063
//! ```

use std::time::{Duration, Instant};

use copydesk_proto::v1::entity_recognizer_client::EntityRecognizerClient;
use copydesk_proto::v1::{Document, RecognizeRequest};

const STORY: &str = include_str!("../../../segmenter/engine/benches/data/news_sample.txt");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:50053".to_owned());
    let seconds: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let tokens = copydesk_segmenter::Segmenter::new()
        .segment(STORY, Some("en"))
        .tokens
        .len();
    let mut client = EntityRecognizerClient::connect(address.clone()).await?;
    let request = || RecognizeRequest {
        document: Some(Document {
            text: STORY.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    };
    client.recognize(request()).await?; // warm-up
    let mut latencies = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        let sent = Instant::now();
        client.recognize(request()).await?;
        latencies.push(sent.elapsed());
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "{address}: {} requests of {tokens} tokens in {elapsed:.1} s: {:.0} tokens/s, latency p50 {:?} p99 {:?}",
        latencies.len(),
        (latencies.len() * tokens) as f64 / elapsed,
        at(0.5),
        at(0.99)
    );
    Ok(())
}
