//! The client against the whole suite on ephemeral ports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use copydesk_client::proto::{ContentType, Document, EntityType, Features, OffsetEncoding};
use copydesk_client::{Client, ClientOptions, resume};
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
