//! The loaded bases and the handle the server shares: a whole snapshot of
//! every base is swapped in at once, so a request sees either the old or
//! the new copy of a base, never half of one, and a slow reload never
//! blocks a request.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use crate::entry::{Entry, Kind};
use crate::index::Index;
use crate::load::Base;

/// A base with its index, as served.
#[derive(Debug)]
pub struct KnowledgeBase {
    pub base: Base,
    pub index: Index,
    pub loaded_at: SystemTime,
    by_id: HashMap<String, u32>,
    /// Regions that are cities themselves (see [`Self::is_city_level`]),
    /// found once at load rather than on every request.
    city_level: HashSet<u32>,
}

impl KnowledgeBase {
    /// Indexes `base`.
    pub fn new(base: Base) -> KnowledgeBase {
        let index = Index::build(&base.entries);
        let by_id = base
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i as u32))
            .collect();
        let city_level = base
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| is_city_level(e))
            .map(|(i, _)| i as u32)
            .collect();
        KnowledgeBase {
            base,
            index,
            loaded_at: SystemTime::now(),
            by_id,
            city_level,
        }
    }

    /// Whether entry `i` is a subdivision that is a city itself: a special
    /// municipality (Kaohsiung City), a municipality (Beijing Shi), a
    /// metropolitan city (Busan), by its ISO 3166-2 subdivision type.
    pub fn is_city_level(&self, i: u32) -> bool {
        self.city_level.contains(&i)
    }

    pub fn name(&self) -> &str {
        &self.base.name
    }

    pub fn entry(&self, i: u32) -> Option<&Entry> {
        self.base.entries.get(i as usize)
    }

    /// The entry with id `id`.
    pub fn by_id(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The ids of the entries `i` lies in: its parent, the parent's parent...
    pub fn ancestors(&self, i: u32) -> Vec<&str> {
        let mut out = Vec::new();
        let mut current = self.entry(i);
        // Bounded: a base whose parents loop must not hang a request.
        while let Some(parent) = current.and_then(|e| e.parent.as_deref()) {
            if out.len() >= 8 || out.contains(&parent) {
                break;
            }
            out.push(parent);
            current = self.by_id(parent).and_then(|p| self.entry(p));
        }
        out
    }
}

/// Every base serving at one moment: newsroom bases first (in the order
/// they were configured), then the default.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub bases: Vec<Arc<KnowledgeBase>>,
}

impl Snapshot {
    /// The bases named in `only`, or all when `only` is empty, in search
    /// order.
    pub fn selected<'a>(
        &'a self,
        only: &'a [String],
    ) -> impl Iterator<Item = &'a Arc<KnowledgeBase>> {
        self.bases
            .iter()
            .filter(move |b| only.is_empty() || only.iter().any(|n| n == b.name()))
    }

    pub fn get(&self, name: &str) -> Option<&Arc<KnowledgeBase>> {
        self.bases.iter().find(|b| b.name() == name)
    }
}

/// The shared handle: cheap reads of the current snapshot, whole-base
/// swaps for loads and reloads.
#[derive(Debug, Default)]
pub struct Knowledge {
    current: RwLock<Arc<Snapshot>>,
}

impl Knowledge {
    /// No bases yet.
    pub fn new() -> Knowledge {
        Knowledge::default()
    }

    /// The bases serving now. Hold it for one request: a reload meanwhile
    /// does not change it.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `base` in place of the base of the same name (or of
    /// `replacing`, when a newsroom file renamed its base), keeping the
    /// search order: newsroom bases first, in `order`, then the default.
    pub fn install(&self, base: Arc<KnowledgeBase>, replacing: Option<&str>, order: &[String]) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let mut bases: Vec<Arc<KnowledgeBase>> = current
            .bases
            .iter()
            .filter(|b| b.name() != base.name() && Some(b.name()) != replacing)
            .cloned()
            .collect();
        bases.push(base);
        let rank = |b: &Arc<KnowledgeBase>| {
            (
                !b.base.newsroom,
                order
                    .iter()
                    .position(|n| n == b.name())
                    .unwrap_or(usize::MAX),
            )
        };
        bases.sort_by_key(rank);
        *current = Arc::new(Snapshot { bases });
    }
}

fn is_city_level(entry: &Entry) -> bool {
    entry.kind == Kind::Region
        && entry.metadata.get("subdivision_type").is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("city") || t.contains("municipality")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{CoarseType, Kind};

    fn base(name: &str, newsroom: bool) -> Arc<KnowledgeBase> {
        let mut e = Entry::new("a", "A", CoarseType::Misc, Kind::Topic, 0.5);
        e.parent = Some("b".to_owned());
        let mut b = Entry::new("b", "B", CoarseType::Misc, Kind::Topic, 0.5);
        b.parent = Some("a".to_owned());
        Arc::new(KnowledgeBase::new(Base {
            name: name.to_owned(),
            version: String::new(),
            paths: Vec::new(),
            sha256: String::new(),
            newsroom,
            entries: vec![e, b],
        }))
    }

    #[test]
    fn swaps_keep_newsroom_bases_first_and_old_snapshots_stay() {
        let knowledge = Knowledge::new();
        knowledge.install(base("default", false), None, &[]);
        let order = ["desk".to_owned(), "sport".to_owned()];
        knowledge.install(base("sport", true), None, &order);
        knowledge.install(base("desk", true), None, &order);
        let before = knowledge.snapshot();
        let names: Vec<&str> = before.bases.iter().map(|b| b.name()).collect();
        assert_eq!(names, ["desk", "sport", "default"]);
        knowledge.install(base("desk2", true), Some("desk"), &order);
        let after = knowledge.snapshot();
        let names: Vec<&str> = after.bases.iter().map(|b| b.name()).collect();
        assert_eq!(names, ["sport", "desk2", "default"]);
        // The old snapshot a request holds is untouched.
        assert_eq!(before.bases.len(), 3);
        assert_eq!(before.bases[0].name(), "desk");
    }

    #[test]
    fn parent_loops_end() {
        let kb = base("x", false);
        assert_eq!(kb.ancestors(0), ["b", "a"]);
    }
}
