//! The gateway serves the /viz page and its assets on its own port.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[tokio::test]
async fn the_page_and_its_assets_are_served() {
    let (_segmenter, gateway) = copydesk_e2e::start_stack().await;
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/viz", gateway.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let kind = page.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(page.text().await.unwrap().contains("/viz/app.js"));
    let script = http
        .get(format!("{}/viz/app.js", gateway.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    // JavaScript strings are UTF-16: the page must ask for UTF-16 offsets.
    assert!(
        script
            .text()
            .await
            .unwrap()
            .contains(r#"encoding: "UTF16""#)
    );
    let style = http
        .get(format!("{}/viz/style.css", gateway.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(style.status(), 200);
}
