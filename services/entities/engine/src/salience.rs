//! How much each entity matters to its document, in [0, 1].
//!
//! Every mention adds weight, more for a full name than a short form, more
//! in the headline and the lede (where news puts what the story is
//! about), and the entity's total is scaled up the earlier it first
//! appears:
//!
//! ```text
//! raw(e)      = type(e) * (1 + early(e)) * Σ_{m in e} form(m) * place(m)
//! form(m)     = 1.0 proper or value, 0.9 acronym, 0.8 partial
//! place(m)    = 2.0 headline, 1.5 lede, 1.0 elsewhere
//! early(e)    = 1 - first_sentence(e) / sentences          (in (0, 1])
//! type(e)     = 1.0 for names, 0.3 for numbers and dates (which are rarely
//!               what a story is about)
//! salience(e) = raw(e) / Σ_all raw
//! ```
//!
//! So the saliences of a document add up to 1, like Google Cloud Natural
//! Language's. The headline is the standalone lines (`SentenceKind::Line`)
//! that open the first paragraph, before any sentence; the lede is the
//! first sentence.

use copydesk_segmenter::{Sentence, SentenceKind};

use crate::{Entity, MentionKind};

const HEADLINE: f32 = 2.0;
const LEDE: f32 = 1.5;
const BODY: f32 = 1.0;
const VALUE_TYPE: f32 = 0.3;

/// Where the headline and the lede are: a weight per sentence.
#[derive(Clone, Debug)]
pub struct Placement {
    weights: Vec<f32>,
}

impl Placement {
    pub fn new(sentences: &[Sentence]) -> Self {
        let mut weights = vec![BODY; sentences.len()];
        let mut in_headline = true;
        let mut lede_seen = false;
        for (i, sentence) in sentences.iter().enumerate() {
            if in_headline && sentence.paragraph == 0 && sentence.kind == SentenceKind::Line {
                weights[i] = HEADLINE;
                continue;
            }
            in_headline = false;
            if !lede_seen && sentence.kind == SentenceKind::Sentence {
                weights[i] = LEDE;
                lede_seen = true;
            }
        }
        Placement { weights }
    }

    fn weight(&self, sentence: usize) -> f32 {
        self.weights.get(sentence).copied().unwrap_or(BODY)
    }

    fn sentences(&self) -> usize {
        self.weights.len().max(1)
    }
}

fn form(kind: MentionKind) -> f32 {
    match kind {
        MentionKind::Proper | MentionKind::Value => 1.0,
        MentionKind::Acronym => 0.9,
        MentionKind::Partial => 0.8,
    }
}

/// The unnormalised score of one entity (see the module docs).
pub fn raw_score(entity: &Entity, placement: &Placement) -> f32 {
    let type_weight = if entity.entity_type.is_name() {
        1.0
    } else {
        VALUE_TYPE
    };
    let first = entity
        .mentions
        .iter()
        .map(|m| m.sentence)
        .min()
        .unwrap_or(0);
    let early = 1.0 - first as f32 / placement.sentences() as f32;
    let mentions: f32 = entity
        .mentions
        .iter()
        .map(|m| form(m.kind) * placement.weight(m.sentence))
        .sum();
    type_weight * (1.0 + early) * mentions
}

/// Sets every entity's salience and orders them by it, most salient
/// first; ties keep text order.
pub fn rank(entities: &mut [Entity], placement: &Placement) {
    let raw: Vec<f32> = entities.iter().map(|e| raw_score(e, placement)).collect();
    let total: f32 = raw.iter().sum();
    for (entity, raw) in entities.iter_mut().zip(raw) {
        entity.salience = if total > 0.0 {
            (raw / total).clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let first = |e: &Entity| e.mentions.first().map_or(usize::MAX, |m| m.span.start);
    entities.sort_by(|a, b| {
        b.salience
            .total_cmp(&a.salience)
            .then_with(|| first(a).cmp(&first(b)))
    });
}
