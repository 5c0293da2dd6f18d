//! The knowledge server on 127.0.0.1:0 with small invented bases: linking,
//! lookup, live reload and bad bases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use copydesk_knowledge_server::KnowledgeConfig;
use copydesk_proto::v1::entity_linker_client::EntityLinkerClient;
use copydesk_proto::v1::{
    self, Document, Entity, EntityType, KnowledgeBase, LinkRequest, ListKnowledgeBasesRequest,
    LookupRequest, Mention, OffsetEncoding, Span,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::transport::Channel;

const SERVICE: &str = "copydesk.v1.EntityLinker";
/// How long a test waits for a reload it caused before failing.
const RELOAD_DEADLINE: Duration = Duration::from_secs(120);

const DEFAULT: &str = r#"{"id":"c:tw","name":"Taiwan","aliases":["Republic of China"],"type":"LOCATION","kind":"country","prior":1,"country_code":"TW","demonyms":["Taiwanese"],"url":"https://www.geonames.org/1668284","latitude":24,"longitude":121}
{"id":"r:tw-ttt","name":"Taitung","type":"LOCATION","kind":"region","prior":0.667,"country_code":"TW","parent":"c:tw"}
{"id":"p:taitung","name":"Taitung City","aliases":["Taitung"],"type":"LOCATION","kind":"city","prior":0.628,"country_code":"TW","parent":"r:tw-ttt"}
{"id":"p:kaohsiung","name":"Kaohsiung","type":"LOCATION","kind":"city","prior":0.79,"country_code":"TW","parent":"c:tw","population":2770000}
{"id":"c:ua","name":"Ukraine","type":"LOCATION","kind":"country","prior":1,"country_code":"UA","demonyms":["Ukrainian","Ukrainians"]}
{"id":"org:cna","name":"Central News Agency","aliases":["CNA"],"type":"ORGANIZATION","kind":"agency","prior":0.9}
{"id":"company:hon-hai","name":"Hon Hai Precision Industry","aliases":["Foxconn","Hon Hai"],"type":"ORGANIZATION","kind":"company","prior":0.8}
"#;

struct Running {
    addr: SocketAddr,
    _shutdown: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    async fn client(&self) -> EntityLinkerClient<Channel> {
        EntityLinkerClient::new(self.channel().await)
    }

    async fn wait_until_serving(&self) {
        copydesk_e2e::wait_until_serving(&format!("http://{}", self.addr), SERVICE).await;
    }

    async fn bases(&self) -> Vec<KnowledgeBase> {
        self.client()
            .await
            .list_knowledge_bases(ListKnowledgeBasesRequest {})
            .await
            .unwrap()
            .into_inner()
            .knowledge_bases
    }

    /// Polls `ListKnowledgeBases` (the reloads are polled too) until
    /// `done` holds, failing after [`RELOAD_DEADLINE`].
    async fn wait_for_bases(&self, done: impl Fn(&[KnowledgeBase]) -> bool) -> Vec<KnowledgeBase> {
        let deadline = tokio::time::Instant::now() + RELOAD_DEADLINE;
        loop {
            let bases = self.bases().await;
            if done(&bases) {
                return bases;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "bases never reached the expected state: {bases:#?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A default base directory holding `DEFAULT`, in `dir`.
fn default_base(dir: &Path) -> PathBuf {
    let base = dir.join("default");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(base.join("entries.jsonl"), DEFAULT).unwrap();
    std::fs::write(
        base.join("manifest.json"),
        r#"{"name":"default","version":"test-1","files":["entries.jsonl"]}"#,
    )
    .unwrap();
    base
}

/// Starts a server over `DEFAULT` and the newsroom files `newsroom`
/// (relative to a fresh temp dir, written by `prepare`), polling every
/// second.
async fn start_with(
    prepare: impl FnOnce(&Path) -> Vec<PathBuf>,
    configure: impl FnOnce(&mut KnowledgeConfig),
) -> (Running, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_owned();
    let mut config = KnowledgeConfig {
        knowledge_dir: Some(default_base(&root)),
        newsroom_bases: prepare(&root),
        reload_interval_secs: 1,
        ..KnowledgeConfig::default()
    };
    configure(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        copydesk_knowledge_server::serve(listener, config, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    let running = Running {
        addr,
        _shutdown: tx,
        _dir: dir,
    };
    running.wait_until_serving().await;
    (running, root)
}

async fn start() -> Running {
    start_with(|_| Vec::new(), |_| {}).await.0
}

fn mention(text: &str, at: &str, nth: usize) -> Mention {
    let begin = text.match_indices(at).nth(nth).unwrap().0;
    Mention {
        span: Some(Span {
            begin: begin as u32,
            end: (begin + at.len()) as u32,
        }),
        text: at.to_owned(),
        ..Default::default()
    }
}

fn entity(
    id: &str,
    name: &str,
    entity_type: EntityType,
    mentions: Vec<Mention>,
    salience: f32,
) -> Entity {
    Entity {
        id: id.to_owned(),
        name: name.to_owned(),
        r#type: entity_type as i32,
        salience,
        mentions,
        ..Default::default()
    }
}

fn lookup(query: &str) -> LookupRequest {
    LookupRequest {
        query: query.to_owned(),
        ..Default::default()
    }
}

async fn lookup_ids(running: &Running, query: &str) -> Vec<String> {
    running
        .client()
        .await
        .lookup(lookup(query))
        .await
        .unwrap()
        .into_inner()
        .candidates
        .into_iter()
        .map(|c| c.link.unwrap().id)
        .collect()
}

/// A request to link `name`, typed `entity_type`, where `text` first says it.
fn link_one(text: &str, name: &str, entity_type: EntityType) -> LinkRequest {
    LinkRequest {
        document: Some(Document {
            text: text.to_owned(),
            ..Default::default()
        }),
        entities: vec![entity(
            "e1",
            name,
            entity_type,
            vec![mention(text, name, 0)],
            1.0,
        )],
        ..Default::default()
    }
}

/// The entity a fresh server answers for `name`, typed `entity_type`, in
/// `text`, with no missed names added.
async fn linked_alone(text: &str, name: &str, entity_type: EntityType) -> Entity {
    let running = start().await;
    let response = running
        .client()
        .await
        .link(LinkRequest {
            add_missed_entities: Some(false),
            ..link_one(text, name, entity_type)
        })
        .await
        .unwrap()
        .into_inner();
    response.entities.into_iter().next().unwrap()
}

/// UTF-16 offset of byte `byte` of `text`.
fn utf16(text: &str, byte: usize) -> u32 {
    text[..byte].encode_utf16().count() as u32
}

#[tokio::test]
async fn links_an_invented_story_in_utf16() {
    let running = start().await;
    let text = "KAOHSIUNG (CNA) -- \u{1F30F} Officials in Taitung County met Ukrainian \
                envoys. Ukrainian aid reached Taiwan on Monday.";
    // The request's spans in UTF-16: the emoji is two units.
    let to16 = |m: Mention| {
        let span = m.span.unwrap();
        Mention {
            span: Some(Span {
                begin: utf16(text, span.begin as usize),
                end: utf16(text, span.end as usize),
            }),
            ..m
        }
    };
    let entities = vec![
        entity(
            "e1",
            "Ukrainian",
            EntityType::Misc,
            vec![
                to16(mention(text, "Ukrainian", 0)),
                to16(mention(text, "Ukrainian", 1)),
            ],
            0.5,
        ),
        entity(
            "e2",
            "Taitung County",
            EntityType::Location,
            vec![to16(mention(text, "Taitung County", 0))],
            0.3,
        ),
        entity(
            "e3",
            "CNA",
            EntityType::Organization,
            vec![to16(mention(text, "CNA", 0))],
            0.2,
        ),
    ];
    let response = running
        .client()
        .await
        .link(LinkRequest {
            document: Some(Document {
                id: "story-1".to_owned(),
                text: text.to_owned(),
                ..Default::default()
            }),
            encoding: OffsetEncoding::Utf16 as i32,
            entities,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.document_id, "story-1");
    let by_id = |id: &str| response.entities.iter().find(|e| e.id == id).unwrap();
    let ukrainian = &by_id("e1").links[0];
    assert_eq!(
        (ukrainian.id.as_str(), ukrainian.kind.as_str()),
        ("c:ua", "nationality")
    );
    assert_eq!(by_id("e1").fine_type, v1::FineType::Norp as i32);
    assert_eq!(by_id("e2").links[0].id, "r:tw-ttt");
    assert_eq!(by_id("e2").fine_type, v1::FineType::Gpe as i32);
    assert_eq!(by_id("e3").links[0].kind, "agency");
    assert_eq!(by_id("e3").fine_type, v1::FineType::Org as i32);
    // Taiwan and the dateline's big city were not in the request: added,
    // from the base, spans in UTF-16.
    let added: Vec<&Entity> = response
        .entities
        .iter()
        .filter(|e| e.origin == v1::EntityOrigin::OriginKnowledgeBase as i32)
        .collect();
    let names: Vec<&str> = added.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"KAOHSIUNG"), "{names:?}");
    let added = added.iter().find(|e| e.name == "Taiwan").unwrap();
    assert_eq!(added.name, "Taiwan");
    assert_eq!(added.links[0].id, "c:tw");
    assert_eq!(added.links[0].url, "https://www.geonames.org/1668284");
    assert_eq!(added.links[0].metadata["latitude"], "24");
    let begin = text.find("Taiwan").unwrap();
    let span = added.mentions[0].span.unwrap();
    assert_eq!(
        (span.begin, span.end),
        (utf16(text, begin), utf16(text, begin + 6))
    );
    assert_eq!(added.mentions[0].sentence, 1);
    // Saliences still sum to what the request had, in order.
    let total: f32 = response.entities.iter().map(|e| e.salience).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
    assert!(
        response
            .entities
            .windows(2)
            .all(|w| w[0].salience >= w[1].salience)
    );
    // Ukraine is the top topic: the nationality counts towards it.
    assert_eq!(response.topics[0].id, "c:ua");
    assert_eq!(response.topics[0].kind, "country");
    assert_eq!(response.topics[0].entity_ids, ["e1"]);
    let meta = response.meta.unwrap();
    assert_eq!(meta.encoding, OffsetEncoding::Utf16 as i32);
    assert_eq!(meta.models[0].name, "knowledge-base-default");
}

#[tokio::test]
async fn a_name_the_text_places_comes_back_a_location_saying_what_it_was() {
    let text = "The chipmaker, based in Kaohsiung, said sales rose.";
    let placed = &linked_alone(text, "Kaohsiung", EntityType::Organization).await;
    assert_eq!(placed.r#type, EntityType::Location as i32);
    assert_eq!(placed.metadata["ner_type"], "ORGANIZATION");
    assert_eq!(placed.links[0].id, "p:kaohsiung");
    assert_eq!(placed.fine_type, v1::FineType::Gpe as i32);
}

#[tokio::test]
async fn a_company_the_ner_took_for_a_person_comes_back_an_organisation() {
    let company = &linked_alone("Foxconn said sales rose.", "Foxconn", EntityType::Person).await;
    assert_eq!(company.r#type, EntityType::Organization as i32);
    assert_eq!(company.metadata["ner_type"], "PERSON");
    assert_eq!(company.links[0].id, "company:hon-hai");
    assert_eq!(company.links[0].kind, "company");
    assert_eq!(company.fine_type, v1::FineType::Org as i32);
}

#[tokio::test]
async fn link_stream_answers_each_document_in_order() {
    let running = start().await;
    let good = |id: &str| LinkRequest {
        document: Some(Document {
            id: id.to_owned(),
            text: "Taiwan".to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let bad = LinkRequest {
        document: None,
        ..Default::default()
    };
    let requests = tokio_stream::iter(vec![good("a"), bad, good("c")]);
    let mut stream = running
        .client()
        .await
        .link_stream(requests)
        .await
        .unwrap()
        .into_inner();
    let mut results = Vec::new();
    while let Some(result) = stream.message().await.unwrap() {
        results.push(result);
    }
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].document_id, "a");
    assert!(matches!(
        results[1].outcome,
        Some(v1::link_result::Outcome::Error(ref e)) if e.code == tonic::Code::InvalidArgument as i32
    ));
    match &results[2].outcome {
        Some(v1::link_result::Outcome::Response(r)) => {
            assert_eq!(r.entities[0].links[0].id, "c:tw");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn lookup_prefix_and_limits() {
    let running = start().await;
    assert_eq!(lookup_ids(&running, "kaoh").await, ["p:kaohsiung"]);
    // Whole names first: "Taitung" is a region's name and a city's alias.
    let ids = lookup_ids(&running, "TAITUNG").await;
    assert_eq!(ids, ["r:tw-ttt", "p:taitung"]);
    let mut client = running.client().await;
    let long = lookup(&"x".repeat(201));
    let status = client.lookup(long).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(status.message().contains("200"), "{}", status.message());
    let status = client
        .lookup(LookupRequest {
            limit: 101,
            ..lookup("Tai")
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let status = client
        .lookup(LookupRequest {
            knowledge_bases: vec!["nope".to_owned()],
            ..lookup("Tai")
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let only_misc = client
        .lookup(LookupRequest {
            r#type: EntityType::Misc as i32,
            ..lookup("Ukrainian")
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        only_misc.candidates[0].link.as_ref().unwrap().kind,
        "nationality"
    );
    assert_eq!(only_misc.candidates[0].r#type, EntityType::Misc as i32);
}

const TAG: &str = r#"{"id":"tag:%ID%","name":"%NAME%","type":"MISC","kind":"topic","url":"https://desk.example/%ID%","section":"politics"}"#;

fn tag(id: &str, name: &str) -> String {
    TAG.replace("%ID%", id).replace("%NAME%", name)
}

/// Replaces `path` whole, as an editor or a CMS export would (write then
/// rename), so that a poll never sees half a file.
fn replace(path: &Path, contents: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test]
async fn newsroom_base_reloads_and_a_broken_file_keeps_the_old_one() {
    let (running, root) = start_with(
        |root| {
            let path = root.join("tags.jsonl");
            std::fs::write(&path, format!("{}\n", tag("budget", "Budget 2027"))).unwrap();
            vec![path]
        },
        |_| {},
    )
    .await;
    let path = root.join("tags.jsonl");
    let bases = running.bases().await;
    assert_eq!(bases[0].name, "newsroom");
    assert!(bases[0].newsroom);
    assert_eq!(bases[0].entries, 1);
    assert_eq!(bases[1].name, "default");
    assert_eq!(bases[1].version, "test-1");
    assert_eq!(lookup_ids(&running, "budget").await, ["tag:budget"]);

    // A new tag appears without a restart.
    replace(
        &path,
        &format!(
            "# copydesk-knowledge-base: name=newsroom version=2\n{}\n{}\n",
            tag("budget", "Budget 2027"),
            tag("strike", "Rail strike")
        ),
    );
    running.wait_for_bases(|b| b[0].version == "2").await;
    assert_eq!(lookup_ids(&running, "rail").await, ["tag:strike"]);

    // A broken file: the old base keeps serving, the error names the line.
    replace(
        &path,
        &format!(
            "{}\n{{\"id\":\"tag:x\",\"name\":\"X\"\n{}\n",
            tag("budget", "Budget 2027"),
            tag("budget", "Budget again")
        ),
    );
    let bases = running
        .wait_for_bases(|b| !b[0].last_error.is_empty())
        .await;
    let error = &bases[0].last_error;
    assert!(error.contains("tags.jsonl:2: invalid JSON"), "{error}");
    assert!(
        error.contains("tags.jsonl:3: duplicate id \"tag:budget\""),
        "{error}"
    );
    assert!(!bases[0].last_error_at.is_empty());
    assert_eq!((bases[0].entries, bases[0].version.as_str()), (2, "2"));
    assert_eq!(lookup_ids(&running, "rail").await, ["tag:strike"]);

    // Fixed: served again, the error cleared.
    replace(&path, &format!("{}\n", tag("election", "Election night")));
    let bases = running.wait_for_bases(|b| b[0].last_error.is_empty()).await;
    assert_eq!(bases[0].entries, 1);
    assert_eq!(lookup_ids(&running, "election").await, ["tag:election"]);
    assert!(lookup_ids(&running, "rail").await.is_empty());
}

#[tokio::test]
async fn empty_and_duplicate_newsroom_files_are_refused_clearly() {
    let (running, _root) = start_with(
        |root| {
            let empty = root.join("empty.jsonl");
            std::fs::write(&empty, "").unwrap();
            let dup = root.join("dup.jsonl");
            std::fs::write(
                &dup,
                format!(
                    "# copydesk-knowledge-base: name=sport version=1\n{}\n{}\n",
                    tag("a", "A"),
                    tag("a", "B")
                ),
            )
            .unwrap();
            vec![empty, dup]
        },
        |_| {},
    )
    .await;
    let bases = running.bases().await;
    assert_eq!(bases.len(), 3);
    assert!(bases[0].last_error.contains("no entries"), "{:?}", bases[0]);
    assert!(
        bases[1]
            .last_error
            .contains("dup.jsonl:3: duplicate id \"tag:a\""),
        "{:?}",
        bases[1]
    );
    assert_eq!(bases[2].name, "default");
    assert!(bases[2].last_error.is_empty());
    // The default base serves.
    assert_eq!(lookup_ids(&running, "taiwan").await, ["c:tw"]);
}

/// Writes a newsroom base of at least `bytes` bytes: tags named
/// "Topic <n>", plus `shared` entries all called "Springfield".
fn big_base(path: &Path, bytes: usize, shared: usize) -> usize {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0;
    let mut n = 0;
    while written < bytes || n < shared {
        let line = if n < shared {
            format!(
                "{{\"id\":\"s{n}\",\"name\":\"Springfield {n}\",\"aliases\":[\"Springfield\"],\"type\":\"LOCATION\",\"kind\":\"city\",\"prior\":{}}}\n",
                (n % 997) as f32 / 1000.0
            )
        } else {
            format!(
                "{{\"id\":\"t{n}\",\"name\":\"Topic {n}\",\"aliases\":[\"T{n}\",\"Subject {n}\"],\"type\":\"MISC\",\"description\":\"A generated topic to make the file large, number {n}\",\"url\":\"https://desk.example/t/{n}\"}}\n"
            )
        };
        file.write_all(line.as_bytes()).unwrap();
        written += line.len();
        n += 1;
    }
    file.flush().unwrap();
    n
}

#[tokio::test]
async fn a_50_mb_base_loads_and_a_shared_alias_stays_bounded() {
    let mut entries = 0;
    let (running, root) = start_with(
        |root| {
            let path = root.join("big.jsonl");
            entries = big_base(&path, 50 * 1024 * 1024, 10_000);
            vec![path]
        },
        |_| {},
    )
    .await;
    let bases = running.bases().await;
    assert_eq!(
        bases[0].entries as usize, entries,
        "{:?}",
        bases[0].last_error
    );

    // 10,000 entries go by "Springfield": Lookup gives the limit, best first.
    let mut client = running.client().await;
    let hits = client
        .lookup(LookupRequest {
            limit: 100,
            ..lookup("Springfield")
        })
        .await
        .unwrap()
        .into_inner()
        .candidates;
    assert_eq!(hits.len(), 100);
    assert!(
        hits.windows(2)
            .all(|w| w[0].link.as_ref().unwrap().score >= w[1].link.as_ref().unwrap().score)
    );
    // Link: no entry stands out, so no link, and an answer.
    let text = "Floods hit Springfield.";
    let response = client
        .link(link_one(text, "Springfield", EntityType::Location))
        .await
        .unwrap()
        .into_inner();
    assert!(response.entities[0].links.is_empty());

    // The same file over a smaller limit is refused whole, with the sizes;
    // the copy loaded before keeps serving.
    let (small, _root) = start_with(
        |_| vec![root.join("big.jsonl")],
        |config| config.max_base_bytes = 1024 * 1024,
    )
    .await;
    let bases = small.bases().await;
    assert!(
        bases[0]
            .last_error
            .contains("over the limit of 1048576 bytes"),
        "{:?}",
        bases[0]
    );
}

#[tokio::test]
async fn a_reload_during_a_slow_write_keeps_serving_and_loses_nothing() {
    let (running, root) = start_with(
        |root| {
            let path = root.join("tags.jsonl");
            std::fs::write(&path, format!("{}\n", tag("budget", "Budget 2027"))).unwrap();
            vec![path]
        },
        |_| {},
    )
    .await;
    let path = root.join("tags.jsonl");
    // Written in place, slowly, while the server polls: it may read half a
    // file (refused: a cut line) before it reads the whole one.
    let writer = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::create(&path).unwrap();
            for n in 0..20_000 {
                writeln!(file, "{}", tag(&format!("n{n}"), &format!("Note {n}"))).unwrap();
                if n % 2_000 == 0 {
                    file.flush().unwrap();
                    std::thread::sleep(Duration::from_millis(150));
                }
            }
            file.flush().unwrap();
        })
    };
    // Requests keep being answered meanwhile.
    for _ in 0..20 {
        let ids = lookup_ids(&running, "Taiwan").await;
        assert_eq!(ids, ["c:tw"]);
    }
    writer.await.unwrap();
    let bases = running
        .wait_for_bases(|b| b[0].entries == 20_000 && b[0].last_error.is_empty())
        .await;
    assert_eq!(bases[0].entries, 20_000);
    assert_eq!(lookup_ids(&running, "note 19999").await, ["tag:n19999"]);
}
