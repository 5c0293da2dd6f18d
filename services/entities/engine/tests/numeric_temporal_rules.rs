//! The rules on news sentences written for these tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_entities::{Entity, EntityType, MentionKind, assemble};
use copydesk_ner::{NameLabel, NameSpan};
use copydesk_segmenter::Segmenter;

/// The entities of `text` with no names from the model.
fn values(text: &str) -> Vec<Entity> {
    let seg = Segmenter::new().segment(text, Some("en"));
    assemble(text, &seg, &[]).unwrap()
}

/// The entity with a mention reading exactly `mention`; fails listing what
/// was found otherwise.
fn entity<'e>(entities: &'e [Entity], mention: &str) -> &'e Entity {
    entities
        .iter()
        .find(|e| e.mentions.iter().any(|m| m.text == mention))
        .unwrap_or_else(|| {
            let found: Vec<(&str, EntityType)> = entities
                .iter()
                .flat_map(|e| {
                    e.mentions
                        .iter()
                        .map(move |m| (m.text.as_str(), e.entity_type))
                })
                .collect();
            panic!("no mention {mention:?}; found {found:?}")
        })
}

fn check(text: &str, mention: &str, entity_type: EntityType, metadata: &[(&str, &str)]) {
    let entities = values(text);
    let e = entity(&entities, mention);
    assert_eq!(e.entity_type, entity_type, "{mention:?} in {text:?}");
    for (key, value) in metadata {
        assert_eq!(
            e.metadata.get(*key).map(String::as_str),
            Some(*value),
            "{key} of {mention:?}: {:?}",
            e.metadata
        );
    }
    let m = e.mentions.iter().find(|m| m.text == mention).unwrap();
    assert_eq!(&text[m.span.start..m.span.end], mention);
    assert_eq!(m.kind, MentionKind::Value);
}

fn absent(text: &str, mention: &str) {
    let entities = values(text);
    assert!(
        !entities
            .iter()
            .any(|e| e.mentions.iter().any(|m| m.text == mention)),
        "{mention:?} should not be an entity in {text:?}"
    );
}

#[test]
fn relative_dates() {
    let text = "Negotiators walked out yesterday after meeting from Monday to Tuesday.";
    check(text, "yesterday", EntityType::Date, &[]);
    check(text, "Monday to Tuesday", EntityType::Date, &[]);
    check(
        "Exports of rice fell sharply last week, the customs office said.",
        "last week",
        EntityType::Date,
        &[],
    );
    check(
        "The bridge will reopen earlier this year than planned.",
        "earlier this year",
        EntityType::Date,
        &[],
    );
    check(
        "Rents have risen in the past three years across the island.",
        "the past three years",
        EntityType::Date,
        &[],
    );
    check(
        "The mayor resigned 10 days ago amid a funding row.",
        "10 days ago",
        EntityType::Date,
        &[],
    );
}

#[test]
fn absolute_dates_are_normalised() {
    check(
        "The ferry terminal opened on July 4, 2019 after years of delays.",
        "July 4, 2019",
        EntityType::Date,
        &[("date", "2019-07-04")],
    );
    check(
        "The council will vote on Jan. 5 on the new budget.",
        "Jan. 5",
        EntityType::Date,
        &[("date", "--01-05")],
    );
    check(
        "The plant closed in March 2020 and never reopened.",
        "March 2020",
        EntityType::Date,
        &[("date", "2020-03")],
    );
    check(
        "The treaty was signed on 4 July 2019 in a lakeside town.",
        "4 July 2019",
        EntityType::Date,
        &[("date", "2019-07-04")],
    );
    check(
        "The filing is dated 2019-07-04 in the court records.",
        "2019-07-04",
        EntityType::Date,
        &[("date", "2019-07-04")],
    );
    check(
        "Turnout in the 2019 election was the lowest on record.",
        "2019",
        EntityType::Date,
        &[("date", "2019")],
    );
}

#[test]
fn decades() {
    check(
        "Housing prices in the city doubled in the 1990s, records show.",
        "the 1990s",
        EntityType::Date,
        &[("decade", "1990s")],
    );
}

#[test]
fn money_with_currencies_and_exact_values() {
    check(
        "The utility agreed to pay US$1.5 billion for the stake.",
        "US$1.5 billion",
        EntityType::Money,
        &[("currency", "USD"), ("value", "1500000000")],
    );
    check(
        "Tickets for the night market tour cost NT$300 each.",
        "NT$300",
        EntityType::Money,
        &[("currency", "TWD"), ("value", "300")],
    );
    check(
        "The carmaker posted a quarterly loss of $1.13bn on Thursday.",
        "$1.13bn",
        EntityType::Money,
        &[("currency", "USD"), ("value", "1130000000")],
    );
    check(
        "The club paid €20m for the striker.",
        "€20m",
        EntityType::Money,
        &[("currency", "EUR"), ("value", "20000000")],
    );
    check(
        "The grant is worth 300 million yuan over five years.",
        "300 million yuan",
        EntityType::Money,
        &[("currency", "CNY"), ("value", "300000000")],
    );
}

#[test]
fn percentages() {
    check(
        "Turnout reached 45.2% in the capital by noon.",
        "45.2%",
        EntityType::Percent,
        &[("value", "45.2")],
    );
    check(
        "Bus fares will rise 10 percent from next month.",
        "10 percent",
        EntityType::Percent,
        &[("value", "10")],
    );
}

#[test]
fn quantities_and_rates() {
    check(
        "The weather app is now opened 2.63 million times per day.",
        "2.63 million times per day",
        EntityType::Quantity,
        &[("value", "2630000"), ("unit", "times per day")],
    );
    check(
        "The storm dropped 30 cm of snow on the pass.",
        "30 cm",
        EntityType::Quantity,
        &[("value", "30"), ("unit", "cm")],
    );
}

#[test]
fn cardinals() {
    check(
        "Demand for the vaccine rose 10-fold within a month.",
        "10-fold",
        EntityType::Cardinal,
        &[("value", "10")],
    );
    check(
        "The army has massed 100,000 troops along the frontier.",
        "100,000",
        EntityType::Cardinal,
        &[("value", "100000")],
    );
    check(
        "Three fishermen were rescued off the coast.",
        "Three",
        EntityType::Cardinal,
        &[("value", "3")],
    );
    absent("No one was hurt in the blaze, firefighters said.", "one");
    check(
        "The ministry sent 2000 troops to the flooded province.",
        "2000",
        EntityType::Cardinal,
        &[("value", "2000")],
    );
}

#[test]
fn ordinals() {
    let text = "The champion was knocked out in the 5th round, her first defeat.";
    check(text, "5th", EntityType::Ordinal, &[("value", "5")]);
    check(text, "first", EntityType::Ordinal, &[("value", "1")]);
}

#[test]
fn times() {
    check(
        "Polls close at 10:30 a.m. and results are expected tonight.",
        "10:30 a.m.",
        EntityType::Time,
        &[("time", "10:30")],
    );
    check(
        "Polls close at 10:30 a.m. and results are expected tonight.",
        "tonight",
        EntityType::Time,
        &[],
    );
    check(
        "The curfew starts at 9 p.m. across the province.",
        "9 p.m.",
        EntityType::Time,
        &[("time", "21:00")],
    );
    check(
        "Rescuers searched the rubble for the past 24 hours.",
        "the past 24 hours",
        EntityType::Time,
        &[],
    );
}

#[test]
fn repeats_of_a_value_are_one_entity() {
    let text = "Wages rose 10 percent in the north. In the south they also rose 10 percent.";
    let entities = values(text);
    let e = entity(&entities, "10 percent");
    assert_eq!(e.mentions.len(), 2);
}

#[test]
fn names_win_over_rules() {
    let text = "Delegates of Agenda 2030 met in 2021.";
    let seg = Segmenter::new().segment(text, Some("en"));
    let names = vec![vec![NameSpan {
        start: 2,
        end: 4,
        label: NameLabel::Misc,
    }]];
    let entities = assemble(text, &seg, &names).unwrap();
    let agenda = entity(&entities, "Agenda 2030");
    assert_eq!(agenda.entity_type, EntityType::Misc);
    assert_eq!(agenda.mentions.len(), 1);
    assert_eq!(entity(&entities, "2021").entity_type, EntityType::Date);
    assert!(
        entities
            .iter()
            .all(|e| e.mentions.iter().all(|m| m.text != "2030")),
        "{entities:?}"
    );
}

#[test]
fn a_currency_sign_tagged_as_a_name_is_still_money() {
    let text = "The package is worth US$1.5 billion.";
    let seg = Segmenter::new().segment(text, Some("en"));
    // The model may take "US$" for a MISC name.
    let names = vec![vec![NameSpan {
        start: 4,
        end: 5,
        label: NameLabel::Misc,
    }]];
    let entities = assemble(text, &seg, &names).unwrap();
    let money = entity(&entities, "US$1.5 billion");
    assert_eq!(money.entity_type, EntityType::Money);
    assert_eq!(entities.len(), 1, "{entities:?}");
}
