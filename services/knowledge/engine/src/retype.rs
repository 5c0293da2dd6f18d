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

use crate::document::{Document, InputEntity, Options};
use crate::entry::{CoarseType, Entry};
use crate::knowledge::Snapshot;
use crate::link::{Candidate, candidates};

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

/// For each of `document`'s entities, the type it should be linked (and
/// typed) as when that is not the NER's: LOCATION for a place, ORGANIZATION
/// for an organisation; None for the others.
pub(crate) fn types(
    snapshot: &Snapshot,
    document: &Document<'_>,
    options: &Options<'_>,
) -> Vec<Option<CoarseType>> {
    document
        .entities
        .iter()
        .map(|entity| {
            if is_placed(snapshot, document.text, entity, options) {
                Some(CoarseType::Location)
            } else if is_organisation(snapshot, document.text, entity, options) {
                Some(CoarseType::Organization)
            } else {
                None
            }
        })
        .collect()
}

fn is_placed(snapshot: &Snapshot, text: &str, entity: &InputEntity, options: &Options<'_>) -> bool {
    let Some(coarse) = entity.coarse else {
        return false;
    };
    if coarse == CoarseType::Location
        || entity.mentions.is_empty()
        || !entity
            .mentions
            .iter()
            .all(|m| follows_locative(text, m.span.start))
    {
        return false;
    }
    known_only_as(snapshot, entity, options, CoarseType::Location, |_, e| {
        e.prior >= MIN_PRIOR
    })
}

fn is_organisation(
    snapshot: &Snapshot,
    text: &str,
    entity: &InputEntity,
    options: &Options<'_>,
) -> bool {
    let Some(coarse) = entity.coarse else {
        return false;
    };
    if coarse == CoarseType::Organization
        || (coarse == CoarseType::Person && reads_as_full_name(&entity.name))
        || entity.mentions.is_empty()
        || entity.mentions.iter().any(|m| {
            // "in the Amazon": a place; "the Kuomintang" is fine.
            follows_locative(text, m.span.start)
                || (coarse == CoarseType::Location && word_before(text, m.span.start) == "the")
        })
    {
        return false;
    }
    // The whole name, not a shorter mention ("Apple" of "Apple Bay").
    known_only_as(
        snapshot,
        entity,
        options,
        CoarseType::Organization,
        |c, e| c.form_weight >= 1.0 && e.is_distinct_organisation(),
    )
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

/// Whether no base has an entry of `entity`'s own type under its names
/// and some base has one of type `other` that `fits`.
fn known_only_as(
    snapshot: &Snapshot,
    entity: &InputEntity,
    options: &Options<'_>,
    other: CoarseType,
    fits: impl Fn(&Candidate, &Entry) -> bool,
) -> bool {
    let as_other = InputEntity {
        coarse: Some(other),
        ..entity.clone()
    };
    let mut found = false;
    for base in snapshot.selected(options.bases) {
        if !candidates(base, entity).is_empty() {
            return false;
        }
        found |= candidates(base, &as_other)
            .iter()
            .any(|c| base.entry(c.entry).is_some_and(|e| fits(c, e)));
    }
    found
}

/// Whether the word before `start` in `text` is a locative preposition.
fn follows_locative(text: &str, start: usize) -> bool {
    let word = word_before(text, start);
    LOCATIVE.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// The run of letters that ends last before `start`, lower-cased.
fn word_before(text: &str, start: usize) -> String {
    let before = text.get(..start).unwrap_or_default().trim_end();
    before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default()
        .to_lowercase()
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
