//! Speed of HTML extraction and offset mapping, in bytes of markup per
//! second on one core.
//!
//! `taskset -c 0 cargo bench -p copydesk-html --bench extract`. The input
//! is the segmenter's original news story rendered the way WordPress
//! stores a post: block comments, paragraphs, a heading, inline links and
//! emphasis, typographic references, a captioned figure and an embed
//! script.

use std::hint::black_box;

use copydesk_html::extract;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const STORY: &str = include_str!("../../../services/segmenter/engine/benches/data/news_sample.txt");

fn wordpress_body(story: &str) -> String {
    let mut html = String::from(
        "<!-- wp:heading --><h2 class=\"wp-block-heading\">Story</h2><!-- /wp:heading -->\n",
    );
    for (i, paragraph) in story.split("\n\n").enumerate() {
        let mut body = String::new();
        for (j, word) in paragraph.split(' ').enumerate() {
            if j > 0 {
                body.push(' ');
            }
            let word = word.replace('&', "&amp;").replace('\'', "&rsquo;");
            match j % 17 {
                3 => body.push_str(&format!("<a href=\"/tag/{j}\">{word}</a>")),
                11 => body.push_str(&format!("<em>{word}</em>")),
                _ => body.push_str(&word),
            }
        }
        html.push_str(&format!(
            "<!-- wp:paragraph -->\n<p>{body}</p>\n<!-- /wp:paragraph -->\n"
        ));
        if i == 2 {
            html.push_str("[caption id=\"attachment_9\" width=\"800\"]<img src=\"a.jpg\" alt=\"\"> A caption. Photo: CNA[/caption]\n");
            html.push_str("<script async src=\"https://platform.example/widgets.js\"></script>\n");
        }
    }
    html
}

fn bench(c: &mut Criterion) {
    let html = wordpress_body(STORY);
    let extracted = extract(&html);
    let mut group = c.benchmark_group("html");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("extract", |b| b.iter(|| extract(black_box(&html))));
    // Every token-sized span of the text mapped back, as the services map
    // a segmentation: about one span per five bytes of text.
    let spans: Vec<_> = (0..extracted.text.len())
        .step_by(5)
        .map(|start| start..(start + 4).min(extracted.text.len()))
        .collect();
    group.bench_function("extract and map every token", |b| {
        b.iter(|| {
            let extracted = extract(black_box(&html));
            spans
                .iter()
                .map(|span| extracted.map.to_source(span.clone()).end)
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
