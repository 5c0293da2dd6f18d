//! Lookup for a tagging box: whole names before prefixes, priors within,
//! type and base filters, and bounded work on a name shared by thousands.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use copydesk_knowledge::{Base, CoarseType, Entry, Kind, Knowledge, KnowledgeBase, Query, lookup};

fn base(name: &str, newsroom: bool, entries: Vec<Entry>) -> Arc<KnowledgeBase> {
    Arc::new(KnowledgeBase::new(Base {
        name: name.to_owned(),
        version: String::new(),
        paths: Vec::new(),
        sha256: String::new(),
        newsroom,
        entries,
    }))
}

fn place(id: &str, name: &str, kind: Kind, prior: f32) -> Entry {
    Entry::new(id, name, CoarseType::Location, kind, prior)
}

fn query(text: &str) -> Query<'_> {
    Query {
        text,
        coarse: None,
        bases: &[],
        limit: 10,
        prefix: true,
    }
}

#[test]
fn whole_names_first_then_priors() {
    let knowledge = Knowledge::new();
    let mut kaohsiung = place("k", "Kaohsiung", Kind::City, 0.79);
    kaohsiung.aliases = vec!["Kaohsiung City".to_owned()];
    let mut ukraine = place("ua", "Ukraine", Kind::Country, 1.0);
    ukraine.demonyms = vec!["Ukrainian".to_owned()];
    knowledge.install(
        base(
            "default",
            false,
            vec![
                kaohsiung,
                place("kao", "Kao", Kind::City, 0.5),
                place("kaoh", "Kaohsiung County", Kind::Region, 0.8),
                ukraine,
            ],
        ),
        None,
        &[],
    );
    let mut tag = Entry::new(
        "tag:kaohsiung",
        "Kaohsiung",
        CoarseType::Misc,
        Kind::Topic,
        0.5,
    );
    tag.url = "https://desk.example/kaohsiung".to_owned();
    knowledge.install(base("newsroom", true, vec![tag]), None, &[]);
    let snapshot = knowledge.snapshot();

    let hits = lookup(&snapshot, &query("kaoh"));
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| h.entry().unwrap().id.as_str())
        .collect();
    assert_eq!(ids, ["kaoh", "k", "tag:kaohsiung"]);
    assert!(hits.iter().all(|h| !h.exact && h.score <= 0.5));

    let hits = lookup(&snapshot, &query("KAOHSIUNG"));
    assert!(hits[0].exact && hits[0].score > 0.5);
    assert_eq!(hits[0].entry().unwrap().id, "k");
    assert_eq!(hits[0].matched(), "Kaohsiung");

    // Type and base filters, exact only.
    let only = ["newsroom".to_owned()];
    let hits = lookup(
        &snapshot,
        &Query {
            bases: &only,
            ..query("Kaohsiung")
        },
    );
    assert_eq!(hits.len(), 1);
    let hits = lookup(
        &snapshot,
        &Query {
            coarse: Some(CoarseType::Misc),
            prefix: false,
            ..query("ukrainian")
        },
    );
    assert_eq!(hits.len(), 1);
    assert!(hits[0].nationality());
    assert!(lookup(&snapshot, &query("  ")).is_empty());
}

#[test]
fn a_name_shared_by_ten_thousand_entries_is_bounded() {
    let entries: Vec<Entry> = (0..10_000)
        .map(|i| {
            let mut e = place(
                &format!("s{i}"),
                &format!("Springfield {i}"),
                Kind::City,
                (i % 1000) as f32 / 1000.0,
            );
            e.aliases = vec!["Springfield".to_owned()];
            e
        })
        .collect();
    let knowledge = Knowledge::new();
    knowledge.install(base("default", false, entries), None, &[]);
    let snapshot = knowledge.snapshot();
    let hits = lookup(
        &snapshot,
        &Query {
            limit: 100,
            ..query("springfield")
        },
    );
    assert_eq!(hits.len(), 100);
    assert!(hits[0].exact);
    assert!((hits[0].score - (0.5 + 0.5 * 0.999)).abs() < 1e-4);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}
