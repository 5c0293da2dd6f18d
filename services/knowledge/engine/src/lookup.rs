//! Lookup: ranked entries for what an editor typed into a tagging box.
//! Whole-name matches come before prefix matches, then higher priors.
//!
//! The work is bounded whatever the base holds: a key contributes at most
//! `limit` postings (they are ordered by prior, so those are its best),
//! and once `limit` candidates are held a key whose best prior cannot beat
//! the weakest of them is passed over without looking at its postings.

use std::sync::Arc;

use crate::entry::{CoarseType, Entry};
use crate::fold::fold;
use crate::knowledge::{KnowledgeBase, Snapshot};

/// Largest `limit` a lookup takes.
pub const MAX_LIMIT: usize = 100;
/// Largest query, in bytes.
pub const MAX_QUERY_BYTES: usize = 200;

/// What to look up.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    pub text: &'a str,
    /// Only entries an entity of this type may link to.
    pub coarse: Option<CoarseType>,
    /// Only these bases; empty: all.
    pub bases: &'a [String],
    pub limit: usize,
    /// Match the start of names too.
    pub prefix: bool,
}

/// One candidate.
#[derive(Clone, Debug)]
pub struct Hit {
    pub base: Arc<KnowledgeBase>,
    pub entry: u32,
    /// The name form that matched.
    pub form: u32,
    pub exact: bool,
    /// Whole matches in (0.5, 1], prefix matches in [0, 0.5]; the prior
    /// decides within each.
    pub score: f32,
}

impl Hit {
    pub fn entry(&self) -> Option<&Entry> {
        self.base.entry(self.entry)
    }

    /// The name or alias that matched.
    pub fn matched(&self) -> &str {
        self.entry().map_or("", |e| e.form(self.form as usize))
    }

    /// Whether the match was on a demonym (the link's kind is
    /// "nationality").
    pub fn nationality(&self) -> bool {
        self.entry()
            .is_some_and(|e| e.is_demonym_form(self.form as usize))
    }
}

/// The best `query.limit` candidates, best first.
pub fn lookup(snapshot: &Snapshot, query: &Query<'_>) -> Vec<Hit> {
    let key = fold(query.text);
    let limit = query.limit.min(MAX_LIMIT);
    if key.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut best: Vec<Hit> = Vec::with_capacity(limit + 1);
    for (rank, base) in snapshot.selected(query.bases).enumerate() {
        // A sliver of score per base rank keeps newsroom bases first on ties.
        let tie = 1e-4 * rank as f32;
        let index = &base.index;
        let range = if query.prefix {
            index.prefix(&key)
        } else {
            match index.exact(&key) {
                [] => 0..0,
                _ => {
                    let start = index.prefix(&key).start;
                    start..start + 1
                }
            }
        };
        for k in range {
            let exact = index.key(k) == key;
            let postings = index.postings_of(k);
            let Some(first) = postings.first().and_then(|p| base.entry(p.entry)) else {
                continue;
            };
            if best.len() >= limit
                && score(first.prior, exact, tie) <= best.last().map_or(0.0, |h| h.score)
            {
                continue;
            }
            for posting in postings.iter().take(limit) {
                let Some(entry) = base.entry(posting.entry) else {
                    continue;
                };
                let demonym = entry.is_demonym_form(posting.form as usize);
                if let Some(coarse) = query.coarse
                    && !compatible(coarse, entry.coarse, demonym)
                {
                    continue;
                }
                let hit = Hit {
                    base: Arc::clone(base),
                    entry: posting.entry,
                    form: posting.form,
                    exact,
                    score: score(entry.prior, exact, tie),
                };
                insert(&mut best, hit, limit);
            }
        }
    }
    best
}

fn score(prior: f32, exact: bool, tie: f32) -> f32 {
    let within = (prior - tie).clamp(0.0, 1.0);
    if exact {
        0.5 + 0.5 * within
    } else {
        0.5 * within
    }
}

/// Adds `hit` to `best` (sorted, best first, one hit per entry), keeping
/// at most `limit`.
fn insert(best: &mut Vec<Hit>, hit: Hit, limit: usize) {
    if let Some(same) = best
        .iter()
        .position(|h| h.entry == hit.entry && Arc::ptr_eq(&h.base, &hit.base))
    {
        if best[same].score >= hit.score {
            return;
        }
        best.remove(same);
    }
    let at = best.partition_point(|h| h.score >= hit.score);
    if at >= limit {
        return;
    }
    best.insert(at, hit);
    best.truncate(limit);
}

/// Whether an entity of type `entity` may link to an entry of type
/// `entry`; a demonym links only a MISC entity (a nationality).
pub fn compatible(entity: CoarseType, entry: CoarseType, demonym: bool) -> bool {
    if demonym {
        return entity == CoarseType::Misc;
    }
    entity == entry
}
