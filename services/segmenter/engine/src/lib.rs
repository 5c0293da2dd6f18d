//! Copydesk's segmenter engine: paragraphs, sentences and tokens of news text,
//! with UTF-8 byte offsets into the original text, and the text's language.
//!
//! A plain library, no gRPC: the segmenter service, the other engines, the CLI
//! and the benchmarks all call [`Segmenter::segment`] in-process.
//!
//! Where things are:
//! - [`tokenizer`]: Penn Treebank / CoNLL-style tokens;
//! - [`abbreviations`]: the word lists the tokenizer and the sentence rules share;
//! - [`sentence_rules`]: where sentences end;
//! - [`paragraphs`]: blocks and lines;
//! - [`language`]: language identification.

#![forbid(unsafe_code)]

pub mod abbreviations;
pub mod language;
pub mod paragraphs;
pub mod sentence_rules;
pub mod tokenizer;

use std::borrow::Cow;

pub use language::Language;

/// A stretch of the text in UTF-8 bytes, end-exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> Self {
        ByteSpan { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Word,
    Number,
    Punctuation,
    Symbol,
    Url,
    Email,
    Hashtag,
    Mention,
    Emoji,
}

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// Where it is in the text.
    pub span: ByteSpan,
    /// What it is.
    pub kind: TokenKind,
    /// Its normalised form: borrowed from the text unless something (curly
    /// quotes, dashes, ellipses) was mapped to ASCII.
    pub norm: Cow<'a, str>,
    /// Whether whitespace follows it.
    pub space_after: bool,
}

/// What a segment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SentenceKind {
    /// A sentence.
    Sentence,
    /// A line that stands alone without being a sentence: headline, kicker,
    /// deck, dateline, credit.
    Line,
    /// An item of a list.
    ListItem,
}

/// One sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// From its first token's start to its last token's end.
    pub span: ByteSpan,
    /// Index of its first token.
    pub token_start: usize,
    /// One past the index of its last token.
    pub token_end: usize,
    /// Index of its paragraph.
    pub paragraph: usize,
    pub kind: SentenceKind,
}

/// One paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// From its first token's start to its last token's end.
    pub span: ByteSpan,
    /// Index of its first sentence.
    pub sentence_start: usize,
    /// One past the index of its last sentence.
    pub sentence_end: usize,
}

/// Paragraphs, sentences and tokens of one text.
#[derive(Clone, Debug, Default)]
pub struct Segmentation<'a> {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token<'a>>,
    pub language: Language,
}

/// The segmenter. Cheap to share: build one and call it from every thread.
#[derive(Clone, Debug, Default)]
pub struct Segmenter {
    _private: (),
}

impl Segmenter {
    pub fn new() -> Self {
        Segmenter { _private: () }
    }

    /// Segments `text`. `language_code` is the caller's BCP-47 code, if it
    /// knows it; otherwise the language is identified from the text.
    pub fn segment<'a>(&self, text: &'a str, language_code: Option<&str>) -> Segmentation<'a> {
        let language = match language_code.filter(|c| !c.is_empty()) {
            Some(code) => Language::given(code),
            None => language::identify(text),
        };
        let tokens = tokenizer::tokenize(text);
        let (paragraphs, sentences) = sentence_rules::split(text, &tokens);
        Segmentation {
            paragraphs,
            sentences,
            tokens,
            language,
        }
    }
}
