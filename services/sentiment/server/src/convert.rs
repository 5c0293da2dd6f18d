//! Engine results as `copydesk.v1` messages.

use copydesk_proto::v1;
use copydesk_sentiment::{Analyzer, Label, Sentiment};

/// The models this service runs.
pub fn model_infos(analyzer: &Analyzer) -> Vec<v1::ModelInfo> {
    vec![
        v1::ModelInfo {
            name: "vader-lexicon".to_owned(),
            version: "vaderSentiment-3.3.2".to_owned(),
            sha256: analyzer.vader().lexicon().sha256().to_owned(),
            service: crate::SERVER_NAME.to_owned(),
        },
        v1::ModelInfo {
            name: "copydesk-news-calibration".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            sha256: analyzer.calibration().sha256().to_owned(),
            service: crate::SERVER_NAME.to_owned(),
        },
    ]
}

pub fn label(label: Label) -> v1::SentimentLabel {
    match label {
        Label::Negative => v1::SentimentLabel::Negative,
        Label::Neutral => v1::SentimentLabel::Neutral,
        Label::Positive => v1::SentimentLabel::Positive,
        Label::Mixed => v1::SentimentLabel::Mixed,
    }
}

pub fn sentiment(sentiment: &Sentiment) -> v1::Sentiment {
    v1::Sentiment {
        score: sentiment.score as f32,
        magnitude: sentiment.magnitude as f32,
        label: label(sentiment.label) as i32,
    }
}
