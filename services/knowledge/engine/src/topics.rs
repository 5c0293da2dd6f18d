//! The entries a document is about. Every entity that links to an entry
//! adds its salience to that entry's topic (capped at 1), and a
//! nationality counts towards its country: a story that says "Ukrainian"
//! five times and "Ukraine" once has one topic, Ukraine, holding the
//! salience of both entities, so a tagging client sees Ukraine as the
//! story's most salient place. Only each entity's best link per base
//! counts, so no entity adds to two topics of the same base.

use std::collections::HashMap;
use std::sync::Arc;

use crate::document::{Link, Topic};

/// Topics from the entities' links and saliences, most salient first
/// (ties: first linked first).
pub fn topics<'a>(entities: impl Iterator<Item = (&'a [Link], f32)>) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    let mut at: HashMap<(usize, u32), usize> = HashMap::new();
    for (e, (links, salience)) in entities.enumerate() {
        for link in links {
            let key = (Arc::as_ptr(&link.base) as usize, link.entry);
            let t = *at.entry(key).or_insert_with(|| {
                topics.push(Topic {
                    base: Arc::clone(&link.base),
                    entry: link.entry,
                    salience: 0.0,
                    entities: Vec::new(),
                });
                topics.len() - 1
            });
            let topic = &mut topics[t];
            topic.salience = (topic.salience + salience).min(1.0);
            if !topic.entities.contains(&e) {
                topic.entities.push(e);
            }
        }
    }
    // Stable: equal saliences keep the order of first mention.
    topics.sort_by(|a, b| b.salience.total_cmp(&a.salience));
    topics
}
