//! Reading knowledge-base files: JSON Lines, one entry a line, blank lines
//! and `#` lines ignored. A file with any bad line is refused whole, with
//! every problem found (up to [`MAX_PROBLEMS`]) named by file and line, so
//! that the previous copy keeps serving and the newsroom can fix them all
//! at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::entry::{CoarseType, Entry, Kind};
use crate::error::Error;

/// Default largest base file: 256 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest line: an entry with a few hundred aliases fits many times over.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Problems reported per refused file; the rest are counted.
pub const MAX_PROBLEMS: usize = 20;
/// The prior of an entry whose line gives none.
pub const DEFAULT_PRIOR: f32 = 0.5;
/// The name of a newsroom base whose file does not name it.
pub const NEWSROOM: &str = "newsroom";
/// The first line that names a newsroom base and its version.
pub const HEADER: &str = "# copydesk-knowledge-base:";

/// A knowledge base as read from its files.
#[derive(Clone, Debug)]
pub struct Base {
    /// "default", or the newsroom base's name.
    pub name: String,
    pub version: String,
    /// The files read, in order.
    pub paths: Vec<PathBuf>,
    /// SHA-256 of the files' concatenation, in `paths` order, hex.
    pub sha256: String,
    /// A newsroom's own base (searched before the default).
    pub newsroom: bool,
    pub entries: Vec<Entry>,
}

/// A bad line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    pub path: PathBuf,
    /// From 1.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Loads the shipped default base from `dir`: the files `manifest.json`
/// lists (or `entries.jsonl` without a manifest), checked against
/// `SHA256SUMS` when the directory has one.
pub fn load_default(dir: &Path, max_file_bytes: u64) -> Result<Base, Error> {
    let manifest_path = dir.join("manifest.json");
    let (name, version, files) = if manifest_path.exists() {
        read_manifest(&manifest_path, max_file_bytes)?
    } else {
        (
            "default".to_owned(),
            "unversioned".to_owned(),
            vec!["entries.jsonl".to_owned()],
        )
    };
    let sums = read_sums(&dir.join("SHA256SUMS"), max_file_bytes)?;
    let mut reader = Reader::default();
    let mut all = Sha256::new();
    let mut paths = Vec::new();
    for file in &files {
        let path = dir.join(file);
        let bytes = read_file(&path, max_file_bytes)?;
        if let Some(expected) = sums.as_ref().and_then(|sums| sums.get(file.as_str())) {
            let actual = hex(&Sha256::digest(&bytes));
            if &actual != expected {
                return Err(Error::Checksum {
                    path,
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        all.update(&bytes);
        reader.read(&path, &bytes);
        paths.push(path);
    }
    let entries = reader.finish(&paths)?;
    Ok(Base {
        name,
        version,
        paths,
        sha256: hex(&all.finalize()),
        newsroom: false,
        entries,
    })
}

/// Loads a newsroom base file. Its name is "newsroom" and its version the
/// file's modification time unless a first line
/// `# copydesk-knowledge-base: name=<name> version=<version>` says
/// otherwise.
pub fn load_newsroom(path: &Path, max_file_bytes: u64) -> Result<Base, Error> {
    let bytes = read_file(path, max_file_bytes)?;
    let (mut name, mut version) = (NEWSROOM.to_owned(), None);
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    if let Some(header) = std::str::from_utf8(first)
        .ok()
        .and_then(|line| line.trim().strip_prefix(HEADER))
    {
        for field in header.split_whitespace() {
            match field.split_once('=') {
                Some(("name", value)) if !value.is_empty() => name = value.to_owned(),
                Some(("version", value)) if !value.is_empty() => {
                    version = Some(value.to_owned());
                }
                _ => {}
            }
        }
    }
    let version = match version {
        Some(version) => version,
        None => std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map(rfc3339)
            .unwrap_or_default(),
    };
    let mut reader = Reader::default();
    reader.read(path, &bytes);
    let paths = vec![path.to_owned()];
    let entries = reader.finish(&paths)?;
    Ok(Base {
        name,
        version,
        paths,
        sha256: hex(&Sha256::digest(&bytes)),
        newsroom: true,
        entries,
    })
}

/// Parses base lines held in memory (tests, tools).
pub fn parse(path: &Path, text: &str) -> Result<Vec<Entry>, Error> {
    let mut reader = Reader::default();
    reader.read(path, text.as_bytes());
    reader.finish(&[path.to_owned()])
}

fn read_file(path: &Path, max_file_bytes: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > max_file_bytes {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            size,
            limit: max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    // The file may have grown between the two calls.
    if bytes.len() as u64 > max_file_bytes {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            limit: max_file_bytes,
        });
    }
    Ok(bytes)
}

fn read_manifest(path: &Path, max: u64) -> Result<(String, String, Vec<String>), Error> {
    let bad = |message: String| Error::Manifest {
        path: path.to_owned(),
        message,
    };
    let bytes = read_file(path, max)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
    let name = text("name").unwrap_or_else(|| "default".to_owned());
    let version = text("version").ok_or_else(|| bad("no \"version\"".to_owned()))?;
    let files = value
        .get("files")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no \"files\" array".to_owned()))?
        .iter()
        .map(|f| {
            f.as_str()
                .filter(|f| !f.is_empty() && !f.contains(['/', '\\']))
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("\"files\" holds {f}, not a file name")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if files.is_empty() {
        return Err(bad("\"files\" is empty".to_owned()));
    }
    Ok((name, version, files))
}

/// `SHA256SUMS` as file name -> hex digest; `None` when there is none.
fn read_sums(path: &Path, max: u64) -> Result<Option<HashMap<String, String>>, Error> {
    if !path.exists() {
        return Ok(None);
    }
    let bytes = read_file(path, max)?;
    let text = String::from_utf8_lossy(&bytes);
    let sums = text
        .lines()
        .filter_map(|line| {
            let (sum, file) = line.split_once(char::is_whitespace)?;
            Some((
                file.trim().trim_start_matches('*').to_owned(),
                sum.to_ascii_lowercase(),
            ))
        })
        .collect();
    Ok(Some(sums))
}

/// Entries read so far, and the problems found, across a base's files.
#[derive(Default)]
struct Reader {
    entries: Vec<Entry>,
    /// Where each id was first seen.
    ids: HashMap<String, (PathBuf, usize)>,
    problems: Vec<LineProblem>,
    more: usize,
}

impl Reader {
    fn read(&mut self, path: &Path, bytes: &[u8]) {
        for (number, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let number = number + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.len() > MAX_LINE_BYTES {
                self.problem(
                    path,
                    number,
                    format!(
                        "line of {} bytes, over the limit of {MAX_LINE_BYTES}",
                        line.len()
                    ),
                );
                continue;
            }
            let Ok(line) = std::str::from_utf8(line) else {
                self.problem(path, number, "not UTF-8".to_owned());
                continue;
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Ok(entry) => match self.ids.get(&entry.id) {
                    Some((first_path, first_line)) => {
                        let message = format!(
                            "duplicate id {:?} (first at {}:{first_line})",
                            entry.id,
                            first_path.display()
                        );
                        self.problem(path, number, message);
                    }
                    None => {
                        self.ids.insert(entry.id.clone(), (path.to_owned(), number));
                        self.entries.push(entry);
                    }
                },
                Err(message) => self.problem(path, number, message),
            }
        }
    }

    fn problem(&mut self, path: &Path, line: usize, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(LineProblem {
                path: path.to_owned(),
                line,
                message,
            });
        } else {
            self.more += 1;
        }
    }

    fn finish(self, paths: &[PathBuf]) -> Result<Vec<Entry>, Error> {
        if !self.problems.is_empty() {
            return Err(Error::Lines {
                problems: self.problems,
                more: self.more,
            });
        }
        if self.entries.is_empty() {
            return Err(Error::Empty {
                paths: paths.to_vec(),
            });
        }
        Ok(self.entries)
    }
}

/// One line's entry, or what is wrong with it.
fn parse_line(line: &str) -> Result<Entry, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(mut fields) = value else {
        return Err("not a JSON object".to_owned());
    };
    let id = required_text(&mut fields, "id")?;
    let name = required_text(&mut fields, "name")?;
    let type_text = required_text(&mut fields, "type")?;
    let coarse = CoarseType::parse(&type_text).ok_or_else(|| {
        format!("unknown type {type_text:?} (PERSON, ORGANIZATION, LOCATION or MISC)")
    })?;
    let kind_text = optional_text(&mut fields, "kind")?.unwrap_or_default();
    let prior = match fields.remove("prior") {
        None | Some(Value::Null) => DEFAULT_PRIOR,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => p as f32,
            _ => return Err(format!("prior {n} is outside [0, 1]")),
        },
        Some(other) => return Err(format!("prior {other} is not a number")),
    };
    let mut entry = Entry::new(&id, &name, coarse, Kind::parse(&kind_text, coarse), prior);
    entry.aliases = text_list(&mut fields, "aliases")?;
    entry.demonyms = text_list(&mut fields, "demonyms")?;
    entry.description = optional_text(&mut fields, "description")?.unwrap_or_default();
    entry.url = optional_text(&mut fields, "url")?.unwrap_or_default();
    entry.country_code =
        optional_text(&mut fields, "country_code")?.map(|c| c.to_ascii_uppercase());
    entry.parent = optional_text(&mut fields, "parent")?;
    entry.latitude = number(&mut fields, "latitude")?;
    entry.longitude = number(&mut fields, "longitude")?;
    entry.population = match fields.remove("population") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_u64()
                .ok_or_else(|| format!("population {n} is not a whole number"))?,
        ),
        Some(other) => return Err(format!("population {other} is not a number")),
    };
    let mut metadata = BTreeMap::new();
    for (key, value) in fields {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s,
            other => other.to_string(),
        };
        metadata.insert(key, text);
    }
    entry.metadata = metadata;
    Ok(entry)
}

fn required_text(fields: &mut Map<String, Value>, field: &str) -> Result<String, String> {
    match optional_text(fields, field)? {
        Some(text) if !text.trim().is_empty() => Ok(text),
        Some(_) => Err(format!("\"{field}\" is empty")),
        None => Err(format!("\"{field}\" is missing")),
    }
}

fn optional_text(fields: &mut Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match fields.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(format!("\"{field}\" is {other}, not a string")),
    }
}

fn text_list(fields: &mut Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    match fields.remove(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                other => Err(format!("\"{field}\" holds {other}, not a string")),
            })
            .filter(|item| item.as_ref().map_or(true, |t| !t.trim().is_empty()))
            .collect(),
        Some(other) => Err(format!("\"{field}\" is {other}, not an array of strings")),
    }
}

fn number(fields: &mut Map<String, Value>, field: &str) -> Result<Option<f64>, String> {
    match fields.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(format!("\"{field}\" is {other}, not a number")),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `time` as RFC 3339 UTC to the second ("2026-12-01T05:34:53Z").
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::time::Duration;

    fn problems(text: &str) -> Vec<String> {
        match parse(Path::new("base.jsonl"), text) {
            Err(Error::Lines { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => panic!("expected line problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_every_field() {
        let line = r#"{"id":"t1","name":"Taiwan","aliases":["ROC"],"type":"LOCATION","kind":"country","prior":1,"demonyms":["Taiwanese"],"country_code":"tw","parent":null,"latitude":23.5,"longitude":121,"population":23000000,"iso_3166":"TW","capital":true,"url":"https://x","description":"island"}"#;
        let entries = parse(Path::new("b"), &format!("# c\n\n{line}\n")).unwrap();
        let e = &entries[0];
        assert_eq!((e.id.as_str(), e.name.as_str()), ("t1", "Taiwan"));
        assert_eq!(e.kind, Kind::Country);
        assert_eq!(e.coarse, CoarseType::Location);
        assert_eq!(e.country_code.as_deref(), Some("TW"));
        assert_eq!(e.population, Some(23_000_000));
        assert_eq!(e.metadata["iso_3166"], "TW");
        assert_eq!(e.metadata["capital"], "true");
        assert_eq!(e.demonyms, ["Taiwanese"]);
    }

    #[test]
    fn every_bad_line_is_named() {
        let text = "{\"id\":\"a\",\"name\":\"A\",\"type\":\"LOCATION\"}\n\
                    {not json\n\
                    {\"id\":\"a\",\"name\":\"A2\",\"type\":\"LOCATION\"}\n\
                    {\"id\":\"b\",\"type\":\"LOCATION\"}\n\
                    {\"id\":\"c\",\"name\":\"C\",\"type\":\"PLACE\"}\n\
                    {\"id\":\"d\",\"name\":\"D\",\"type\":\"MISC\",\"prior\":2}\n\
                    {\"id\":\"\",\"name\":\"E\",\"type\":\"MISC\"}\n";
        let found = problems(text);
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(
            found[0].starts_with("base.jsonl:2: invalid JSON"),
            "{found:?}"
        );
        assert!(found[1].contains(":3: duplicate id \"a\" (first at base.jsonl:1)"));
        assert!(found[2].contains(":4: \"name\" is missing"));
        assert!(found[3].contains(":5: unknown type \"PLACE\""));
        assert!(found[4].contains(":6: prior 2 is outside [0, 1]"));
        assert!(found[5].contains(":7: \"id\" is empty"));
    }

    #[test]
    fn a_long_line_and_an_empty_file_are_refused() {
        let long = format!(
            "{{\"id\":\"a\",\"name\":\"{}\",\"type\":\"MISC\"}}",
            "x".repeat(MAX_LINE_BYTES)
        );
        assert!(problems(&long)[0].contains(":1: line of"));
        assert!(matches!(
            parse(Path::new("b"), "# only a comment\n\n"),
            Err(Error::Empty { .. })
        ));
    }

    #[test]
    fn newsroom_header_names_the_base_and_size_limit_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tags.jsonl");
        std::fs::write(
            &path,
            "# copydesk-knowledge-base: name=desk version=7\n{\"id\":\"a\",\"name\":\"A\",\"type\":\"MISC\"}\n",
        )
        .unwrap();
        let base = load_newsroom(&path, DEFAULT_MAX_FILE_BYTES).unwrap();
        assert_eq!((base.name.as_str(), base.version.as_str()), ("desk", "7"));
        assert!(base.newsroom);
        assert_eq!(base.sha256.len(), 64);
        assert!(matches!(
            load_newsroom(&path, 10),
            Err(Error::TooLarge { limit: 10, .. })
        ));
    }

    #[test]
    fn default_base_is_checked_against_its_sums() {
        let dir = tempfile::tempdir().unwrap();
        let line = "{\"id\":\"a\",\"name\":\"A\",\"type\":\"MISC\"}\n";
        std::fs::write(dir.path().join("one.jsonl"), line).unwrap();
        std::fs::write(
            dir.path().join("manifest.json"),
            r#"{"name":"default","version":"v1","files":["one.jsonl"]}"#,
        )
        .unwrap();
        let base = load_default(dir.path(), DEFAULT_MAX_FILE_BYTES).unwrap();
        assert_eq!(base.version, "v1");
        assert_eq!(base.entries.len(), 1);
        std::fs::write(
            dir.path().join("SHA256SUMS"),
            format!("{}  one.jsonl\n", "0".repeat(64)),
        )
        .unwrap();
        assert!(matches!(
            load_default(dir.path(), DEFAULT_MAX_FILE_BYTES),
            Err(Error::Checksum { .. })
        ));
        std::fs::write(
            dir.path().join("SHA256SUMS"),
            format!("{}  one.jsonl\n", base.sha256),
        )
        .unwrap();
        assert!(load_default(dir.path(), DEFAULT_MAX_FILE_BYTES).is_ok());
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_103_293);
        assert_eq!(rfc3339(t), "2026-12-01T05:34:53Z");
    }
}
