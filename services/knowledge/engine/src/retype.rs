//! Names the NER typed wrong that the bases and the text type for sure.
//!
//! **Places.** A name typed as a person, an organisation or "other" that
//! the text itself places, and the bases know only as places: every mention
//! follows a locative preposition ("based in Kyoto", "around El Fasher",
//! "from Fujian", "off Hualien"), no base has an entry of the entity's own
//! type under that name, and its places include one of some size. Such an
//! entity is linked as a LOCATION, and given that type when it gets a link.
//!
//! Every mention, not one: a club is named alone far more often than after
//! "from" ("Liverpool won ... signed from Liverpool"), and a company after
//! "in" is rare. On the news development set this separates the places the
//! model mistyped (Kyoto, El Fasher, Fujian, Taylor, Hualien) from the
//! names that only share a place's spelling ("Brent crude", "Meta said").
//!
//! **Organisations.** A name typed as a person, a place or "other" whose
//! whole name is an organisation's, a party's, a news agency's or a
//! company's whose names are no English word
//! ([`Entry::is_distinct_organisation`]: "Google", "Airbus", "ASEAN",
//! "Kuomintang", not "Shell"), when no base has an entry of the entity's
//! own type under that name and no mention follows a locative preposition
//! (nor, for a name typed as a place, "the": "the Amazon"), and unless a
//! name typed as a person reads as a full name ("Ralph Lauren" is a
//! designer as often as his company). The NER reads an unfamiliar brand as
//! whatever its shape suggests ("Warner Bros." as a person); a listed
//! company's name is rarely anything else.

use std::sync::Arc;

use crate::document::InputEntity;
use crate::entry::{CoarseType, Entry};
use crate::knowledge::KnowledgeBase;
use crate::link::{Candidate, candidates_per_base};

/// Words after which a name is a place.
const LOCATIVE: &[&str] = &[
    "in",
    "from",
    "near",
    "around",
    "off",
    "across",
    "outside",
    "inside",
    "throughout",
];

/// The prior (for places, log10 of the population over 8) of the largest
/// place the name must have: 0.6 is a town of about 60,000 people.
const MIN_PRIOR: f32 = 0.6;

/// The type an entity should be linked (and typed) as when that is not
/// the NER's, with its candidates of that type per base.
pub(crate) struct Retyped {
    pub coarse: CoarseType,
    pub candidates: Vec<Vec<Candidate>>,
}

/// For each of `entities` (of the document `text`), given its candidates
/// of its own type per base (`own`): LOCATION for a place, ORGANIZATION
/// for an organisation; None for the others.
pub(crate) fn types(
    bases: &[&Arc<KnowledgeBase>],
    text: &str,
    entities: &[InputEntity],
    own: &[Vec<Vec<Candidate>>],
) -> Vec<Option<Retyped>> {
    entities
        .iter()
        .zip(own)
        .map(|(entity, own)| {
            let coarse = entity.coarse?;
            if entity.mentions.is_empty() || own.iter().any(|c| !c.is_empty()) {
                return None;
            }
            placed(bases, text, entity, coarse)
                .or_else(|| organisation(bases, text, entity, coarse))
        })
        .collect()
}

fn placed(
    bases: &[&Arc<KnowledgeBase>],
    text: &str,
    entity: &InputEntity,
    coarse: CoarseType,
) -> Option<Retyped> {
    if coarse == CoarseType::Location
        || !entity
            .mentions
            .iter()
            .all(|m| follows_locative(text, m.span.start))
    {
        return None;
    }
    known_as(bases, entity, CoarseType::Location, |_, e| {
        e.prior >= MIN_PRIOR
    })
}

fn organisation(
    bases: &[&Arc<KnowledgeBase>],
    text: &str,
    entity: &InputEntity,
    coarse: CoarseType,
) -> Option<Retyped> {
    if coarse == CoarseType::Organization
        || (coarse == CoarseType::Person && reads_as_full_name(&entity.name))
        || entity.mentions.iter().any(|m| {
            // "in the Amazon": a place; "the Kuomintang" is fine.
            follows_locative(text, m.span.start)
                || (coarse == CoarseType::Location
                    && word_before(text, m.span.start).eq_ignore_ascii_case("the"))
        })
    {
        return None;
    }
    // The whole name, not a shorter mention ("Apple" of "Apple Bay").
    known_as(bases, entity, CoarseType::Organization, |c, e| {
        c.form_weight >= 1.0 && e.is_distinct_organisation()
    })
}

/// Whether `name` is two words or more, each a capital and lower-case
/// letters: a person's full name that is also a company's ("Ralph
/// Lauren", "Charles Schwab") stays the person's.
fn reads_as_full_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.len() >= 2
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase)
        })
}

/// `entity` as type `other`, when some base has an entry of that type
/// under its names that `fits`.
fn known_as(
    bases: &[&Arc<KnowledgeBase>],
    entity: &InputEntity,
    other: CoarseType,
    fits: impl Fn(&Candidate, &Entry) -> bool,
) -> Option<Retyped> {
    let candidates = candidates_per_base(bases, entity, Some(other));
    let found = bases.iter().zip(&candidates).any(|(base, cands)| {
        cands
            .iter()
            .any(|c| base.entry(c.entry).is_some_and(|e| fits(c, e)))
    });
    found.then_some(Retyped {
        coarse: other,
        candidates,
    })
}

/// Whether the word before `start` in `text` is a locative preposition.
fn follows_locative(text: &str, start: usize) -> bool {
    let word = word_before(text, start);
    LOCATIVE.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// The run of letters that ends last before `start`.
fn word_before(text: &str, start: usize) -> &str {
    let before = text.get(..start).unwrap_or_default().trim_end();
    before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_before_a_mention() {
        let text = "Based in Kyoto, Nintendo said. Aid from\nFujian. Within Kyoto.";
        assert!(follows_locative(text, text.find("Kyoto").unwrap()));
        assert!(!follows_locative(text, text.find("Nintendo").unwrap()));
        assert!(follows_locative(text, text.find("Fujian").unwrap()));
        assert!(!follows_locative(text, text.rfind("Kyoto").unwrap()));
        assert!(!follows_locative(text, 0));
    }

    #[test]
    fn full_names_of_people() {
        assert!(reads_as_full_name("Ralph Lauren"));
        assert!(reads_as_full_name("Charles  River Schwab"));
        assert!(!reads_as_full_name("Warner Bros."));
        assert!(!reads_as_full_name("Google"));
        assert!(!reads_as_full_name("JPMorgan Chase"));
        assert!(!reads_as_full_name(""));
    }
}
