//! The client against a gateway serving TLS (a CA made in the test, so no
//! key is committed) and requiring a bearer token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_client::proto::{Document, Features};
use copydesk_client::{Client, ClientOptions, Tls};
use copydesk_runtime::ServerConfig;
use futures::StreamExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::Code;

const TOKEN: &str = "s3cret-sdk-token";

/// A CA and a certificate it signed for localhost: (CA PEM, cert PEM, key PEM).
fn certificates() -> (String, String, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

fn segmentation() -> Features {
    Features {
        segmentation: true,
        ..Default::default()
    }
}

fn options(port: u16, ca: &str, token: Option<&str>) -> ClientOptions {
    let options = ClientOptions::new(format!("https://localhost:{port}"))
        .with_retries(0)
        .with_tls(Tls {
            ca_pem: Some(ca.as_bytes().to_vec()),
            domain: None,
        });
    match token {
        Some(token) => options.with_token(token),
        None => options,
    }
}

#[tokio::test]
async fn tls_and_a_bearer_token() {
    let (ca, cert, key) = certificates();
    let (other_ca, _, _) = certificates();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let segmenter =
        copydesk_e2e::start_segmenter(copydesk_segmenter_server::SegmenterConfig::default()).await;
    let mut config = copydesk_e2e::gateway_config().await;
    config.segmenter_addr = segmenter.url();
    config.server = ServerConfig {
        tls_cert: Some(write("cert.pem", &cert)),
        tls_key: Some(write("key.pem", &key)),
        auth_token: Some(TOKEN.to_owned()),
        ..ServerConfig::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, signal) = oneshot::channel::<()>();
    let server = tokio::spawn(copydesk_gateway::serve(listener, config, async move {
        let _ = signal.await;
    }));

    // With the CA and the token: one call, a batch and a stream.
    let client = Client::connect_with(options(port, &ca, Some(TOKEN)))
        .await
        .unwrap();
    let answer = client
        .request("Angela Merkel visited Paris. She met the mayor.")
        .features(segmentation())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.segmentation.unwrap().sentences.len(), 2);
    let documents = (0..3).map(|i| Document {
        id: format!("d{i}"),
        text: format!("Story {i}. Two sentences."),
        ..Default::default()
    });
    let items: Vec<_> = client
        .batch()
        .features(segmentation())
        .documents_per_call(2)
        .run_iter(documents)
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|item| item.result.is_ok()));

    // Without the token, or with a wrong one: UNAUTHENTICATED.
    for token in [None, Some("wrong")] {
        let client = Client::connect_with(options(port, &ca, token))
            .await
            .unwrap();
        let refused = client
            .request("Hello.")
            .features(segmentation())
            .send()
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Some(Code::Unauthenticated), "{refused}");
    }

    // A certificate the client's CA did not sign: no connection.
    let untrusted = match Client::connect_with(options(port, &other_ca, Some(TOKEN))).await {
        Err(error) => error.to_string(),
        Ok(client) => client
            .request("Hello.")
            .features(segmentation())
            .send()
            .await
            .unwrap_err()
            .to_string(),
    };
    assert!(!untrusted.is_empty());

    // Plain HTTP/2 to the TLS port gets no answer either.
    let plain = ClientOptions::new(format!("http://127.0.0.1:{port}"))
        .with_retries(0)
        .with_token(TOKEN);
    if let Ok(client) = Client::connect_with(plain).await {
        assert!(client.request("Hello.").send().await.is_err());
    }

    drop(client);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
