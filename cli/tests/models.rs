//! `copydesk models` on the real binary: the repository's models pass, a
//! tampered copy fails with the file named.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn models(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["models", "--models-dir"])
        .arg(dir)
        .output()
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_repository_models_load_and_a_tampered_copy_fails() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let output = models(&repository);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("ok    entities   neuroner-conll2003-en"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok    sentiment  sentiment-news/news_calibration.tsv"),
        "{stdout}"
    );
    assert!(stdout.contains("ok    entities   fine-types"), "{stdout}");

    let copy = tempfile::tempdir().unwrap();
    copy_dir(&repository, copy.path());
    let labels = copy.path().join("neuroner-conll2003-en/labels.txt");
    let mut text = std::fs::read_to_string(&labels).unwrap();
    text.push_str("X-TAMPERED\n");
    std::fs::write(&labels, text).unwrap();
    let output = models(copy.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  entities") && stdout.contains("labels.txt"),
        "{stdout}"
    );
    // The fine types are checked on their own: they load, the NER model not.
    assert!(stdout.contains("ok    entities   fine-types"), "{stdout}");

    let weights = copy.path().join("fine-types/weights.txt");
    let text = std::fs::read_to_string(&weights).unwrap();
    std::fs::write(&weights, text.replace("threshold ", "threshold 0")).unwrap();
    let output = models(copy.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  entities   the fine-type model") && stdout.contains("weights.txt"),
        "{stdout}"
    );
}
