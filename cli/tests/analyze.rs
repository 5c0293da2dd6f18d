//! `copydesk analyze` as scripts use it: the real binary against the real
//! suite on ephemeral ports; JSONL output, exit codes, resume.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn analyze(gateway: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("analyze")
        .arg("--addr")
        .arg(gateway)
        .args(args)
        .output()
        .unwrap()
}

/// As [`analyze`], with `stdin` as standard input.
fn analyze_stdin(gateway: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("analyze")
        .arg("--addr")
        .arg(gateway)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Every mention of the entity named `name` in `annotation`, as the
/// markup its span covers (UTF-8 offsets into `source`).
fn mentions_of<'a>(annotation: &serde_json::Value, source: &'a str, name: &str) -> Vec<&'a str> {
    let entity = annotation["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {annotation}"));
    entity["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let at = |key: &str| m["span"][key].as_u64().unwrap() as usize;
            &source[at("begin")..at("end")]
        })
        .collect()
}

fn jsonl(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_archive_directory_as_jsonl_with_exit_codes_and_resume() {
    let suite = copydesk_e2e::start_suite().await;
    let gateway = suite.gateway.url();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(archive.join("2024")).unwrap();
    for i in 0..5 {
        std::fs::write(
            archive.join("2024").join(format!("story-{i}.txt")),
            format!("The mayor of London, Sadiq Khan, opened {i} new libraries on Monday."),
        )
        .unwrap();
    }
    let archive_arg = archive.display().to_string();

    // Readable, single file.
    let one = analyze(&gateway, &[&format!("{archive_arg}/2024/story-1.txt")]);
    assert!(one.status.success(), "{one:?}");
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        text.contains("Sadiq Khan") && !text.contains("\x1b["),
        "{text}"
    );

    // The whole directory, two documents per BatchAnnotate call.
    let all = analyze(&gateway, &["--jsonl", "--batch-size", "2", &archive_arg]);
    assert_eq!(all.status.code(), Some(0), "{all:?}");
    let lines = jsonl(&all);
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0]["id"]
            .as_str()
            .unwrap()
            .ends_with("2024/story-0.txt")
    );
    let names: Vec<&str> = lines[4]["annotation"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(names.contains(&"Sadiq Khan"), "{names:?}");

    // Resume: the ids in a previous output are skipped.
    let done = dir.path().join("done.jsonl");
    std::fs::write(&done, &all.stdout[..all.stdout.len() / 2]).unwrap();
    let rest = analyze(
        &gateway,
        &[
            "--jsonl",
            "--resume",
            &done.display().to_string(),
            &archive_arg,
        ],
    );
    assert_eq!(rest.status.code(), Some(0), "{rest:?}");
    assert!(jsonl(&rest).len() < 5);

    // A glob with an unreadable file (a UTF-16LE byte-order mark, then a
    // lone surrogate: no encoding reads it): exit 1, an error line.
    std::fs::write(archive.join("2024/story-9.txt"), [0xff, 0xfe, 0x00, 0xd8]).unwrap();
    let some = analyze(
        &gateway,
        &["--jsonl", &format!("{archive_arg}/*/story-*.txt")],
    );
    assert_eq!(some.status.code(), Some(1), "{some:?}");
    let lines = jsonl(&some);
    assert_eq!(lines.len(), 6);
    assert!(lines.iter().any(|l| l["error"]["message"].is_string()));

    // Nothing matches: a usage error; nothing listening: a connection error.
    let none = analyze(&gateway, &[&format!("{archive_arg}/*.pdf")]);
    assert_eq!(none.status.code(), Some(2), "{none:?}");
    let closed = copydesk_e2e::closed_address().await;
    let down = analyze(&closed, &[&archive_arg]);
    assert_eq!(down.status.code(), Some(2), "{down:?}");
}

/// A story body as a CMS stores it: a title the reader never sees, a
/// headline, character references and a name split by a tag.
const PAGE: &str = "<html><head><title>Angela Merkel (draft)</title></head>\n<body>\
    <h1>Talks in Berlin</h1>\n<p>&ldquo;The talks went well,&rdquo; said <b>Angela</b> \
    Merkel in Berlin on Tuesday.</p>\n</body></html>\n";

#[tokio::test(flavor = "multi_thread")]
async fn an_html_page_is_sent_as_html_and_its_spans_point_into_the_markup() {
    let suite = copydesk_e2e::start_suite().await;
    let gateway = suite.gateway.url();
    // Given: a few lines naming German places are identified as German.
    let english = |args: &[&str]| analyze(&gateway, &[&["--language", "en"], args].concat());
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let page_arg = page.display().to_string();

    // By its name: HTML. The title is not the story, and the spans index
    // the file as it is.
    let annotation = json(&english(&["--json", &page_arg]));
    let plain = annotation["plainText"].as_str().unwrap();
    assert!(
        plain.starts_with(
            "Talks in Berlin\n\n\u{201c}The talks went well,\u{201d} said Angela Merkel"
        ),
        "{plain}"
    );
    assert_eq!(
        mentions_of(&annotation, PAGE, "Angela Merkel"),
        ["Angela</b> Merkel"]
    );
    assert_eq!(
        mentions_of(&annotation, PAGE, "Berlin"),
        ["Berlin", "Berlin"]
    );
    let sentences: Vec<&str> = annotation["segmentation"]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let at = |key: &str| s["span"][key].as_u64().unwrap() as usize;
            &PAGE[at("begin")..at("end")]
        })
        .collect();
    assert_eq!(
        sentences,
        [
            "Talks in Berlin",
            "&ldquo;The talks went well,&rdquo; said <b>Angela</b> Merkel in Berlin on Tuesday."
        ]
    );

    // Readable, coloured: the sentence as a reader sees it, the mention
    // coloured whole although a tag splits it in the markup.
    let readable = english(&["--color", "always", &page_arg]);
    assert!(readable.status.success(), "{readable:?}");
    let text = String::from_utf8_lossy(&readable.stdout);
    assert!(
        text.contains("said \x1b[1;36mAngela Merkel\x1b[0m in \x1b[1;32mBerlin\x1b[0m on \x1b[34mTuesday\x1b[0m."),
        "{text}"
    );
    assert!(!text.contains("<b>") && !text.contains("&ldquo;"), "{text}");

    // Standard input has no name: a doctype says HTML, plain text stays
    // text.
    let doctype = format!("\n<!DOCTYPE html>\n{PAGE}");
    let piped = json(&analyze_stdin(
        &gateway,
        &["--language", "en", "--json", "-"],
        &doctype,
    ));
    assert_eq!(
        mentions_of(&piped, &doctype, "Angela Merkel"),
        ["Angela</b> Merkel"]
    );
    let wire = "Angela Merkel spoke in Berlin.";
    let piped = json(&analyze_stdin(
        &gateway,
        &["--language", "en", "--json", "-"],
        wire,
    ));
    assert_eq!(piped["plainText"], "", "{piped}");
    assert_eq!(
        mentions_of(&piped, wire, "Angela Merkel"),
        ["Angela Merkel"]
    );

    // Said outright, either way: a fragment in a .txt file is HTML when
    // asked, and the page is its characters, tags and all, when asked.
    let fragment = "<p>Talks with <i>Angela</i> Merkel.</p>";
    let story = dir.path().join("story.txt");
    std::fs::write(&story, fragment).unwrap();
    let story_arg = story.display().to_string();
    let html = json(&english(&["--json", "--content-type", "html", &story_arg]));
    assert_eq!(
        mentions_of(&html, fragment, "Angela Merkel"),
        ["Angela</i> Merkel"]
    );
    let text = json(&english(&["--json", "--content-type", "text", &page_arg]));
    assert_eq!(text["plainText"], "", "{text}");
    let tokens = text["segmentation"]["tokens"].as_array().unwrap();
    assert!(
        tokens
            .iter()
            .any(|t| t["text"].as_str().unwrap().contains('<'))
    );

    // Several files through BatchAnnotate: each by its own name.
    let lines = english(&["--jsonl", &page_arg, &story_arg]);
    assert_eq!(lines.status.code(), Some(0), "{lines:?}");
    let lines = jsonl(&lines);
    assert_eq!(
        mentions_of(&lines[0]["annotation"], PAGE, "Angela Merkel"),
        ["Angela</b> Merkel"]
    );
    assert_eq!(lines[1]["annotation"]["plainText"], "");

    // A content type it does not know: a usage error naming the choices.
    let bad = english(&["--content-type", "xml", &page_arg]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let error = String::from_utf8_lossy(&bad.stderr);
    assert!(
        error.contains("--content-type") && error.contains("auto, text, html"),
        "{error}"
    );
}
