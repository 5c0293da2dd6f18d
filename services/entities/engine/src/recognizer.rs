//! The pipeline: names from the model (one `predict` call per part of a
//! document, a whole article in one),
//! values from the rules between them, mentions grouped into entities,
//! entities ranked by salience.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use copydesk_ner::{ModelDescription, NameLabel, NameSpan, NerModel};
use copydesk_segmenter::{ByteSpan, Language, Segmentation};

use crate::corrections;
use crate::error::Error;
use crate::fine_types::FineTypeModel;
use crate::headlines;
use crate::mention_groups::{self, NameMention};
use crate::rules::{self, ValueMatch};
use crate::salience::{self, Placement};
use crate::{Entity, EntityType, Mention, MentionKind};

/// Recognises the entities of documents with a shared model.
#[derive(Clone, Debug)]
pub struct Recognizer {
    model: Arc<NerModel>,
    fine_types: Option<Arc<FineTypeModel>>,
}

impl Recognizer {
    pub fn new(model: Arc<NerModel>) -> Self {
        Recognizer {
            model,
            fine_types: None,
        }
    }

    /// Gives names their finer types with `fine_types`.
    pub fn with_fine_types(mut self, fine_types: Arc<FineTypeModel>) -> Self {
        self.fine_types = Some(fine_types);
        self
    }

    /// Which model gives the finer types, if any.
    pub fn fine_types(&self) -> Option<&ModelDescription> {
        self.fine_types.as_deref().map(FineTypeModel::description)
    }

    /// Which model finds the names.
    pub fn model(&self) -> &ModelDescription {
        self.model.description()
    }

    /// The entities of `text`, most salient first, with byte spans.
    /// `segmentation` is `text`'s, from the segmenter or the caller.
    pub fn recognize(
        &self,
        text: &str,
        segmentation: &Segmentation<'_>,
    ) -> Result<Vec<Entity>, Error> {
        self.recognize_unless(text, segmentation, &AtomicBool::new(false))
    }

    /// [`Recognizer::recognize`], stopped with [`Error::Abandoned`] soon
    /// after `abandoned` is set (the caller went away): a long document's
    /// inference is run in parts of about [`INFERENCE_PART_TOKENS`] tokens,
    /// with the flag checked between them, so that nobody's CPU goes to an
    /// answer nobody will read.
    pub fn recognize_unless(
        &self,
        text: &str,
        segmentation: &Segmentation<'_>,
        abandoned: &AtomicBool,
    ) -> Result<Vec<Entity>, Error> {
        check_language(&segmentation.language)?;
        check_segmentation(text, segmentation)?;
        // Headlines are read recased (see `headlines`).
        let tokens = &segmentation.tokens;
        let headline: Vec<bool> = segmentation
            .sentences
            .iter()
            .map(|s| headlines::is_headline(&self.model, &tokens[s.token_start..s.token_end]))
            .collect();
        let mut recased: Vec<Option<Vec<String>>> = vec![None; headline.len()];
        if headline.contains(&true) {
            let body = headlines::body_forms(tokens, &segmentation.sentences, &headline);
            for (i, s) in segmentation.sentences.iter().enumerate() {
                if headline[i] {
                    recased[i] = Some(headlines::recase(
                        &self.model,
                        &tokens[s.token_start..s.token_end],
                        &body,
                    ));
                }
            }
        }
        // One batch per document; empty sentences are not sent at all.
        let mut sent = Vec::new();
        let mut batch: Vec<Vec<&str>> = Vec::new();
        for (i, s) in segmentation.sentences.iter().enumerate() {
            if s.token_start < s.token_end {
                sent.push(i);
                batch.push(match &recased[i] {
                    Some(words) => words.iter().map(String::as_str).collect(),
                    None => tokens[s.token_start..s.token_end]
                        .iter()
                        .map(|t| t.norm.as_ref())
                        .collect(),
                });
            }
        }
        let predicted = if batch.is_empty() {
            Vec::new()
        } else {
            // Counts as i64: tracing-opentelemetry exports a u64 as text.
            let _stage = tracing::info_span!(
                "model_inference",
                sentences = batch.len() as i64,
                tokens = batch.iter().map(Vec::len).sum::<usize>() as i64,
            )
            .entered();
            let mut predicted = Vec::with_capacity(batch.len());
            for part in inference_parts(&batch) {
                if abandoned.load(Ordering::Relaxed) {
                    return Err(Error::Abandoned);
                }
                predicted.extend(self.model.predict(&batch[part])?);
            }
            predicted
        };
        if predicted.len() != batch.len() {
            return Err(Error::ModelSentences {
                sent: batch.len(),
                got: predicted.len(),
            });
        }
        let mut names = vec![Vec::new(); segmentation.sentences.len()];
        for (i, spans) in sent.into_iter().zip(predicted) {
            names[i] = spans;
        }
        let mut entities = assemble(text, segmentation, &names)?;
        if let Some(fine_types) = &self.fine_types {
            fine_types.assign(segmentation, &mut entities);
        }
        Ok(entities)
    }
}

/// Tokens of inference between two looks at the cancellation flag: a news
/// article (under a thousand tokens) is one part, as one batch is fastest;
/// a 100 KB document is about ten, each a few hundred milliseconds on one
/// core. Sentences are scored independently, so the parts change no
/// result (`tests/exactness.rs`).
pub const INFERENCE_PART_TOKENS: usize = 2048;

/// `batch` cut into consecutive ranges of whole sentences of about
/// [`INFERENCE_PART_TOKENS`] tokens each (a longer sentence is a part of
/// its own).
fn inference_parts(batch: &[Vec<&str>]) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut tokens = 0;
    for (i, sentence) in batch.iter().enumerate() {
        if tokens > 0 && tokens + sentence.len() > INFERENCE_PART_TOKENS {
            parts.push(start..i);
            start = i;
            tokens = 0;
        }
        tokens += sentence.len();
    }
    if start < batch.len() {
        parts.push(start..batch.len());
    }
    parts
}

/// Refuses documents in a language the model does not know. A language
/// that could not be identified ("und", or none) is let through: short
/// texts often cannot be identified, and English is the only choice.
pub fn check_language(language: &Language) -> Result<(), Error> {
    let code = language.code.trim();
    if code.is_empty()
        || code.eq_ignore_ascii_case("und")
        || copydesk_segmenter::language::is_supported(code)
    {
        Ok(())
    } else {
        Err(Error::UnsupportedLanguage {
            code: code.to_owned(),
        })
    }
}

/// Every token a stretch of `text` on character boundaries, every sentence
/// over tokens that exist.
pub fn check_segmentation(text: &str, segmentation: &Segmentation<'_>) -> Result<(), Error> {
    for (i, token) in segmentation.tokens.iter().enumerate() {
        let ByteSpan { start, end } = token.span;
        if start > end || text.get(start..end).is_none() {
            return Err(Error::Segmentation(format!(
                "token {i} spans bytes {start}..{end} of a {} byte text",
                text.len()
            )));
        }
    }
    for (i, sentence) in segmentation.sentences.iter().enumerate() {
        if sentence.token_start > sentence.token_end
            || sentence.token_end > segmentation.tokens.len()
        {
            return Err(Error::Segmentation(format!(
                "sentence {i} covers tokens {}..{} of {}",
                sentence.token_start,
                sentence.token_end,
                segmentation.tokens.len()
            )));
        }
    }
    Ok(())
}

fn name_type(label: NameLabel) -> EntityType {
    match label {
        NameLabel::Person => EntityType::Person,
        NameLabel::Organization => EntityType::Organization,
        NameLabel::Location => EntityType::Location,
        NameLabel::Misc => EntityType::Misc,
    }
}

/// Builds the entities of a document from the names the model found in
/// each sentence (`names[i]`: token indices within sentence `i`). This is
/// everything [`Recognizer::recognize`] does after the model call, so it
/// can be run, and tested, with names from anywhere.
pub fn assemble(
    text: &str,
    segmentation: &Segmentation<'_>,
    names: &[Vec<NameSpan>],
) -> Result<Vec<Entity>, Error> {
    check_segmentation(text, segmentation)?;
    let corrected = {
        let _stage = tracing::info_span!("corrections").entered();
        corrections::correct(segmentation, names)
    };
    let names = corrected.as_slice();
    let tokens = &segmentation.tokens;
    let mut sentence_of = vec![0; tokens.len()];
    for (i, s) in segmentation.sentences.iter().enumerate() {
        sentence_of[s.token_start..s.token_end].fill(i);
    }

    // Names first: the rules may not touch their tokens.
    let mut taken = vec![false; tokens.len()];
    let mut mentions: Vec<NameMention> = Vec::new();
    for (i, sentence) in segmentation.sentences.iter().enumerate() {
        let len = sentence.token_end - sentence.token_start;
        for span in names.get(i).map_or(&[][..], Vec::as_slice) {
            if span.start >= span.end || span.end > len {
                return Err(Error::ModelSpan {
                    sentence: i,
                    start: span.start,
                    end: span.end,
                    len,
                });
            }
            let start = sentence.token_start + span.start;
            let end = sentence.token_start + span.end;
            let Some((start, end)) = mention_groups::trim_name(tokens, start, end) else {
                continue;
            };
            // Overlapping names are a model error; keep the first.
            if taken[start..end].iter().any(|t| *t) {
                continue;
            }
            taken[start..end].fill(true);
            mentions.push(NameMention {
                start,
                end,
                sentence: i,
                entity_type: name_type(span.label),
                words: tokens[start..end]
                    .iter()
                    .map(|t| t.norm.to_string())
                    .collect(),
            });
        }
    }
    let extra = mention_groups::untagged_acronyms(tokens, &sentence_of, &mentions, &mut taken);
    mentions.extend(extra);
    mentions.sort_by_key(|m| m.start);

    let rules = tracing::info_span!("rules", values = tracing::field::Empty).entered();
    let mut values: Vec<(usize, ValueMatch)> = Vec::new();
    for (i, sentence) in segmentation.sentences.iter().enumerate() {
        let range = sentence.token_start..sentence.token_end;
        for mut found in rules::find_values(&tokens[range.clone()], &taken[range]) {
            found.start += sentence.token_start;
            found.end += sentence.token_start;
            values.push((i, found));
        }
    }

    rules.record("values", values.len() as i64);
    drop(rules);
    // Until the entities are returned.
    let _grouping = tracing::info_span!("grouping", mentions = mentions.len() as i64).entered();

    let span_of = |start: usize, end: usize| {
        ByteSpan::new(tokens[start].span.start, tokens[end - 1].span.end)
    };
    let mention = |start: usize, end: usize, kind: MentionKind, sentence: usize| {
        let span = span_of(start, end);
        Mention {
            span,
            text: text[span.start..span.end].to_owned(),
            kind,
            sentence,
            tokens: (start, end),
        }
    };

    let mut entities: Vec<Entity> = mention_groups::group(&mentions)
        .into_iter()
        .map(|g| {
            let canonical = &mentions[g.canonical];
            let span = span_of(canonical.start, canonical.end);
            Entity {
                name: text[span.start..span.end].to_owned(),
                entity_type: g.entity_type,
                salience: 0.0,
                mentions: g
                    .members
                    .iter()
                    .map(|(m, kind)| {
                        let m = &mentions[*m];
                        mention(m.start, m.end, *kind, m.sentence)
                    })
                    .collect(),
                metadata: BTreeMap::new(),
                fine_type: None,
            }
        })
        .collect();

    // Values: the same type and normalised value (or, without one, the
    // same words) is the same entity: "10 percent" twice is one.
    let mut value_entities: Vec<(String, Entity)> = Vec::new();
    for (sentence, found) in values {
        let m = mention(found.start, found.end, MentionKind::Value, sentence);
        let key = value_key(&found, &m.text);
        if let Some((_, entity)) = value_entities.iter_mut().find(|(k, _)| *k == key) {
            entity.mentions.push(m);
            continue;
        }
        let entity = Entity {
            name: m.text.clone(),
            entity_type: found.entity_type,
            salience: 0.0,
            metadata: found
                .metadata
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            mentions: vec![m],
            fine_type: None,
        };
        value_entities.push((key, entity));
    }
    entities.extend(value_entities.into_iter().map(|(_, e)| e));

    salience::rank(&mut entities, &Placement::new(&segmentation.sentences));
    Ok(entities)
}

/// What makes two value mentions the same entity.
fn value_key(found: &ValueMatch, text: &str) -> String {
    let mut key = format!("{:?}", found.entity_type);
    if found
        .metadata
        .iter()
        .any(|(k, _)| *k == "value" || *k == "date")
    {
        for (k, v) in &found.metadata {
            key.push_str(&format!("|{k}={v}"));
        }
    } else {
        key.push('|');
        key.push_str(&text.to_lowercase());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_hold_whole_sentences_of_about_the_part_size() {
        let sentence = |n: usize| vec!["w"; n];
        let batch = vec![
            sentence(1000),
            sentence(1000),
            sentence(100),
            sentence(5000),
            sentence(10),
            sentence(0),
        ];
        assert_eq!(inference_parts(&batch), [0..2, 2..3, 3..4, 4..6]);
        assert_eq!(inference_parts(&[]), Vec::<std::ops::Range<usize>>::new());
        let article = vec![sentence(30); 25];
        let parts = inference_parts(&article);
        assert_eq!((parts.len(), parts.first()), (1, Some(&(0..25))));
    }
}
