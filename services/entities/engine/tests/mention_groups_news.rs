//! Grouping, types, possessives and salience on news stories written for
//! these tests, with the names a model would find given by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_entities::recognizer::check_language;
use copydesk_entities::{Entity, EntityType, Error, MentionKind, assemble};
use copydesk_ner::{NameLabel, NameSpan};
use copydesk_segmenter::{Language, Segmentation, Segmenter};

/// A story and the names "the model" found in it.
struct Story<'t> {
    text: &'t str,
    seg: Segmentation<'t>,
    names: Vec<Vec<NameSpan>>,
}

impl<'t> Story<'t> {
    fn new(text: &'t str) -> Self {
        let seg = Segmenter::new().segment(text, Some("en"));
        let names = vec![Vec::new(); seg.sentences.len()];
        Story { text, seg, names }
    }

    /// Tags the `nth` occurrence of `phrase` (whole tokens) with `label`.
    fn tag(mut self, phrase: &str, nth: usize, label: NameLabel) -> Self {
        let (begin, _) = self
            .text
            .match_indices(phrase)
            .nth(nth)
            .unwrap_or_else(|| panic!("{phrase:?} #{nth} not in the story"));
        let end = begin + phrase.len();
        let first = self
            .seg
            .tokens
            .iter()
            .position(|t| t.span.start == begin)
            .unwrap_or_else(|| panic!("no token starts {phrase:?}"));
        let last = self
            .seg
            .tokens
            .iter()
            .position(|t| t.span.end == end)
            .unwrap_or_else(|| panic!("no token ends {phrase:?}"));
        let (i, sentence) = self
            .seg
            .sentences
            .iter()
            .enumerate()
            .find(|(_, s)| s.token_start <= first && first < s.token_end)
            .unwrap();
        self.names[i].push(NameSpan {
            start: first - sentence.token_start,
            end: last + 1 - sentence.token_start,
            label,
        });
        self
    }

    fn entities(&self) -> Vec<Entity> {
        assemble(self.text, &self.seg, &self.names).unwrap()
    }
}

fn named<'e>(entities: &'e [Entity], name: &str) -> &'e Entity {
    entities.iter().find(|e| e.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = entities.iter().map(|e| e.name.as_str()).collect();
        panic!("no entity {name:?}; have {names:?}")
    })
}

fn mentions(entity: &Entity) -> Vec<(&str, MentionKind)> {
    entity
        .mentions
        .iter()
        .map(|m| (m.text.as_str(), m.kind))
        .collect()
}

const MOON: &str = "Moon vows new talks with Pyongyang\n\n\
South Korean President Moon Jae-in said on Monday he was ready to meet the North's leader again. \
Moon's aides said a summit could come as early as next month. \
Officials in Seoul said Moon would travel by train.";

fn moon_story() -> Story<'static> {
    Story::new(MOON)
        .tag("Moon", 0, NameLabel::Person)
        .tag("Pyongyang", 0, NameLabel::Location)
        .tag("South Korean", 0, NameLabel::Misc)
        .tag("Moon Jae-in", 0, NameLabel::Person)
        // The model's span takes the clitic along: it must be trimmed.
        .tag("Moon's", 0, NameLabel::Person)
        .tag("Seoul", 0, NameLabel::Location)
        // A lone surname mis-tagged: the full name's type wins.
        .tag("Moon", 3, NameLabel::Location)
}

#[test]
fn full_name_and_later_surname_are_one_person() {
    let story = moon_story();
    let entities = story.entities();
    let moon = named(&entities, "Moon Jae-in");
    assert_eq!(moon.entity_type, EntityType::Person);
    assert_eq!(
        mentions(moon),
        vec![
            ("Moon", MentionKind::Partial),
            ("Moon Jae-in", MentionKind::Proper),
            ("Moon", MentionKind::Partial),
            ("Moon", MentionKind::Partial),
        ]
    );
    assert_eq!(
        entities
            .iter()
            .filter(|e| e.name.starts_with("Moon"))
            .count(),
        1,
        "{entities:?}"
    );
}

#[test]
fn a_possessive_clitic_is_not_part_of_the_mention() {
    let story = moon_story();
    let entities = story.entities();
    let moon = named(&entities, "Moon Jae-in");
    let possessive = MOON.find("Moon's").unwrap();
    let m = moon
        .mentions
        .iter()
        .find(|m| m.span.start == possessive)
        .unwrap();
    assert_eq!(m.text, "Moon");
    assert_eq!(m.span.end, possessive + "Moon".len());
}

#[test]
fn the_headline_subject_is_the_most_salient_entity() {
    let entities = moon_story().entities();
    assert_eq!(entities[0].name, "Moon Jae-in");
    let total: f32 = entities.iter().map(|e| e.salience).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
    for pair in entities.windows(2) {
        assert!(pair[0].salience >= pair[1].salience, "{entities:?}");
    }
    for e in &entities {
        assert!((0.0..=1.0).contains(&e.salience));
    }
    // A name mentioned once in the body ranks below one in the headline,
    // and dates rank below names.
    let seoul = named(&entities, "Seoul").salience;
    let pyongyang = named(&entities, "Pyongyang").salience;
    let monday = named(&entities, "Monday").salience;
    assert!(pyongyang > seoul, "{pyongyang} {seoul}");
    assert!(seoul > monday, "{seoul} {monday}");
}

#[test]
fn an_acronym_defined_in_brackets_joins_its_expansion() {
    let text = "Taiwan's National Security Bureau (NSB) said on Tuesday it had tracked the ships. \
        The NSB declined to say how many there were.";
    let entities = Story::new(text)
        .tag("Taiwan", 0, NameLabel::Location)
        .tag("National Security Bureau", 0, NameLabel::Organization)
        // The first "NSB" is left untagged, as models often do in brackets.
        .tag("NSB", 1, NameLabel::Organization)
        .entities();
    let nsb = named(&entities, "National Security Bureau");
    assert_eq!(nsb.entity_type, EntityType::Organization);
    assert_eq!(
        mentions(nsb),
        vec![
            ("National Security Bureau", MentionKind::Proper),
            ("NSB", MentionKind::Acronym),
            ("NSB", MentionKind::Acronym),
        ]
    );
    assert_eq!(named(&entities, "Taiwan").mentions[0].text, "Taiwan");
}

#[test]
fn an_acronym_without_brackets_joins_by_its_initials() {
    let text = "The Federal Bureau of Investigation opened an inquiry. \
        An FBI spokesman said agents had visited the site.";
    let entities = Story::new(text)
        .tag(
            "Federal Bureau of Investigation",
            0,
            NameLabel::Organization,
        )
        .tag("FBI", 0, NameLabel::Organization)
        .entities();
    let fbi = named(&entities, "Federal Bureau of Investigation");
    assert_eq!(
        mentions(fbi),
        vec![
            ("Federal Bureau of Investigation", MentionKind::Proper),
            ("FBI", MentionKind::Acronym),
        ]
    );
}

#[test]
fn the_full_mention_decides_the_type() {
    let text = "Venezuelan President Nicolas Maduro said the opposition had failed. \
        Maduro, who has ruled since 2013, blamed Washington for the crisis.";
    let entities = Story::new(text)
        .tag("Venezuelan", 0, NameLabel::Misc)
        .tag("Nicolas Maduro", 0, NameLabel::Person)
        .tag("Maduro", 1, NameLabel::Location)
        .tag("Washington", 0, NameLabel::Location)
        .entities();
    let maduro = named(&entities, "Nicolas Maduro");
    assert_eq!(maduro.entity_type, EntityType::Person);
    assert_eq!(
        mentions(maduro),
        vec![
            ("Nicolas Maduro", MentionKind::Proper),
            ("Maduro", MentionKind::Partial),
        ]
    );
    assert_eq!(
        named(&entities, "Washington").entity_type,
        EntityType::Location
    );
    assert_eq!(named(&entities, "2013").entity_type, EntityType::Date);
}

#[test]
fn exact_repeats_are_one_entity_and_short_forms_of_other_types_are_not_merged() {
    let text = "Korea Electric Power said it would raise prices. \
        Korea Electric Power shares fell in Korea on the news.";
    let entities = Story::new(text)
        .tag("Korea Electric Power", 0, NameLabel::Organization)
        .tag("Korea Electric Power", 1, NameLabel::Organization)
        .tag("Korea", 2, NameLabel::Location)
        .entities();
    let kepco = named(&entities, "Korea Electric Power");
    assert_eq!(kepco.mentions.len(), 2);
    assert!(kepco.mentions.iter().all(|m| m.kind == MentionKind::Proper));
    assert_eq!(named(&entities, "Korea").entity_type, EntityType::Location);
}

#[test]
fn a_shared_surname_goes_to_the_person_mentioned_last() {
    let text = "Kim Jong-un inspected a factory. His sister Kim Yo-jong issued a statement. \
        Kim said the drills were a provocation.";
    let entities = Story::new(text)
        .tag("Kim Jong-un", 0, NameLabel::Person)
        .tag("Kim Yo-jong", 0, NameLabel::Person)
        .tag("Kim", 2, NameLabel::Person)
        .entities();
    assert_eq!(named(&entities, "Kim Yo-jong").mentions.len(), 2);
    assert_eq!(named(&entities, "Kim Jong-un").mentions.len(), 1);
}

#[test]
fn model_spans_outside_the_sentence_are_an_error() {
    let text = "Officials met.";
    let seg = Segmenter::new().segment(text, Some("en"));
    let names = vec![vec![NameSpan {
        start: 1,
        end: 9,
        label: NameLabel::Person,
    }]];
    assert!(matches!(
        assemble(text, &seg, &names),
        Err(Error::ModelSpan { .. })
    ));
}

#[test]
fn unsupported_languages_are_refused_by_name() {
    let error = check_language(&Language::given("fr")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "language fr is not supported for entities; supported: en"
    );
    check_language(&Language::given("en-GB")).unwrap();
    check_language(&Language::default()).unwrap();
}
