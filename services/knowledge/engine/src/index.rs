//! The name index of one base: every folded name form (name, aliases,
//! demonyms) to the entries that go by it, in one sorted key array, so
//! that a whole name is a binary search and a prefix a contiguous range.
//!
//! Each key's postings are ordered by prior, highest first, so that taking
//! the first few of a name shared by thousands of entries keeps the likely
//! ones and bounds the work.

use std::ops::Range;

use crate::entry::Entry;
use crate::fold::fold;

/// One entry going by one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    /// Index of the entry in its base.
    pub entry: u32,
    /// Which of the entry's name forms this is ([`Entry::form`]).
    pub form: u32,
}

/// Folded name forms to entries.
#[derive(Debug, Default)]
pub struct Index {
    /// Sorted, unique.
    keys: Vec<Box<str>>,
    /// `postings[starts[i]..starts[i + 1]]` go by `keys[i]`.
    starts: Vec<u32>,
    postings: Vec<Posting>,
    /// Words in the longest key: how far the scan for missed names looks.
    max_words: usize,
}

impl Index {
    /// Indexes every name form of `entries`.
    pub fn build(entries: &[Entry]) -> Index {
        let mut all: Vec<(Box<str>, Posting)> = Vec::new();
        for (e, entry) in entries.iter().enumerate() {
            for (f, form) in entry.forms().enumerate() {
                let key = fold(form);
                if key.is_empty() {
                    continue;
                }
                all.push((
                    key.into_boxed_str(),
                    Posting {
                        entry: e as u32,
                        form: f as u32,
                    },
                ));
            }
        }
        let prior = |p: &Posting| entries[p.entry as usize].prior;
        all.sort_by(|(ka, pa), (kb, pb)| {
            ka.cmp(kb)
                .then(prior(pb).total_cmp(&prior(pa)))
                .then(pa.entry.cmp(&pb.entry))
                .then(pa.form.cmp(&pb.form))
        });
        // One posting per entry and key: its first (lowest-numbered) form.
        all.dedup_by(|(kb, pb), (ka, pa)| ka == kb && pa.entry == pb.entry);
        let mut index = Index::default();
        for (key, posting) in all {
            if index.keys.last() != Some(&key) {
                index.max_words = index.max_words.max(key.split(' ').count());
                index.keys.push(key);
                index.starts.push(index.postings.len() as u32);
            }
            index.postings.push(posting);
        }
        index.starts.push(index.postings.len() as u32);
        index
    }

    /// Entries going by exactly `key` (already folded), highest prior first.
    pub fn exact(&self, key: &str) -> &[Posting] {
        match self.keys.binary_search_by(|k| k.as_ref().cmp(key)) {
            Ok(i) => self.postings_of(i),
            Err(_) => &[],
        }
    }

    /// The keys starting with `prefix` (already folded), as a range of key
    /// numbers.
    pub fn prefix(&self, prefix: &str) -> Range<usize> {
        let start = self.keys.partition_point(|k| k.as_ref() < prefix);
        let end = start + self.keys[start..].partition_point(|k| k.starts_with(prefix));
        start..end
    }

    pub fn key(&self, i: usize) -> &str {
        self.keys.get(i).map_or("", |k| k)
    }

    /// The postings of key number `i`.
    pub fn postings_of(&self, i: usize) -> &[Posting] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&start), Some(&end)) => &self.postings[start as usize..end as usize],
            _ => &[],
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn max_words(&self) -> usize {
        self.max_words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{CoarseType, Kind};

    #[test]
    fn exact_and_prefix() {
        let mut georgia = Entry::new("ge", "Georgia", CoarseType::Location, Kind::Country, 1.0);
        georgia.demonyms = vec!["Georgian".to_owned()];
        let state = Entry::new("us-ga", "Georgia", CoarseType::Location, Kind::Region, 0.9);
        let mut geneva = Entry::new("gva", "Geneva", CoarseType::Location, Kind::City, 0.7);
        geneva.aliases = vec!["Genève".to_owned(), "Geneva".to_owned()];
        let entries = [state, georgia, geneva];
        let index = Index::build(&entries);
        // Highest prior first; the duplicate alias of Geneva is dropped.
        assert_eq!(
            index.exact("georgia"),
            [Posting { entry: 1, form: 0 }, Posting { entry: 0, form: 0 }]
        );
        assert_eq!(index.exact("geneva").len(), 1);
        assert!(index.exact("geo").is_empty());
        let range = index.prefix("ge");
        let keys: Vec<&str> = range.map(|i| index.key(i)).collect();
        assert_eq!(keys, ["geneva", "geneve", "georgia", "georgian"]);
        assert!(index.prefix("zz").is_empty());
        assert_eq!(index.max_words(), 1);
    }
}
