//! Why a knowledge base cannot be loaded.

use std::path::PathBuf;

use crate::load::LineProblem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is over the size limit; it is refused whole, not cut.
    #[error("{}: {size} bytes, over the limit of {limit} bytes", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// Lines that are not entries; the whole base is refused.
    #[error("{}{}", join(problems), more_problems(*more))]
    Lines {
        problems: Vec<LineProblem>,
        /// Problems found past the ones listed.
        more: usize,
    },
    /// The files hold no entry at all.
    #[error("no entries in {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Empty { paths: Vec<PathBuf> },
    /// The default base's `manifest.json` is unreadable.
    #[error("{}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    /// A default-base file does not match its `SHA256SUMS` line.
    #[error("{}: sha256 {actual}, but SHA256SUMS says {expected}", path.display())]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
}

fn join(problems: &[LineProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn more_problems(more: usize) -> String {
    if more == 0 {
        String::new()
    } else {
        format!("; and {more} more problems")
    }
}
