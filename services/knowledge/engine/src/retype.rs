//! Names the NER typed as a person, an organisation or "other" that the
//! text itself places, and the bases know only as places: every mention
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

use crate::document::{Document, InputEntity, Options};
use crate::entry::CoarseType;
use crate::knowledge::Snapshot;
use crate::link::candidates;

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

/// For each of `document`'s entities, LOCATION when it should be linked
/// (and typed) as a place; None for the others.
pub(crate) fn places(
    snapshot: &Snapshot,
    document: &Document<'_>,
    options: &Options<'_>,
) -> Vec<Option<CoarseType>> {
    document
        .entities
        .iter()
        .map(|entity| {
            is_placed(snapshot, document.text, entity, options).then_some(CoarseType::Location)
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
    let as_place = InputEntity {
        coarse: Some(CoarseType::Location),
        ..entity.clone()
    };
    let mut placed = false;
    for base in snapshot.selected(options.bases) {
        if !candidates(base, entity).is_empty() {
            return false;
        }
        placed |= candidates(base, &as_place)
            .iter()
            .filter_map(|c| base.entry(c.entry))
            .any(|e| e.prior >= MIN_PRIOR);
    }
    placed
}

/// Whether the word before `start` in `text` is a locative preposition.
fn follows_locative(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or_default().trim_end();
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    LOCATIVE.iter().any(|l| word.eq_ignore_ascii_case(l))
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
}
