//! The ambiguity cases of issue 13 on a small invented base: the context
//! of the story, the entity's other mentions and the dateline decide, and
//! without enough of them there is no link.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use copydesk_knowledge::{
    Base, ByteSpan, CoarseType, Document, FineType, InputEntity, InputMention, Knowledge,
    KnowledgeBase, Linked, Options, Snapshot, load,
};

const PLACES: &str = r#"
{"id":"c:ge","name":"Georgia","type":"LOCATION","kind":"country","prior":1,"country_code":"GE","demonyms":["Georgian","Georgians"]}
{"id":"c:us","name":"United States","aliases":["U.S.","US","USA","America"],"type":"LOCATION","kind":"country","prior":1,"country_code":"US","demonyms":["American","Americans"]}
{"id":"r:us-ga","name":"Georgia","type":"LOCATION","kind":"region","prior":0.879,"country_code":"US","parent":"c:us","population":10700000}
{"id":"p:atlanta","name":"Atlanta","type":"LOCATION","kind":"city","prior":0.712,"country_code":"US","parent":"r:us-ga","population":498000}
{"id":"p:tbilisi","name":"Tbilisi","type":"LOCATION","kind":"city","prior":0.755,"country_code":"GE","parent":"c:ge","population":1100000}
{"id":"r:us-il","name":"Illinois","type":"LOCATION","kind":"region","prior":0.888,"country_code":"US","parent":"c:us"}
{"id":"r:us-mo","name":"Missouri","type":"LOCATION","kind":"region","prior":0.84,"country_code":"US","parent":"c:us"}
{"id":"r:us-ma","name":"Massachusetts","aliases":["Mass."],"type":"LOCATION","kind":"region","prior":0.856,"country_code":"US","parent":"c:us"}
{"id":"p:springfield-il","name":"Springfield","type":"LOCATION","kind":"city","prior":0.633,"country_code":"US","parent":"r:us-il"}
{"id":"p:springfield-mo","name":"Springfield","type":"LOCATION","kind":"city","prior":0.653,"country_code":"US","parent":"r:us-mo"}
{"id":"p:springfield-ma","name":"Springfield","type":"LOCATION","kind":"city","prior":0.649,"country_code":"US","parent":"r:us-ma"}
{"id":"r:us-dc","name":"District of Columbia","type":"LOCATION","kind":"region","prior":0.73,"country_code":"US","parent":"c:us"}
{"id":"p:washington","name":"Washington","aliases":["Washington, D.C.","Washington DC"],"type":"LOCATION","kind":"city","prior":0.73,"country_code":"US","parent":"r:us-dc","population":689000}
{"id":"r:us-wa","name":"Washington","aliases":["Washington State"],"type":"LOCATION","kind":"region","prior":0.861,"country_code":"US","parent":"c:us"}
{"id":"p:seattle","name":"Seattle","type":"LOCATION","kind":"city","prior":0.733,"country_code":"US","parent":"r:us-wa"}
{"id":"c:au","name":"Australia","type":"LOCATION","kind":"country","prior":1,"country_code":"AU","demonyms":["Australian"]}
{"id":"r:au-vic","name":"Victoria","type":"LOCATION","kind":"region","prior":0.852,"country_code":"AU","parent":"c:au"}
{"id":"p:melbourne","name":"Melbourne","type":"LOCATION","kind":"city","prior":0.836,"country_code":"AU","parent":"r:au-vic","population":4900000}
{"id":"c:ca","name":"Canada","type":"LOCATION","kind":"country","prior":1,"country_code":"CA","demonyms":["Canadian"]}
{"id":"r:ca-bc","name":"British Columbia","type":"LOCATION","kind":"region","prior":0.83,"country_code":"CA","parent":"c:ca"}
{"id":"p:victoria-bc","name":"Victoria","type":"LOCATION","kind":"city","prior":0.62,"country_code":"CA","parent":"r:ca-bc"}
{"id":"p:victoria-sc","name":"Victoria","type":"LOCATION","kind":"city","prior":0.552,"country_code":"SC"}
{"id":"c:tw","name":"Taiwan","type":"LOCATION","kind":"country","prior":1,"country_code":"TW","demonyms":["Taiwanese"]}
{"id":"r:tw-ttt","name":"Taitung","type":"LOCATION","kind":"region","prior":0.667,"country_code":"TW","parent":"c:tw"}
{"id":"p:taitung","name":"Taitung City","aliases":["Taitung"],"type":"LOCATION","kind":"city","prior":0.628,"country_code":"TW","parent":"r:tw-ttt"}
{"id":"r:tw-khh","name":"Kaohsiung City","aliases":["Kaohsiung"],"type":"LOCATION","kind":"region","prior":0.7,"country_code":"TW","parent":"c:tw","subdivision_type":"Special municipality"}
{"id":"p:kaohsiung","name":"Kaohsiung","type":"LOCATION","kind":"city","prior":0.805,"country_code":"TW","parent":"c:tw","population":2737660}
{"id":"c:cg","name":"Republic of the Congo","aliases":["Congo","Congo-Brazzaville"],"type":"LOCATION","kind":"country","prior":1,"country_code":"CG"}
{"id":"c:cd","name":"Democratic Republic of the Congo","aliases":["Congo","DR Congo","Congo-Kinshasa"],"type":"LOCATION","kind":"country","prior":1,"country_code":"CD"}
{"id":"p:kinshasa","name":"Kinshasa","type":"LOCATION","kind":"city","prior":0.86,"country_code":"CD","parent":"c:cd","population":7800000}
{"id":"p:brazzaville","name":"Brazzaville","type":"LOCATION","kind":"city","prior":0.763,"country_code":"CG","parent":"c:cg","population":1280000}
{"id":"c:gb","name":"United Kingdom","aliases":["UK","Britain"],"type":"LOCATION","kind":"country","prior":1,"country_code":"GB","demonyms":["British"]}
{"id":"p:london","name":"London","type":"LOCATION","kind":"city","prior":0.869,"country_code":"GB","parent":"c:gb","population":8900000}
{"id":"p:cambridge-gb","name":"Cambridge","type":"LOCATION","kind":"city","prior":0.638,"country_code":"GB","parent":"c:gb"}
{"id":"p:cambridge-ma","name":"Cambridge","type":"LOCATION","kind":"city","prior":0.634,"country_code":"US","parent":"r:us-ma"}
{"id":"p:boston","name":"Boston","type":"LOCATION","kind":"city","prior":0.724,"country_code":"US","parent":"r:us-ma"}
{"id":"c:sd","name":"Sudan","type":"LOCATION","kind":"country","prior":1,"country_code":"SD","demonyms":["Sudanese"]}
{"id":"p:khartoum","name":"Khartoum","type":"LOCATION","kind":"city","prior":0.787,"country_code":"SD","parent":"c:sd","population":1970000}
{"id":"r:cm-su","name":"South","type":"LOCATION","kind":"region","prior":0.73,"country_code":"CM"}
{"id":"c:ua","name":"Ukraine","type":"LOCATION","kind":"country","prior":1,"country_code":"UA","demonyms":["Ukrainian","Ukrainians"]}
{"id":"p:kyiv","name":"Kyiv","aliases":["Kiev"],"type":"LOCATION","kind":"city","prior":0.79,"country_code":"UA","parent":"c:ua","population":2900000}
{"id":"org:un","name":"United Nations","aliases":["UN"],"type":"ORGANIZATION","kind":"organisation","prior":0.9}
{"id":"p:kyoto","name":"Kyoto","type":"LOCATION","kind":"city","prior":0.77,"country_code":"JP","population":1460000}
{"id":"co:warner","name":"Warner Bros.","aliases":["Warner Brothers"],"type":"ORGANIZATION","kind":"company","prior":0.8}
{"id":"co:exxon","name":"ExxonMobil","aliases":["Exxon"],"type":"ORGANIZATION","kind":"company","prior":0.8}
{"id":"co:shell","name":"Shell plc","aliases":["Shell"],"type":"ORGANIZATION","kind":"company","prior":0.4}
{"id":"org:kmt","name":"Kuomintang","aliases":["KMT"],"type":"ORGANIZATION","kind":"organisation","prior":0.9}
{"id":"co:ralph-lauren","name":"Ralph Lauren Corporation","aliases":["Ralph Lauren"],"type":"ORGANIZATION","kind":"company","prior":0.8}
{"id":"co:kyoto-bank","name":"Kyoto Bank","type":"ORGANIZATION","kind":"company","prior":0.8}
{"id":"p:smallville","name":"Smallville","type":"LOCATION","kind":"city","prior":0.52,"country_code":"US","population":16000}
"#;

fn snapshot() -> Arc<Snapshot> {
    let entries = load::parse(Path::new("places.jsonl"), PLACES).unwrap();
    let knowledge = Knowledge::new();
    knowledge.install(
        Arc::new(KnowledgeBase::new(Base {
            name: "default".to_owned(),
            version: "test".to_owned(),
            paths: Vec::new(),
            sha256: String::new(),
            newsroom: false,
            entries,
        })),
        None,
        &[],
    );
    knowledge.snapshot()
}

/// An entity with a mention at every place its name (or one of `others`)
/// occurs in `text`.
fn entity(text: &str, name: &str, coarse: CoarseType, others: &[&str]) -> InputEntity {
    let mut mentions = Vec::new();
    for form in std::iter::once(name).chain(others.iter().copied()) {
        for (at, _) in text.match_indices(form) {
            let span = ByteSpan::new(at, at + form.len());
            if !mentions
                .iter()
                .any(|m: &InputMention| m.span.overlaps(&span))
            {
                mentions.push(InputMention {
                    span,
                    text: form.to_owned(),
                });
            }
        }
    }
    assert!(!mentions.is_empty(), "{name} is not in the text");
    mentions.sort_by_key(|m| m.span);
    InputEntity {
        name: name.to_owned(),
        coarse: Some(coarse),
        mentions,
        salience: 0.1,
    }
}

/// The segmenter's tokens, as the knowledge server receives them.
fn tokens(text: &str) -> Vec<ByteSpan> {
    copydesk_segmenter::tokenizer::tokenize(text)
        .iter()
        .map(|token| ByteSpan::new(token.span.start, token.span.end))
        .collect()
}

fn run(text: &str, entities: &[InputEntity], add_missed: bool) -> Linked {
    let tokens = tokens(text);
    let document = Document {
        text,
        tokens: &tokens,
        entities,
    };
    copydesk_knowledge::link(
        &snapshot(),
        &document,
        &Options {
            threshold: copydesk_knowledge::DEFAULT_THRESHOLD,
            bases: &[],
            add_missed,
        },
    )
}

/// The id each entity links to in the default base ("" for none).
fn linked_ids(text: &str, entities: &[InputEntity]) -> Vec<String> {
    run(text, entities, false)
        .entities
        .iter()
        .map(|e| {
            e.links
                .first()
                .and_then(|l| l.entry())
                .map_or(String::new(), |e| e.id.clone())
        })
        .collect()
}

/// The type the linker gave `entity` (None: the NER's stands), the id it
/// links to and the finer type of that link.
fn retyped(
    text: &str,
    entity: InputEntity,
) -> (Option<CoarseType>, Option<String>, Option<FineType>) {
    let linked = run(text, &[entity], false);
    let e = &linked.entities[0];
    let id = e
        .links
        .first()
        .and_then(|l| l.entry())
        .map(|x| x.id.clone());
    (e.coarse, id, e.fine_type)
}

fn loc(text: &str, name: &str) -> InputEntity {
    entity(text, name, CoarseType::Location, &[])
}

#[test]
fn georgia_is_the_country_or_the_state_by_context() {
    let text = "Protesters marched in Tbilisi, the capital of Georgia.";
    let ids = linked_ids(text, &[loc(text, "Tbilisi"), loc(text, "Georgia")]);
    assert_eq!(ids, ["p:tbilisi", "c:ge"]);

    let text = "Voters in Atlanta, Georgia, queued for hours.";
    let ids = linked_ids(text, &[loc(text, "Atlanta"), loc(text, "Georgia")]);
    assert_eq!(ids, ["p:atlanta", "r:us-ga"]);
}

#[test]
fn springfield_needs_its_state() {
    let text = "The plant in Springfield, Illinois, closed.";
    let ids = linked_ids(text, &[loc(text, "Springfield"), loc(text, "Illinois")]);
    assert_eq!(ids, ["p:springfield-il", "r:us-il"]);

    let text = "The plant in Springfield closed.";
    assert_eq!(linked_ids(text, &[loc(text, "Springfield")]), [""]);
}

#[test]
fn washington_city_state_or_person() {
    let text = "Rain fell on Seattle and across Washington on Sunday.";
    let ids = linked_ids(text, &[loc(text, "Seattle"), loc(text, "Washington")]);
    assert_eq!(ids, ["p:seattle", "r:us-wa"]);

    // The entity's other mention says which.
    let text = "Talks in Washington, D.C. went on. Washington said no.";
    let e = entity(
        text,
        "Washington, D.C.",
        CoarseType::Location,
        &["Washington"],
    );
    assert_eq!(linked_ids(text, &[e]), ["p:washington"]);

    // A person is not a place.
    let text = "Washington crossed the Delaware.";
    let e = entity(text, "Washington", CoarseType::Person, &[]);
    assert_eq!(linked_ids(text, &[e]), [""]);
}

#[test]
fn victoria_state_or_city() {
    let text = "Fires spread across Victoria, east of Melbourne.";
    let ids = linked_ids(text, &[loc(text, "Victoria"), loc(text, "Melbourne")]);
    assert_eq!(ids, ["r:au-vic", "p:melbourne"]);

    let text = "Victoria, the capital of British Columbia, flooded.";
    let ids = linked_ids(
        text,
        &[loc(text, "Victoria"), loc(text, "British Columbia")],
    );
    assert_eq!(ids, ["p:victoria-bc", "r:ca-bc"]);
}

#[test]
fn taitung_county_or_city() {
    let text = "Taitung County said the typhoon reached Taitung City at noon.";
    let ids = linked_ids(
        text,
        &[loc(text, "Taitung County"), loc(text, "Taitung City")],
    );
    assert_eq!(ids, ["r:tw-ttt", "p:taitung"]);

    // "Taitung" alone, elsewhere called "Taitung County": the county.
    let text = "Taitung County is quiet. In Taitung, schools shut.";
    let e = entity(text, "Taitung County", CoarseType::Location, &["Taitung"]);
    assert_eq!(linked_ids(text, &[e]), ["r:tw-ttt"]);
}

#[test]
fn a_city_and_its_city_level_subdivision_are_one_place() {
    // Kaohsiung the city and Kaohsiung City the special municipality are
    // the same place: they do not split the confidence, even in a story
    // whose other places are elsewhere.
    let text = "Ukrainian officials met their counterparts in Kaohsiung on Monday.";
    let ukrainian = entity(text, "Ukrainian", CoarseType::Misc, &[]);
    let ids = linked_ids(text, &[ukrainian, loc(text, "Kaohsiung")]);
    assert_eq!(ids, ["c:ua", "p:kaohsiung"]);
    // The subdivision's own name is the subdivision.
    let text = "Kaohsiung City said the port would reopen.";
    assert_eq!(
        linked_ids(text, &[loc(text, "Kaohsiung City")]),
        ["r:tw-khh"]
    );
}

#[test]
fn a_name_the_text_places_is_linked_and_typed_as_a_place() {
    let typed = |text: &str, entity: InputEntity| {
        let (coarse, id, _) = retyped(text, entity);
        (coarse, id)
    };
    let org = |text: &str, name: &str| entity(text, name, CoarseType::Organization, &[]);

    // Every mention after a locative preposition: a place.
    let text = "The company, based in Kyoto, raised its forecast.";
    assert_eq!(
        typed(text, org(text, "Kyoto")),
        (Some(CoarseType::Location), Some("p:kyoto".to_owned()))
    );
    let text = "Aid from Kyoto arrived; more came in Kyoto later.";
    assert_eq!(
        typed(text, org(text, "Kyoto")).0,
        Some(CoarseType::Location)
    );
    // Named alone too, as a club or a company would be: left to the NER.
    let text = "Kyoto won at home; fans in Kyoto cheered.";
    assert_eq!(typed(text, org(text, "Kyoto")), (None, None));
    let text = "Kyoto said profit rose.";
    assert_eq!(typed(text, org(text, "Kyoto")), (None, None));
    // A name with an entry of its own type is that entry.
    let text = "Staff in UN offices were told to stay home.";
    assert_eq!(
        typed(text, org(text, "UN")),
        (None, Some("org:un".to_owned()))
    );
    // A place too small to outweigh the NER's judgement.
    let text = "He grew up in Smallville.";
    let person = entity(text, "Smallville", CoarseType::Person, &[]);
    assert_eq!(typed(text, person), (None, None));
}

#[test]
fn an_organisation_name_is_linked_and_typed_as_an_organisation() {
    let typed = retyped;
    let organisation = Some(CoarseType::Organization);

    // The whole name is a company's: an organisation, whatever the NER said.
    let text = "Warner Bros. said the film would open in March.";
    let person = entity(text, "Warner Bros.", CoarseType::Person, &[]);
    assert_eq!(
        typed(text, person),
        (
            organisation,
            Some("co:warner".to_owned()),
            Some(FineType::Org)
        )
    );
    let text = "Exxon and its rivals cut output.";
    let misc = entity(text, "Exxon", CoarseType::Misc, &[]);
    assert_eq!(typed(text, misc).0, organisation);
    // A party of the hand-written table, after "the" too.
    let text = "Lawmakers of the Kuomintang walked out.";
    let misc = entity(text, "Kuomintang", CoarseType::Misc, &[]);
    assert_eq!(
        typed(text, misc),
        (
            organisation,
            Some("org:kmt".to_owned()),
            Some(FineType::Org)
        )
    );
    // A person's full name that is also a company's stays the person's.
    let text = "Ralph Lauren showed his collection.";
    let person = entity(text, "Ralph Lauren", CoarseType::Person, &[]);
    assert_eq!(typed(text, person), (None, None, None));
    // A company whose name is an English word is left to the NER.
    let text = "Shell raised its dividend.";
    let person = entity(text, "Shell", CoarseType::Person, &[]);
    assert_eq!(typed(text, person), (None, None, None));
    // After "the" or a locative preposition the name is a place's.
    let text = "Troops in the Exxon were moved.";
    let location = loc(text, "Exxon");
    assert_eq!(typed(text, location), (None, None, None));
    // A shorter mention matching a company does not make the entity one.
    let text = "Kyoto Bank Street was closed; Kyoto Bank Street reopened.";
    let location = entity(
        text,
        "Kyoto Bank Street",
        CoarseType::Location,
        &["Kyoto Bank"],
    );
    assert_eq!(typed(text, location).0, None);
    // A name the base also has as a place of the NER's type stays a place.
    let text = "Kyoto said profit rose.";
    assert_eq!(typed(text, loc(text, "Kyoto")).0, None);
}

#[test]
fn congo_is_one_of_two_countries() {
    let text = "Aid reached Congo this week.";
    assert_eq!(linked_ids(text, &[loc(text, "Congo")]), [""]);

    let text = "Aid reached Congo this week; in Kinshasa, officials agreed.";
    let ids = linked_ids(text, &[loc(text, "Congo"), loc(text, "Kinshasa")]);
    assert_eq!(ids, ["c:cd", "p:kinshasa"]);

    let text = "Fighting in Brazzaville spread across Congo.";
    let ids = linked_ids(text, &[loc(text, "Brazzaville"), loc(text, "Congo")]);
    assert_eq!(ids, ["p:brazzaville", "c:cg"]);

    let text = "DR Congo held elections.";
    assert_eq!(linked_ids(text, &[loc(text, "DR Congo")]), ["c:cd"]);
}

#[test]
fn cambridge_uk_or_massachusetts() {
    let text = "Researchers in Cambridge and Boston shared data.";
    let ids = linked_ids(text, &[loc(text, "Cambridge"), loc(text, "Boston")]);
    assert_eq!(ids, ["p:cambridge-ma", "p:boston"]);

    let text = "The train from London to Cambridge was late.";
    let ids = linked_ids(text, &[loc(text, "London"), loc(text, "Cambridge")]);
    assert_eq!(ids, ["p:london", "p:cambridge-gb"]);

    // The dateline alone decides.
    let text = "CAMBRIDGE, Mass. (AP) — The university said Cambridge would grow.";
    let e = entity(text, "Cambridge", CoarseType::Location, &["CAMBRIDGE"]);
    assert_eq!(linked_ids(text, &[e]), ["p:cambridge-ma"]);

    let text = "Cambridge is growing.";
    assert_eq!(linked_ids(text, &[loc(text, "Cambridge")]), [""]);
}

#[test]
fn the_south_links_nowhere() {
    let text = "Fighting spread from Khartoum to the South of Sudan.";
    let ids = linked_ids(
        text,
        &[
            loc(text, "Khartoum"),
            loc(text, "South"),
            loc(text, "Sudan"),
        ],
    );
    assert_eq!(ids, ["p:khartoum", "", "c:sd"]);
}

#[test]
fn demonyms_link_their_country_and_feed_its_topic() {
    let text = "Ukrainian troops held. Ukrainian officials said Ukrainian aid \
                arrived in Ukraine and Kyiv. Ukrainians and Ukrainian voters agreed.";
    let mut nationality = entity(text, "Ukrainian", CoarseType::Misc, &["Ukrainians"]);
    nationality.salience = 0.5;
    let mut country = loc(text, "Ukraine");
    country.salience = 0.1;
    let mut city = loc(text, "Kyiv");
    city.salience = 0.2;
    let linked = run(text, &[nationality, country, city], false);
    let link = &linked.entities[0].links[0];
    assert_eq!(link.entry().unwrap().id, "c:ua");
    assert_eq!(link.kind(), "nationality");
    assert_eq!(linked.entities[0].fine_type, Some(FineType::Norp));
    assert_eq!(linked.entities[1].fine_type, Some(FineType::Gpe));
    // Ukraine first: the nationality's salience counts towards it.
    let top = &linked.topics[0];
    assert_eq!(top.entry().unwrap().id, "c:ua");
    assert!((top.salience - 0.6).abs() < 1e-6);
    assert_eq!(top.entities, [0, 1]);
    assert_eq!(linked.topics[1].entry().unwrap().id, "p:kyiv");
}

#[test]
fn unambiguous_missed_names_are_added() {
    let text = "Officials from Ukraine met the UN in Kinshasa. Georgia and Ukraine agreed.";
    let un = entity(text, "UN", CoarseType::Organization, &[]);
    let kinshasa = loc(text, "Kinshasa");
    let linked = run(text, &[un, kinshasa], true);
    assert_eq!(linked.entities.len(), 2);
    assert_eq!(linked.entities[0].links[0].entry().unwrap().id, "org:un");
    // Ukraine (twice) added; Georgia is ambiguous, so left alone.
    assert_eq!(linked.added.len(), 1, "{:?}", linked.added);
    let added = &linked.added[0];
    assert_eq!(added.name, "Ukraine");
    assert_eq!(added.mentions.len(), 2);
    assert_eq!(added.links[0].entry().unwrap().id, "c:ua");
    assert_eq!(added.fine_type, Some(FineType::Gpe));
    let total: f32 = linked.entities.iter().map(|e| e.salience).sum::<f32>() + added.salience;
    assert!((total - 0.2).abs() < 1e-5, "{total}");

    // Kinshasa is a big city, but the NER found it: not added twice.
    assert!(linked.added.iter().all(|a| a.name != "Kinshasa"));

    // A company is added when its name is no English word.
    let text = "ExxonMobil said output fell. Shell said output rose.";
    let added: Vec<String> = run(text, &[], true)
        .added
        .iter()
        .map(|a| a.links[0].entry().unwrap().id.clone())
        .collect();
    assert_eq!(added, ["co:exxon"]);
}
