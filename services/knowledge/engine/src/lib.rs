//! Copydesk's knowledge engine: knowledge bases (the shipped default and
//! the newsroom's own), entity linking in context, topics, and the names
//! the NER missed. A plain library: the `knowledge` server, the CLI, the
//! benches and the evaluation call it in-process.
//!
//! - [`entry`]: one entry of a base, its coarse type and kind;
//! - [`load`]: reading base files (JSON Lines) with line-numbered errors;
//! - [`fold`]: the folded form names are indexed and looked up by;
//! - [`index`]: folded names to entries, sorted for prefix search;
//! - [`knowledge`]: the served bases, swapped whole on reload;
//! - [`lookup`]: ranked candidates for a tagging box;
//! - [`link`]: candidates, context, confidence;
//! - [`missed`]: unambiguous names the NER missed;
//! - [`topics`]: per-entry aggregates of salience;
//! - [`fine_type`]: the finer type a link decides;
//! - [`document`]: the linker's input and output types.

#![forbid(unsafe_code)]

pub mod document;
pub mod entry;
pub mod error;
pub mod fine_type;
pub mod fold;
pub mod index;
pub mod knowledge;
pub mod link;
pub mod load;
pub mod lookup;
pub mod missed;
pub mod retype;
pub mod topics;

use std::sync::Arc;

pub use document::{
    AddedEntity, ByteSpan, Document, InputEntity, InputMention, Link, Linked, LinkedEntity,
    Options, Topic,
};
pub use entry::{CoarseType, Entry, Kind};
pub use error::Error;
pub use fine_type::FineType;
pub use knowledge::{Knowledge, KnowledgeBase, Snapshot};
pub use link::DEFAULT_THRESHOLD;
pub use load::{Base, load_default, load_newsroom};
pub use lookup::{Hit, Query, lookup};

/// Links `document`'s entities to the bases of `snapshot`, adds the names
/// the NER missed (when `options.add_missed`), renormalises salience and
/// sums it into topics.
pub fn link(snapshot: &Snapshot, document: &Document<'_>, options: &Options<'_>) -> Linked {
    let bases: Vec<&Arc<KnowledgeBase>> = snapshot.selected(options.bases).collect();
    let mut candidates: Vec<_> = document
        .entities
        .iter()
        .map(|e| link::candidates_per_base(&bases, e, e.coarse))
        .collect();
    // Names the text places are linked as places, organisations' names as
    // organisations: by the candidates of that type.
    let retyped: Vec<Option<CoarseType>> =
        retype::types(&bases, document.text, document.entities, &candidates)
            .into_iter()
            .zip(&mut candidates)
            .map(|(retyped, candidates)| {
                retyped.map(|r| {
                    *candidates = r.candidates;
                    r.coarse
                })
            })
            .collect();
    let links = link::link_entities(&bases, document.text, &candidates, options.threshold);
    let mut entities: Vec<LinkedEntity> = links
        .into_iter()
        .zip(document.entities)
        .zip(retyped)
        .map(|((links, entity), retyped)| LinkedEntity {
            fine_type: fine_type::of_links(&links),
            coarse: retyped.filter(|_| !links.is_empty()),
            links,
            salience: entity.salience,
        })
        .collect();

    let mut added = Vec::new();
    if options.add_missed {
        let known: Vec<(Arc<KnowledgeBase>, u32)> = entities
            .iter()
            .flat_map(|e| e.links.iter().map(|l| (Arc::clone(&l.base), l.entry)))
            .collect();
        let missed = missed::find(snapshot, document, options.bases, &known);
        // Linked like any entity, in the document's context.
        let missed_candidates: Vec<_> = missed
            .iter()
            .map(|e| link::candidates_per_base(&bases, e, e.coarse))
            .collect();
        let missed_links =
            link::link_entities(&bases, document.text, &missed_candidates, options.threshold);
        for (entity, links) in missed.into_iter().zip(missed_links) {
            let Some(coarse) = entity.coarse else {
                continue;
            };
            if links.is_empty() {
                continue;
            }
            added.push(AddedEntity {
                name: entity.name,
                coarse,
                mentions: entity.mentions.iter().map(|m| m.span).collect(),
                fine_type: fine_type::of_links(&links),
                links,
                salience: 0.0,
            });
        }
        renormalise(&mut entities, &mut added);
    }

    let topics = topics::topics(
        entities
            .iter()
            .map(|e| (e.links.as_slice(), e.salience))
            .chain(added.iter().map(|a| (a.links.as_slice(), a.salience))),
    );
    Linked {
        entities,
        added,
        topics,
    }
}

/// Gives the added entities a salience and scales everyone's so that the
/// total stays what the request's entities had (1 when it had none): an
/// added entity weighs, per mention, half the request's average salience
/// per mention, since the NER did not think it a name.
fn renormalise(entities: &mut [LinkedEntity], added: &mut [AddedEntity]) {
    if added.is_empty() {
        return;
    }
    let total: f32 = entities.iter().map(|e| e.salience).sum();
    let added_mentions: usize = added.iter().map(|a| a.mentions.len()).sum();
    if total <= 0.0 {
        for a in added.iter_mut() {
            a.salience = a.mentions.len() as f32 / added_mentions.max(1) as f32;
        }
        return;
    }
    // Without mention counts for the request's entities, one per entity.
    let per_mention = total / entities.len().max(1) as f32 * 0.5;
    for a in added.iter_mut() {
        a.salience = per_mention * a.mentions.len() as f32;
    }
    let new_total = total + added.iter().map(|a| a.salience).sum::<f32>();
    let scale = total / new_total;
    for e in entities.iter_mut() {
        e.salience *= scale;
    }
    for a in added.iter_mut() {
        a.salience *= scale;
    }
}
