//! Entity tone does work linear in the text however often an entity is
//! mentioned: doubling the text at most doubles every count (give or take a few bytes) of
//! [`copydesk_sentiment::Work`] (a count of steps, not a clock). Each
//! mention used to blank every other mention of its entity, and to scan its
//! sentence from the start for clause boundaries, which made "Paris is
//! nice. " repeated to 512 KB take 2.3 s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_segmenter::Segmenter;
use copydesk_sentiment::{Analyzer, ByteSpan, Scratch, Work};

/// The work of analysing `unit` repeated `times` times, every "Paris" one
/// entity's mention.
fn work(analyzer: &Analyzer, unit: &str, times: usize) -> Work {
    let text = unit.repeat(times);
    let mentions: Vec<ByteSpan> = text
        .match_indices("Paris")
        .map(|(at, name)| ByteSpan::new(at, at + name.len()))
        .collect();
    let spans: Vec<ByteSpan> = Segmenter::new()
        .segment(&text, Some("en"))
        .sentences
        .iter()
        .map(|s| s.span)
        .collect();
    let mut scratch = Scratch::default();
    let analysis = analyzer
        .analyze_with(&text, &spans, std::slice::from_ref(&mentions), &mut scratch)
        .unwrap();
    assert_eq!(analysis.entities[0].mentions.len(), mentions.len());
    scratch.work()
}

#[test]
fn entity_work_grows_linearly_with_mentions() {
    let analyzer = Analyzer::embedded().unwrap();
    // Many sentences; one sentence of one clause; one sentence of many
    // clauses.
    for unit in ["Paris is nice. ", "Paris and ", "Paris is nice; "] {
        let once = work(&analyzer, unit, 300);
        let twice = work(&analyzer, unit, 600);
        for (name, a, b) in [
            (
                "clause scan",
                once.clause_scan_bytes,
                twice.clause_scan_bytes,
            ),
            ("mention steps", once.mention_steps, twice.mention_steps),
            (
                "bytes scored",
                once.clause_bytes_scored,
                twice.clause_bytes_scored,
            ),
        ] {
            assert!(a > 0, "{unit:?}: no {name} counted");
            // A few bytes of slack: the segmenter trims the final space.
            assert!(
                b <= 2 * a + 16,
                "{unit:?}: {name} went from {a} to {b} when the text doubled"
            );
        }
    }
}
