//! The engines called in this process, doing the gateway's work for one
//! document without gRPC or JSON: segment, recognise the entities, score
//! the document, its sentences and the tone towards each entity.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use copydesk_entities::fine_types::{self, FineTypeModel};
use copydesk_entities::recognizer::Recognizer;
use copydesk_ner::{MODEL_DIR_NAME, NerModel};
use copydesk_segmenter::Segmenter;
use copydesk_sentiment::{Analyzer, ByteSpan};

/// The three engines, loaded once.
#[derive(Debug)]
pub struct Engines {
    segmenter: Segmenter,
    recognizer: Recognizer,
    analyzer: Analyzer,
}

impl Engines {
    /// Loads the NER model from `models_dir/neuroner-conll2003-en` and the
    /// fine-type model from `models_dir/fine-types`; the sentiment lexicon
    /// is built in, as in the service.
    pub fn load(models_dir: &Path) -> anyhow::Result<Engines> {
        let dir = models_dir.join(MODEL_DIR_NAME);
        let model = NerModel::load(&dir)
            .with_context(|| format!("cannot load the NER model from {}", dir.display()))?;
        let fine_dir = models_dir.join(fine_types::MODEL_DIR_NAME);
        let fine = FineTypeModel::load(&fine_dir).with_context(|| {
            format!(
                "cannot load the fine-type model from {}",
                fine_dir.display()
            )
        })?;
        Ok(Engines {
            segmenter: Segmenter::new(),
            recognizer: Recognizer::new(Arc::new(model)).with_fine_types(Arc::new(fine)),
            analyzer: Analyzer::embedded().context("cannot load the sentiment analyzer")?,
        })
    }

    /// Everything `Annotate` with every feature computes, in byte offsets.
    /// Returns how many entities were found.
    pub fn annotate_counting(&self, text: &str) -> Result<usize, String> {
        let segmentation = self.segmenter.segment(text, None);
        let entities = self
            .recognizer
            .recognize(text, &segmentation)
            .map_err(|e| e.to_string())?;
        let sentences: Vec<ByteSpan> = segmentation.sentences.iter().map(|s| s.span).collect();
        let mentions: Vec<Vec<ByteSpan>> = entities
            .iter()
            .map(|e| e.mentions.iter().map(|m| m.span).collect())
            .collect();
        let analysis = self
            .analyzer
            .analyze(text, &sentences, &mentions)
            .map_err(|e| e.to_string())?;
        std::hint::black_box(analysis);
        Ok(entities.len())
    }

    /// [`Engines::annotate_counting`] without the count.
    pub fn annotate(&self, text: &str) -> Result<(), String> {
        self.annotate_counting(text).map(drop)
    }
}
