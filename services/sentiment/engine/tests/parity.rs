//! Parity with the reference VADER (vaderSentiment 3.3.2): on the generated
//! sentences of `tools/vader_parity/reference.tsv` (made by
//! `tools/vader_parity/make_reference.py`), the compound score must equal the
//! reference's within 1e-3 for at least 99% of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_sentiment::Vader;

const REFERENCE: &str = include_str!("../../../../tools/vader_parity/reference.tsv");

#[test]
fn compound_matches_the_reference_within_1e_3_for_99_percent() {
    let vader = Vader::default();
    let mut total = 0usize;
    let mut within = 0usize;
    let mut misses = Vec::new();
    for line in REFERENCE.lines() {
        let (text, expected) = line.rsplit_once('\t').expect("sentence TAB compound");
        let expected: f64 = expected.parse().expect("a number");
        let got = vader.polarity(text).compound;
        total += 1;
        if (got - expected).abs() <= 1e-3 {
            within += 1;
        } else {
            misses.push(format!("{got:.4} vs {expected:.4}: {text}"));
        }
    }
    let share = within as f64 / total as f64;
    println!(
        "parity: {within}/{total} = {:.2}% within 1e-3",
        share * 100.0
    );
    for miss in misses.iter().take(20) {
        println!("  {miss}");
    }
    assert!(total >= 3_000, "parity set too small: {total}");
    assert!(share >= 0.99, "parity {:.4} below 0.99", share);
}
