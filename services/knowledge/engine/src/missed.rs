//! Names the NER missed that a base knows without ambiguity: countries and
//! territories, cities of a million people or more, companies whose names
//! are no English word, and the newsroom's own tags. The tokens are scanned
//! for the longest run (first and last token
//! capitalised) whose folded text is a name in some base, outside every
//! mention the request has, that no base gives to more than one entry and
//! that no request entity already links to.

use std::collections::HashMap;
use std::sync::Arc;

use crate::document::{ByteSpan, Document, InputEntity, InputMention};
use crate::entry::Kind;
use crate::fold::{fold, is_capitalised};
use crate::knowledge::{KnowledgeBase, Snapshot};
use crate::link::is_compass;

/// Population from which a city counts as big enough to add.
pub const BIG_CITY: u64 = 1_000_000;
/// Longest run of tokens tried, past the words of the longest name.
const EXTRA_TOKENS: usize = 2;
const MAX_TOKENS: usize = 10;

/// Whether `entry` of `base` may be added as an entity the NER missed.
fn addable(base: &KnowledgeBase, entry: u32, form: u32) -> bool {
    let Some(e) = base.entry(entry) else {
        return false;
    };
    if e.is_demonym_form(form as usize) {
        return false;
    }
    if base.base.newsroom {
        return true;
    }
    match e.kind {
        Kind::Country | Kind::Territory => true,
        Kind::City => e.population.unwrap_or(0) >= BIG_CITY,
        Kind::Company => e.is_distinct_company(),
        _ => false,
    }
}

/// The missed names as entities to link, grouped by the entry they name;
/// `known` are the `(base, entry)` pairs the request's entities link to.
pub(crate) fn find(
    snapshot: &Snapshot,
    document: &Document<'_>,
    bases_only: &[String],
    known: &[(Arc<KnowledgeBase>, u32)],
) -> Vec<InputEntity> {
    let bases: Vec<&Arc<KnowledgeBase>> = snapshot.selected(bases_only).collect();
    let max_tokens = bases
        .iter()
        .map(|b| b.index.max_words() + EXTRA_TOKENS)
        .max()
        .unwrap_or(0)
        .min(MAX_TOKENS);
    let covered: Vec<ByteSpan> = {
        let mut spans: Vec<ByteSpan> = document
            .entities
            .iter()
            .flat_map(|e| e.mentions.iter().map(|m| m.span))
            .collect();
        spans.sort();
        spans
    };
    let is_covered = |span: &ByteSpan| {
        // Mentions are sorted by start: only those starting before the end
        // can overlap.
        let end = covered.partition_point(|c| c.start < span.end);
        covered[..end].iter().any(|c| c.overlaps(span))
    };
    let tokens = document.tokens;
    let text = document.text;
    let token_text = |span: &ByteSpan| text.get(span.start..span.end).unwrap_or("");

    let mut groups: Vec<(InputEntity, (usize, u32))> = Vec::new();
    let mut by_entry: HashMap<(usize, u32), usize> = HashMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let first = tokens[i];
        if !is_capitalised(token_text(&first)) || is_covered(&first) {
            i += 1;
            continue;
        }
        let mut taken = 0;
        for n in (1..=max_tokens.min(tokens.len() - i)).rev() {
            let last = tokens[i + n - 1];
            if !is_capitalised(token_text(&last)) {
                continue;
            }
            let span = ByteSpan::new(first.start, last.end);
            if is_covered(&span) {
                continue;
            }
            let Some(surface) = text.get(span.start..span.end) else {
                continue;
            };
            let key = fold(surface);
            if key.is_empty() || is_compass(&key) {
                continue;
            }
            let Some(hit) = unambiguous(&bases, &key) else {
                continue;
            };
            if known
                .iter()
                .any(|(b, e)| Arc::ptr_eq(b, bases[hit.0]) && *e == hit.1)
            {
                break;
            }
            let mention = InputMention {
                span,
                text: surface.to_owned(),
            };
            match by_entry.get(&hit) {
                Some(&g) => groups[g].0.mentions.push(mention),
                None => {
                    let coarse = bases[hit.0].entry(hit.1).map(|e| e.coarse);
                    by_entry.insert(hit, groups.len());
                    groups.push((
                        InputEntity {
                            name: surface.to_owned(),
                            coarse,
                            mentions: vec![mention],
                            salience: 0.0,
                        },
                        hit,
                    ));
                }
            }
            taken = n;
            break;
        }
        i += taken.max(1);
    }
    groups.into_iter().map(|(entity, _)| entity).collect()
}

/// The (base number, entry) a folded name means when no base gives it to
/// two entries and some base may add it.
fn unambiguous(bases: &[&Arc<KnowledgeBase>], key: &str) -> Option<(usize, u32)> {
    let mut hit = None;
    for (b, base) in bases.iter().enumerate() {
        match base.index.exact(key) {
            [] => {}
            [one] => {
                if hit.is_none() && addable(base, one.entry, one.form) {
                    hit = Some((b, one.entry));
                }
            }
            _ => return None,
        }
    }
    hit
}
