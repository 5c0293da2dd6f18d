//! What `copydesk analyze` reads: files, directories (recursively), glob
//! patterns and standard input ("-"), expanded to a sorted list of files so
//! runs are repeatable and resumable.

use std::path::{Path, PathBuf};

/// One document to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The document id: the path as given or found, "-" for standard input.
    pub fn id(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::File(path) => path.display().to_string(),
        }
    }

    pub fn read(&self) -> std::io::Result<String> {
        match self {
            Input::Stdin => std::io::read_to_string(std::io::stdin()),
            Input::File(path) => std::fs::read_to_string(path),
        }
    }
}

/// Expands the arguments; nothing given means standard input. An argument
/// that matches nothing is a usage error (exit 2), not an empty run.
pub fn expand(arguments: &[String]) -> Result<Vec<Input>, String> {
    if arguments.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    for argument in arguments {
        if argument == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(argument);
        if path.is_dir() {
            let before = inputs.len();
            walk(path, &mut inputs).map_err(|e| format!("cannot list {argument}: {e}"))?;
            if inputs.len() == before {
                return Err(format!("{argument}: no files in this directory"));
            }
        } else if path.exists() {
            inputs.push(Input::File(path.to_owned()));
        } else if argument.contains(['*', '?', '[']) {
            let paths =
                glob::glob(argument).map_err(|e| format!("bad pattern {argument:?}: {e}"))?;
            let mut found: Vec<PathBuf> = paths
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if found.is_empty() {
                return Err(format!("{argument}: no file matches this pattern"));
            }
            found.sort();
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            return Err(format!("{argument}: no such file or directory"));
        }
    }
    Ok(inputs)
}

/// Regular files under `dir`, sorted, skipping hidden files and folders
/// (`.git`, editor swap files).
fn walk(dir: &Path, out: &mut Vec<Input>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.is_file() {
            out.push(Input::File(path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn directories_globs_and_files_expand_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("b")).unwrap();
        std::fs::write(root.join("b/2.txt"), "two").unwrap();
        std::fs::write(root.join("b/1.txt"), "one").unwrap();
        std::fs::write(root.join("b/.hidden"), "no").unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        let ids = |args: &[String]| -> Vec<String> {
            expand(args).unwrap().iter().map(Input::id).collect()
        };
        let dir_arg = root.join("b").display().to_string();
        assert_eq!(
            ids(std::slice::from_ref(&dir_arg)),
            [format!("{dir_arg}/1.txt"), format!("{dir_arg}/2.txt")]
        );
        let pattern = format!("{}/*.md", root.display());
        assert_eq!(ids(&[pattern]), [root.join("a.md").display().to_string()]);
        assert_eq!(expand(&[]).unwrap(), [Input::Stdin]);
        assert!(expand(&[format!("{}/nothing*", root.display())]).is_err());
        assert!(expand(&[format!("{}/missing.txt", root.display())]).is_err());
    }
}
