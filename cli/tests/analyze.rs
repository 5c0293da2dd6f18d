//! `copydesk analyze` as scripts use it: the real binary against the real
//! suite on ephemeral ports; JSONL output, exit codes, resume.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn analyze(gateway: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("analyze")
        .arg("--addr")
        .arg(gateway)
        .args(args)
        .output()
        .unwrap()
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
