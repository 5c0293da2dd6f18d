//! Resuming an interrupted run: a JSONL journal of finished ids.
//!
//! Each line is a JSON object with an `"id"` string; other fields are
//! ignored, so the `--jsonl` output of `copydesk analyze` serves as a
//! journal too. A line with an `"error"` key records a failure, not a
//! document done: it is retried. A line cut short by a crash is skipped,
//! not an error.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use crate::Error;

fn resume_error(path: &Path, source: std::io::Error) -> Error {
    Error::Resume {
        path: path.display().to_string(),
        source,
    }
}

/// The ids recorded in `path`; empty when the file does not exist yet.
pub fn done_ids(path: impl AsRef<Path>) -> Result<HashSet<String>, Error> {
    let path = path.as_ref();
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(error) => return Err(resume_error(path, error)),
    };
    let mut ids = HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| resume_error(path, e))?;
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line)
            && let Some(id) = value.get("id").and_then(serde_json::Value::as_str)
            && value.get("error").is_none()
        {
            ids.insert(id.to_owned());
        }
    }
    Ok(ids)
}

/// Appends finished ids to a journal, one flushed line each, so a crash
/// loses at most the line being written.
#[derive(Debug)]
pub struct Journal {
    file: std::fs::File,
    path: std::path::PathBuf,
}

impl Journal {
    /// Opens (or creates) `path` for appending.
    pub fn append(path: impl AsRef<Path>) -> Result<Journal, Error> {
        let path = path.as_ref();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| resume_error(path, e))?;
        Ok(Journal {
            file,
            path: path.to_owned(),
        })
    }

    /// Records `id` as done.
    pub fn record(&mut self, id: &str) -> Result<(), Error> {
        let line = serde_json::json!({ "id": id }).to_string();
        writeln!(self.file, "{line}")
            .and_then(|()| self.file.flush())
            .map_err(|e| resume_error(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_journal_reads_back_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("done.jsonl");
        assert!(done_ids(&path).unwrap().is_empty());
        let mut journal = Journal::append(&path).unwrap();
        journal.record("a").unwrap();
        journal.record("b \"quoted\"").unwrap();
        writeln!(
            journal.file,
            r#"{{"id": "failed", "error": {{"code": 3}}}}"#
        )
        .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"id\": \"c")
            .unwrap();
        let ids = done_ids(&path).unwrap();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains("a") && ids.contains("b \"quoted\""));
    }
}
