//! The client against the whole suite on ephemeral ports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use copydesk_client::proto::{ContentType, Document, EntityType, Features, OffsetEncoding, Span};
use copydesk_client::{Client, ClientOptions, resume};
use copydesk_gateway::GatewayConfig;
use copydesk_runtime::ServerConfig;
use copydesk_segmenter_server::SegmenterConfig;
use futures::StreamExt;
use tonic::Code;

const STORY: &str = "Émile Zola said on Tuesday that he had met Angela Merkel in Berlin, and that the \
     talks with the government were going well. Merkel was pleased with the meeting.";

#[tokio::test]
async fn annotate_builder_batch_and_resume_against_the_suite() {
    let suite = copydesk_e2e::start_suite().await;
    // "host:port" without a scheme works, as people type it.
    let client = Client::connect(suite.gateway.addr.to_string())
        .await
        .unwrap();

    let response = client.annotate(STORY).await.unwrap();
    let merkel = response
        .entities
        .iter()
        .find(|e| e.name == "Angela Merkel")
        .expect("Angela Merkel found");
    assert_eq!(merkel.r#type, EntityType::Person as i32);
    assert_eq!(merkel.mentions.len(), 2);
    assert!(response.document_sentiment.is_some());

    // Code points: "Émile" is 5 code points but 6 bytes, so Merkel's span
    // differs between the encodings.
    let utf32 = client
        .request(STORY)
        .id("story")
        .entities()
        .encoding(OffsetEncoding::Utf32)
        .send()
        .await
        .unwrap();
    assert_eq!(utf32.document_id, "story");
    assert!(utf32.segmentation.is_none() && utf32.document_sentiment.is_none());
    let span = utf32
        .entities
        .iter()
        .find(|e| e.name == "Angela Merkel")
        .and_then(|e| e.mentions[0].span)
        .unwrap();
    let chars: Vec<char> = STORY.chars().collect();
    let text: String = chars[span.begin as usize..span.end as usize]
        .iter()
        .collect();
    assert_eq!(text, "Angela Merkel");

    // A batch: results in order, a per-document error, resume skips ids.
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("done.jsonl");
    let mut journal = resume::Journal::append(&journal_path).unwrap();
    journal.record("doc-1").unwrap();
    let documents: Vec<Document> = (0..6)
        .map(|i| Document {
            id: format!("doc-{i}"),
            language_code: "en".to_owned(),
            text: format!("Story {i}: Apple hired {i} people in Paris."),
            // A content type the contract does not know is refused: the
            // batch goes on.
            content_type: if i == 3 {
                7
            } else {
                ContentType::PlainText as i32
            },
        })
        .collect();
    for per_call in [1, 2] {
        let items: Vec<_> = client
            .batch()
            .concurrency(3)
            .documents_per_call(per_call)
            .features(Features {
                entities: true,
                ..Default::default()
            })
            .skip(resume::done_ids(&journal_path).unwrap())
            .run_iter(documents.clone())
            .collect()
            .await;
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            ["doc-0", "doc-2", "doc-3", "doc-4", "doc-5"],
            "per call {per_call}"
        );
        assert_eq!(items[1].index, 2);
        let failed: Vec<&str> = items
            .iter()
            .filter(|i| i.result.is_err())
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(failed, ["doc-3"], "per call {per_call}");
        let error = items[2].result.as_ref().unwrap_err();
        assert_eq!(error.code(), Some(Code::InvalidArgument), "{error}");
        let ok = items[0].result.as_ref().unwrap();
        assert!(ok.entities.iter().any(|e| e.name == "Paris"));
    }

    // A stream in works like an iterator.
    let items: Vec<_> = client
        .batch()
        .run(futures::stream::iter(documents.into_iter().take(2)))
        .collect()
        .await;
    assert_eq!(items.len(), 2);
}

/// A story body as a CMS stores it: a head the reader never sees, a
/// headline, character references and a name split by a tag.
const STORY_HTML: &str = "<!doctype html><html><head><title>Angela Merkel (draft)</title>\
     <script>var byline = 'Angela Merkel';</script></head>\n<body><h1>Talks in Berlin</h1>\n\
     <p>&ldquo;The talks went well,&rdquo; said <b>Angela</b> Merkel in Zürich on Tuesday.</p>\n\
     </body></html>";

#[tokio::test]
async fn html_is_read_as_a_reader_sees_it_and_spans_slice_the_markup() {
    let suite = copydesk_e2e::start_suite().await;
    let client = Client::connect(suite.gateway.url()).await.unwrap();
    // Given: a few lines naming German places are identified as German.

    let response = client
        .request(STORY_HTML)
        .content_type(ContentType::Html)
        .language("en")
        .segmentation()
        .entities()
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.plain_text,
        "Talks in Berlin\n\n\u{201c}The talks went well,\u{201d} said Angela Merkel in Zürich on Tuesday."
    );
    let slice = |span: Option<Span>| {
        let span = span.unwrap();
        &STORY_HTML[span.begin as usize..span.end as usize]
    };
    let sentences = &response.segmentation.as_ref().unwrap().sentences;
    let quoted: Vec<&str> = sentences.iter().map(|s| slice(s.span)).collect();
    assert_eq!(
        quoted,
        [
            "Talks in Berlin",
            "&ldquo;The talks went well,&rdquo; said <b>Angela</b> Merkel in Zürich on Tuesday."
        ]
    );
    assert_eq!(
        sentences[1].text,
        "\u{201c}The talks went well,\u{201d} said Angela Merkel in Zürich on Tuesday."
    );
    // Only the body counts: the title and the script name her too.
    let merkel = response
        .entities
        .iter()
        .find(|e| e.name == "Angela Merkel")
        .unwrap_or_else(|| {
            panic!(
                "no Angela Merkel: {:?} {:?}",
                response.entities, response.errors
            )
        });
    assert_eq!(merkel.mentions.len(), 1, "{merkel:?}");
    assert_eq!(slice(merkel.mentions[0].span), "Angela</b> Merkel");
    assert_eq!(merkel.mentions[0].text, "Angela Merkel");

    // In UTF-16 units of the markup: "ü" before Tuesday is one unit, two
    // bytes.
    let utf16 = client
        .request(STORY_HTML)
        .content_type(ContentType::Html)
        .language("en")
        .entities()
        .encoding(OffsetEncoding::Utf16)
        .send()
        .await
        .unwrap();
    let units: Vec<u16> = STORY_HTML.encode_utf16().collect();
    let quoted: Vec<String> = utf16
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .map(|m| {
            let span = m.span.unwrap();
            String::from_utf16(&units[span.begin as usize..span.end as usize]).unwrap()
        })
        .collect();
    for expected in ["Angela</b> Merkel", "Zürich", "Tuesday", "Berlin"] {
        assert!(
            quoted.iter().any(|q| q == expected),
            "{expected}: {quoted:?}"
        );
    }

    // Without a content type the same body is plain text: tags and all.
    let as_text = client
        .request(STORY_HTML)
        .segmentation()
        .send()
        .await
        .unwrap();
    assert!(as_text.plain_text.is_empty());
    assert!(
        as_text
            .segmentation
            .unwrap()
            .tokens
            .iter()
            .any(|t| t.text.contains('<')),
        "the markup is text"
    );

    // Documents of a batch say what they hold.
    let mut page = Document {
        id: "page".to_owned(),
        text: STORY_HTML.to_owned(),
        language_code: "en".to_owned(),
        ..Default::default()
    };
    page.set_content_type(ContentType::Html);
    let items: Vec<_> = client
        .batch()
        .documents_per_call(2)
        .features(Features {
            entities: true,
            ..Default::default()
        })
        .run_iter([
            page,
            Document {
                id: "wire".to_owned(),
                text: "Angela Merkel spoke in Berlin.".to_owned(),
                language_code: "en".to_owned(),
                ..Default::default()
            },
        ])
        .collect()
        .await;
    let page = items[0].result.as_ref().unwrap();
    let span = page
        .entities
        .iter()
        .find(|e| e.name == "Angela Merkel")
        .and_then(|e| e.mentions[0].span);
    assert_eq!(slice(span), "Angela</b> Merkel");
    assert!(items[1].result.as_ref().unwrap().plain_text.is_empty());
}

#[tokio::test]
async fn unavailable_is_retried_then_reported() {
    let address = copydesk_e2e::closed_address().await;
    let options = ClientOptions::new(address)
        .with_retries(2)
        .with_timeout(Some(Duration::from_secs(2)));
    let error = Client::connect_with(options).await.unwrap_err();
    assert_eq!(error.code(), Some(Code::Unavailable), "{error}");
}

#[tokio::test]
async fn the_token_is_sent_as_a_bearer_header() {
    // The gateway ignores the header; what matters is that a token makes a
    // valid request and a bad one is refused before anything is sent.
    let suite = copydesk_e2e::start_suite().await;
    let client = Client::connect_with(ClientOptions::new(suite.gateway.url()).with_token("abc"))
        .await
        .unwrap();
    client
        .request("Paris.")
        .segmentation()
        .send()
        .await
        .unwrap();
    let error = Client::connect_with(ClientOptions::new(suite.gateway.url()).with_token("a\nb"))
        .await
        .unwrap_err();
    assert!(matches!(error, copydesk_client::Error::Token));
}

#[tokio::test]
async fn a_gateway_that_never_answers_ends_in_deadline_exceeded() {
    // Accepts connections and reads nothing: the client's own deadline is
    // what ends the call, and tonic reports that as CANCELLED.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    let options = ClientOptions::new(address).with_timeout(Some(Duration::from_millis(300)));
    let client = Client::connect_with(options).await.unwrap();
    let error = client.request("Paris.").send().await.unwrap_err();
    assert_eq!(error.code(), Some(Code::DeadlineExceeded), "{error}");
    held.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_age_out_lose_no_call() {
    // Gateway and segmenter close every connection after a second, as they
    // do after --max-connection-age-secs: a call caught on a closing
    // connection (client to gateway, gateway to segmenter) is sent again on
    // a new one, never lost.
    let aging = |mut server: ServerConfig| {
        server.max_connection_age_secs = 1;
        server
    };
    let segmenter = copydesk_e2e::start_segmenter(SegmenterConfig {
        server: aging(ServerConfig::default()),
        ..Default::default()
    })
    .await;
    let mut config = GatewayConfig::default();
    config.server = aging(config.server);
    let gateway = copydesk_e2e::start_gateway(config, &segmenter.url()).await;
    let client = Client::connect(gateway.url()).await.unwrap();
    let until = tokio::time::Instant::now() + Duration::from_secs(4);
    let text = "Paris is in France. It rains.".repeat(50);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            let text = text.clone();
            tokio::spawn(async move {
                let (mut calls, mut failures) = (0, Vec::new());
                while tokio::time::Instant::now() < until {
                    calls += 1;
                    match client.request(text.as_str()).segmentation().send().await {
                        Ok(response) => failures.extend(
                            response
                                .errors
                                .iter()
                                .map(|e| format!("{}: {}", e.feature, e.message)),
                        ),
                        Err(error) => failures.push(error.to_string()),
                    }
                }
                (calls, failures)
            })
        })
        .collect();
    let (mut calls, mut failures) = (0, Vec::new());
    for worker in workers {
        let (c, f) = worker.await.unwrap();
        calls += c;
        failures.extend(f);
    }
    // Four seconds of calls cross several connection ends on both legs.
    assert!(calls > 100, "only {calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed: {failures:?}",
        failures.len()
    );
}

#[tokio::test]
async fn links_come_as_typed_fields() {
    let suite = copydesk_e2e::start_suite().await;
    let client = Client::connect(suite.gateway.url()).await.unwrap();
    let response = client
        .request("Ukrainian officials met their counterparts in Kyiv on Monday.")
        .links()
        .send()
        .await
        .unwrap();
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let entity = |name: &str| {
        response
            .entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", response.entities))
    };
    let ukrainian = &entity("Ukrainian").links[0];
    assert_eq!(
        (
            ukrainian.source.as_str(),
            ukrainian.name.as_str(),
            ukrainian.kind.as_str()
        ),
        ("default", "Ukraine", "nationality")
    );
    let kyiv = entity("Kyiv")
        .links
        .first()
        .unwrap_or_else(|| panic!("{:#?}", response.entities));
    assert_eq!(kyiv.kind, "city");
    assert_eq!(kyiv.url, "https://www.geonames.org/703448");
    assert!(kyiv.score > 0.0 && kyiv.score <= 1.0);
    assert_eq!(
        kyiv.metadata.get("country_code").map(String::as_str),
        Some("UA")
    );
    assert!(
        kyiv.metadata.contains_key("latitude"),
        "{:?}",
        kyiv.metadata
    );
    // Links alone: no sentiment or segmentation computed.
    assert!(response.document_sentiment.is_none() && response.segmentation.is_none());
}
