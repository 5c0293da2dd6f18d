//! What `copydesk analyze` reads: files, directories (recursively), glob
//! patterns and standard input ("-"), expanded to a sorted list of files so
//! runs are repeatable and resumable; and how their bytes become text.
//!
//! Newsroom archives hold Windows-1252 and Latin-1 files beside UTF-8 ones.
//! A file is read as UTF-8 when it is valid UTF-8 (or has a byte order
//! mark); otherwise its encoding is detected (chardetng) and it is decoded
//! with encoding_rs, or decoded in the encoding the caller names. A file is
//! never decoded with replacement characters: bytes that are not valid in
//! the encoding are an error naming it. Offsets in the answer index the
//! decoded text (as sent to the gateway), not the file's bytes.
//!
//! Whether a document is HTML (a story body as a CMS stores it) is said by
//! `--content-type`, or guessed from its name and how it starts
//! ([`looks_like_html`]).

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

/// A document's text and the encoding it was read in.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

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

    /// Reads and decodes the document: in `encoding` if given, otherwise
    /// UTF-8 or the detected encoding (see the module's documentation).
    pub fn read(&self, encoding: Option<&'static Encoding>) -> Result<Decoded, String> {
        let bytes = match self {
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
            }
            Input::File(path) => std::fs::read(path),
        }
        .map_err(|e| format!("cannot read: {e}"))?;
        decode(&bytes, encoding)
    }

    /// Whether the name says HTML: ".html" or ".htm", in any case.
    fn is_named_html(&self) -> bool {
        match self {
            Input::Stdin => false,
            Input::File(path) => path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm")),
        }
    }
}

/// Whether a document whose content type was not given is HTML: a file
/// named .html or .htm, or any input (standard input has no name) whose
/// first non-whitespace characters are `<!doctype html` or an `<html` tag,
/// after any comments (a page saved by a browser can start with
/// `<!-- saved from url=... -->`). A fragment such as `<p>...</p>` is not
/// guessed, since plain text may start with a tag-like word;
/// `--content-type html` says so.
pub fn looks_like_html(input: &Input, text: &str) -> bool {
    if input.is_named_html() {
        return true;
    }
    let mut start = text.trim_start();
    while let Some(comment) = start.strip_prefix("<!--") {
        match comment.find("-->") {
            Some(end) => start = comment[end + 3..].trim_start(),
            None => return false,
        }
    }
    let after = |prefix: &str| {
        start
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &start[prefix.len()..])
    };
    // The name must end there: "<htmlfoo" or "<!doctype htmlish" is not it.
    let ends_name = |rest: &str| {
        rest.chars()
            .next()
            .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
    };
    after("<!doctype html").is_some_and(ends_name) || after("<html").is_some_and(ends_name)
}

/// The encoding named by a WHATWG label ("windows-1252", "latin1",
/// "iso-8859-15", "utf-8", ...), for `--input-encoding`.
pub fn encoding_label(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!(
            "{label:?} is not an encoding label (e.g. utf-8, windows-1252, iso-8859-15, shift_jis)"
        )
    })
}

/// Fewer non-ASCII bytes than this and detection favours Western
/// European encodings.
const FEW_NON_ASCII_BYTES: usize = 8;

/// Decodes `bytes` in `forced`, or else by their byte order mark, as UTF-8
/// when they are valid UTF-8, or in the encoding chardetng guesses. Bytes
/// not valid in the chosen encoding are an error, never replaced.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    let (encoding, body) = match forced {
        Some(encoding) => (encoding, bytes),
        None => match Encoding::for_bom(bytes) {
            Some((encoding, bom)) => (encoding, &bytes[bom..]),
            None if std::str::from_utf8(bytes).is_ok() => (encoding_rs::UTF_8, bytes),
            None => {
                let mut detector = chardetng::EncodingDetector::new();
                detector.feed(bytes, true);
                // UTF-8 was ruled out above. A handful of non-ASCII bytes
                // are symbols or a name's accents more than a language's
                // letters, too little for chardetng (a file whose one is a
                // pound sign is "Windows-1250": Ł): there a Western
                // European domain is the hint, favouring Windows-1252 as
                // browsers do. Past that the text decides.
                let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
                let hint = (non_ascii < FEW_NON_ASCII_BYTES).then_some(b"uk".as_slice());
                (detector.guess(hint, false), bytes)
            }
        },
    };
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding,
        }),
        None if forced.is_some() => Err(format!(
            "not valid {} text (--input-encoding)",
            encoding.name()
        )),
        None => Err(format!(
            "not valid UTF-8, nor {} (the detected encoding): name it with --input-encoding",
            encoding.name()
        )),
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

    /// A real Windows-1252 file: curly quotes, an en dash, é, ü and €
    /// are single bytes that are not valid UTF-8.
    const CP1252: &[u8] =
        b"\x93Caf\xe9 M\xfcller\x94, said Angela Merkel in Berlin \x96 it cost \x805 million.";
    const CP1252_TEXT: &str =
        "\u{201c}Café Müller\u{201d}, said Angela Merkel in Berlin \u{2013} it cost €5 million.";

    #[test]
    fn windows_1252_files_are_detected_and_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("story.txt");
        std::fs::write(&path, CP1252).unwrap();
        let decoded = Input::File(path).read(None).unwrap();
        assert_eq!(decoded.text, CP1252_TEXT);
        assert_eq!(decoded.encoding.name(), "windows-1252");
        // One non-ASCII byte (as in the BBC archive's sports/199.txt): a
        // pound sign in Windows-1252, not an Ł in Windows-1250.
        let pound = decode(b"He was fined \xa315,000 on Monday.", None).unwrap();
        assert_eq!(pound.text, "He was fined £15,000 on Monday.");
        assert_eq!(pound.encoding.name(), "windows-1252");
        // Clearly other encodings are still found.
        let (polish, _, _) = encoding_rs::WINDOWS_1250
            .encode("Zażółć gęślą jaźń: prezydent Wałęsa przemawiał w Gdańsku o świętach.");
        assert_eq!(
            decode(&polish, None).unwrap().encoding.name(),
            "windows-1250"
        );
        let (russian, _, _) = encoding_rs::WINDOWS_1251
            .encode("Президент России заявил в понедельник, что переговоры идут хорошо.");
        assert_eq!(
            decode(&russian, None).unwrap().encoding.name(),
            "windows-1251"
        );
    }

    #[test]
    fn utf8_and_byte_order_marks_come_first() {
        let utf8 = decode("Zürich".as_bytes(), None).unwrap();
        assert_eq!(
            (utf8.text.as_str(), utf8.encoding.name()),
            ("Zürich", "UTF-8")
        );
        let bom = decode(b"\xef\xbb\xbfParis", None).unwrap();
        assert_eq!((bom.text.as_str(), bom.encoding.name()), ("Paris", "UTF-8"));
        let utf16 = decode(b"\xff\xfeP\0a\0", None).unwrap();
        assert_eq!(
            (utf16.text.as_str(), utf16.encoding.name()),
            ("Pa", "UTF-16LE")
        );
    }

    #[test]
    fn html_is_known_by_its_name_or_its_first_tag() {
        let file = |name: &str| Input::File(PathBuf::from(name));
        let story = "Angela Merkel spoke in Berlin.";
        assert!(looks_like_html(&file("web/page.html"), story));
        assert!(looks_like_html(&file("PAGE.HTM"), ""));
        assert!(!looks_like_html(&file("page.html.txt"), story));
        assert!(!looks_like_html(&file("html"), story));
        for text in [
            "<!DOCTYPE html>\n<p>Hi</p>",
            "<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
            " \n\t<html lang=\"en\"><body>Hi</body></html>",
            "<HTML>",
            "<html",
            "<!-- saved from url=(0014)about:internet -->\n<!-- two --><!DOCTYPE html>",
        ] {
            assert!(looks_like_html(&Input::Stdin, text), "{text:?}");
            assert!(looks_like_html(&file("story.txt"), text), "{text:?}");
        }
        for text in [
            "",
            "<p>A fragment is not guessed.</p>",
            "<htmlish> is a word here",
            "<!doctype htmlx>",
            "Text, then <html>",
            "<!-- a comment that never ends <html>",
        ] {
            assert!(!looks_like_html(&Input::Stdin, text), "{text:?}");
        }
    }

    #[test]
    fn a_named_encoding_is_used_and_invalid_bytes_are_an_error() {
        let latin1 = encoding_label("latin1").unwrap();
        // WHATWG: the Latin-1 labels name Windows-1252.
        assert_eq!(latin1.name(), "windows-1252");
        assert_eq!(decode(CP1252, Some(latin1)).unwrap().text, CP1252_TEXT);
        let error = decode(CP1252, Some(encoding_rs::UTF_8)).unwrap_err();
        assert!(error.contains("not valid UTF-8"), "{error}");
        assert!(encoding_label("klingon").is_err());
    }
}
