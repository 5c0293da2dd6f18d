//! Document tone against sentence tone on rated documents: each document is
//! its rated sentences joined with spaces, analysed as the service does
//! (segmented, sentences scored, weighted mean). Prints Pearson r between
//! the document score and (a) the mean human rating of its sentences,
//! (b) the mean of this engine's own sentence scores, and how often the
//! document's sign agrees with the sign of the mean rating (ratings within
//! 0.25 of neutral count as neutral and are left out of the sign count).
//!
//! Usage: document_tone FILE   (lines: document TAB rating TAB sentence,
//! a document's sentences in order; `tools/sentiment_eval.sh` writes
//! EmoBank dev in this form)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_segmenter::Segmenter;
use copydesk_sentiment::Analyzer;

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: document_tone FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let analyzer = Analyzer::embedded().expect("embedded models");
    let segmenter = Segmenter::new();
    let mut documents: Vec<(String, Vec<f64>, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(id), Some(rating), Some(sentence)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let rating: f64 = rating.trim().parse().expect("rating");
        match documents.last_mut() {
            Some((last, ratings, sentences)) if last == id => {
                ratings.push(rating);
                sentences.push(sentence.to_owned());
            }
            _ => documents.push((id.to_owned(), vec![rating], vec![sentence.to_owned()])),
        }
    }
    documents.retain(|(_, ratings, _)| ratings.len() >= 3);
    let (mut document, mut human, mut own) = (vec![], vec![], vec![]);
    let (mut agree, mut polar) = (0usize, 0usize);
    for (_, ratings, sentences) in &documents {
        let joined = sentences.join(" ");
        let (analysis, _) = analyzer
            .analyze_text(&segmenter, &joined, Some("en"), &[])
            .expect("analysis");
        let mean = ratings.iter().sum::<f64>() / ratings.len() as f64;
        let own_mean = sentences
            .iter()
            .map(|s| analyzer.sentence(s).score)
            .sum::<f64>()
            / sentences.len() as f64;
        if mean.abs() >= 0.25 {
            polar += 1;
            agree += usize::from(mean.signum() == analysis.document.score.signum());
        }
        document.push(analysis.document.score);
        human.push(mean);
        own.push(own_mean);
    }
    let sentences: usize = documents.iter().map(|(_, r, _)| r.len()).sum();
    println!(
        "{} documents ({sentences} sentences, 3 or more each): document score vs mean human rating r={:.3}; vs mean of own sentence scores r={:.3}; sign agrees with the mean rating in {agree} of {polar} documents whose mean rating is 0.25 or more from neutral",
        documents.len(),
        pearson(&document, &human),
        pearson(&document, &own),
    );
}
