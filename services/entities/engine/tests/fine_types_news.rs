//! The shipped fine-type model on sentences written for this test, with
//! the coarse types the NER model would give fixed by hand, so that the test
//! is about the fine types alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_entities::fine_types::{self, FineType, FineTypeModel};
use copydesk_entities::{EntityType, assemble};
use copydesk_ner::{NameLabel, NameSpan};
use copydesk_segmenter::Segmenter;

/// The fine type the shipped model gives each named phrase of a
/// one-sentence `text`, tagged with its coarse label.
fn fine_types_of(text: &str, names: &[(&str, NameLabel)]) -> Vec<(String, Option<FineType>)> {
    let model = FineTypeModel::load(&fine_types::default_dir()).unwrap();
    let seg = Segmenter::new().segment(text, Some("en"));
    assert_eq!(seg.sentences.len(), 1, "{text:?} is one sentence");
    let spans = names
        .iter()
        .map(|(phrase, label)| {
            let begin = text.find(phrase).unwrap();
            let end = begin + phrase.len();
            let start = seg
                .tokens
                .iter()
                .position(|t| t.span.start == begin)
                .unwrap();
            let last = seg.tokens.iter().position(|t| t.span.end == end).unwrap();
            NameSpan {
                start,
                end: last + 1,
                label: *label,
            }
        })
        .collect();
    let mut entities = assemble(text, &seg, &[spans]).unwrap();
    model.assign(&seg, &mut entities);
    entities
        .into_iter()
        .filter(|e| e.entity_type.is_name())
        .map(|e| (e.name, e.fine_type))
        .collect()
}

fn fine_type(found: &[(String, Option<FineType>)], name: &str) -> Option<FineType> {
    found
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no entity {name:?} in {found:?}"))
        .1
}

#[test]
fn a_nationality_is_norp_and_an_airport_is_a_facility() {
    let found = fine_types_of(
        "Ukrainian officials flew home from Heathrow Airport on Sunday after talks in Geneva.",
        &[
            ("Ukrainian", NameLabel::Misc),
            ("Heathrow Airport", NameLabel::Location),
            ("Geneva", NameLabel::Location),
        ],
    );
    assert_eq!(fine_type(&found, "Ukrainian"), Some(FineType::Norp));
    assert_eq!(fine_type(&found, "Heathrow Airport"), Some(FineType::Fac));
    assert_eq!(fine_type(&found, "Geneva"), Some(FineType::Gpe));
}

#[test]
fn a_person_never_gets_a_fine_type() {
    let found = fine_types_of(
        "Maria Okonkwo, the chief executive, said sales rose.",
        &[("Maria Okonkwo", NameLabel::Person)],
    );
    assert_eq!(fine_type(&found, "Maria Okonkwo"), None);
    assert!(EntityType::Person.is_name());
}
