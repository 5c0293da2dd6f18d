//! The text a reader sees in an HTML body, built while html5gum (a
//! WHATWG-conformant HTML5 tokenizer that passes html5lib's tokenizer
//! tests and reports where each token is in the input) reads it, with a
//! [`SourceMap`] back to the markup.
//!
//! What a reader sees: text nodes, with character references decoded and
//! whitespace collapsed as a browser collapses it; not scripts, styles,
//! templates, `<noscript>` fallbacks, the `<head>`, comments (WordPress
//! keeps its block markers there), hidden elements or WordPress
//! shortcodes. Block elements end a paragraph (so a headline and the first
//! paragraph are never one sentence); `<br>` ends a line; inline elements
//! (`a`, `em`, `b`, `span`) split nothing.
//!
//! A tokenizer, not a tree builder: there is no stack of open elements to
//! grow with nesting, so a megabyte of nested `<div>`s costs what a
//! megabyte of text costs. What a tree builder would add (implicitly
//! closed `<p>`s, misnested formatting) changes nothing a reader sees in
//! the text, since every block tag, open or close, ends a paragraph.

use std::convert::Infallible;
use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, Tokenizer};

use crate::references::{self, Decoded};
use crate::shortcodes;
use crate::source_map::SourceMap;

/// Extracted text and where each part of it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    /// What a reader sees: paragraphs separated by a blank line.
    pub text: String,
    /// From offsets in `text` to offsets in the markup.
    pub map: SourceMap,
}

/// Extracts the text of `html`. Any string is HTML to a browser, so this
/// never fails; its cost is linear in the markup.
pub fn extract(html: &str) -> Extracted {
    let mut builder = Builder::new(html);
    let mut tag = OpenTag::default();
    let mut emitter = CallbackEmitter::new(
        |event: CallbackEvent<'_>, span: Span<usize>| -> Option<Infallible> {
            match event {
                CallbackEvent::OpenStartTag { name } => tag.open(name),
                CallbackEvent::AttributeName { name } => tag.attribute_name(name),
                CallbackEvent::AttributeValue { value } => tag.attribute_value(value),
                CallbackEvent::CloseStartTag { .. } => builder.start_tag(&tag),
                CallbackEvent::EndTag { name } => builder.end_tag(name),
                CallbackEvent::String { .. } => builder.string(html, span.start..span.end),
                CallbackEvent::Comment { .. }
                | CallbackEvent::Doctype { .. }
                | CallbackEvent::Error(_) => {}
            }
            None
        },
    );
    // Script, style, textarea and title content is read as the spec's raw
    // text states, so "</p>" in a script is script.
    emitter.naively_switch_states(true);
    // The callback keeps every event to itself, so the iterator yields
    // nothing: driving it reads the markup to its end.
    Tokenizer::new_with_emitter(html, WithoutErrors(emitter)).for_each(|token| match token {
        Ok(never) => match never {},
        Err(never) => match never {},
    });
    builder.finish()
}

/// Parse errors change nothing in the text a browser shows, and looking
/// for them (every byte checked for noncharacters) costs a fifth of the
/// tokenizer's time.
struct WithoutErrors<E>(E);

impl<E: Emitter> ForwardingEmitter for WithoutErrors<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// What a tag does to the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Starts and ends a paragraph.
    Block,
    /// Ends a line.
    LineBreak,
    /// Its content is not shown.
    Hidden,
    /// Nothing: text flows through it.
    Inline,
}

/// What `name` (lower case, as the tokenizer gives it) does to the text.
/// Hidden: raw-text elements the tokenizer reads as one string, and
/// embedded or interactive content whose fallback text is not part of
/// the story. A `match` on the bytes, because this runs for every tag.
fn role_of(name: &[u8]) -> Role {
    match name {
        b"br" => Role::LineBreak,
        b"audio" | b"button" | b"canvas" | b"embed" | b"head" | b"iframe" | b"math"
        | b"noembed" | b"noframes" | b"noscript" | b"object" | b"script" | b"select" | b"style"
        | b"svg" | b"template" | b"textarea" | b"title" | b"video" | b"xmp" => Role::Hidden,
        b"address" | b"article" | b"aside" | b"blockquote" | b"body" | b"caption" | b"center"
        | b"dd" | b"details" | b"dialog" | b"dir" | b"div" | b"dl" | b"dt" | b"fieldset"
        | b"figcaption" | b"figure" | b"footer" | b"form" | b"h1" | b"h2" | b"h3" | b"h4"
        | b"h5" | b"h6" | b"header" | b"hgroup" | b"hr" | b"html" | b"img" | b"legend" | b"li"
        | b"main" | b"menu" | b"nav" | b"ol" | b"p" | b"pre" | b"section" | b"summary"
        | b"table" | b"tbody" | b"td" | b"tfoot" | b"th" | b"thead" | b"tr" | b"ul" => Role::Block,
        _ => Role::Inline,
    }
}

/// Elements without content or end tag: hiding one hides nothing.
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

/// The start tag being read, with what its attributes say about it.
#[derive(Default)]
struct OpenTag {
    /// Lower-cased by the tokenizer.
    name: Vec<u8>,
    attribute: Vec<u8>,
    /// Hidden by the markup itself: `hidden`, `aria-hidden="true"` or an
    /// inline `display:none`, the usual ways CMS boilerplate (share bars,
    /// screen-reader-only duplicates) is kept out of sight.
    hidden: bool,
}

impl OpenTag {
    /// Starts reading the tag `name`, reusing the buffers.
    fn open(&mut self, name: &[u8]) {
        self.name.clear();
        self.name.extend_from_slice(name);
        self.attribute.clear();
        self.hidden = false;
    }

    fn attribute_name(&mut self, name: &[u8]) {
        self.attribute.clear();
        self.attribute.extend_from_slice(name);
        if name == b"hidden" {
            self.hidden = true;
        }
    }

    fn attribute_value(&mut self, value: &[u8]) {
        match self.attribute.as_slice() {
            b"aria-hidden" => self.hidden |= value.trim_ascii().eq_ignore_ascii_case(b"true"),
            b"style" => {
                let compact: Vec<u8> = value
                    .iter()
                    .filter(|b| !b.is_ascii_whitespace())
                    .map(u8::to_ascii_lowercase)
                    .collect();
                let has = |needle: &[u8]| compact.windows(needle.len()).any(|w| w == needle);
                self.hidden |= has(b"display:none") || has(b"visibility:hidden");
            }
            _ => {}
        }
    }
}

/// Where hidden content started, and how many elements of the same name
/// have opened inside it since, so its own end tag is recognised.
struct HiddenElement {
    name: Vec<u8>,
    nested: usize,
}

/// A break waiting for the next visible text: the strongest one asked for
/// since the last text wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    Line,
    Paragraph,
}

struct Builder {
    text: String,
    map: SourceMap,
    /// The element whose content is hidden, while inside it.
    hidden: Option<HiddenElement>,
    pending_break: Option<Break>,
    /// Whitespace seen since the last visible character, and its markup.
    pending_space: Option<Range<usize>>,
}

impl Builder {
    fn new(html: &str) -> Self {
        Builder {
            text: String::with_capacity(html.len() / 2),
            map: SourceMap::new(html.len()),
            hidden: None,
            pending_break: None,
            pending_space: None,
        }
    }

    fn start_tag(&mut self, tag: &OpenTag) {
        if let Some(hidden) = &mut self.hidden {
            if hidden.name == tag.name {
                hidden.nested += 1;
            }
            return;
        }
        let void = is_void(&tag.name);
        match role_of(&tag.name) {
            Role::Hidden if !void => self.hide(&tag.name),
            _ if tag.hidden && !void => self.hide(&tag.name),
            Role::Block => self.request_break(Break::Paragraph),
            Role::LineBreak => self.request_break(Break::Line),
            Role::Hidden | Role::Inline => {}
        }
    }

    fn hide(&mut self, name: &[u8]) {
        self.hidden = Some(HiddenElement {
            name: name.to_vec(),
            nested: 0,
        });
    }

    fn end_tag(&mut self, name: &[u8]) {
        if let Some(hidden) = &mut self.hidden {
            if hidden.name == name {
                match hidden.nested.checked_sub(1) {
                    Some(nested) => hidden.nested = nested,
                    None => self.hidden = None,
                }
            }
            return;
        }
        match role_of(name) {
            Role::Block => self.request_break(Break::Paragraph),
            // `</br>` is a line break to browsers too.
            Role::LineBreak => self.request_break(Break::Line),
            Role::Hidden | Role::Inline => {}
        }
    }

    fn request_break(&mut self, kind: Break) {
        self.pending_space = None;
        self.pending_break = Some(self.pending_break.map_or(kind, |b| b.max(kind)));
    }

    /// A run of text the tokenizer read at `source`: re-read from the
    /// markup (the tokenizer's decoded copy cannot say where each
    /// reference was), references decoded, whitespace collapsed,
    /// shortcodes dropped.
    fn string(&mut self, html: &str, source: Range<usize>) {
        if self.hidden.is_some() {
            return;
        }
        let Some(node) = html.get(source.clone()) else {
            return;
        };
        let base = source.start;
        let bytes = node.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A run of plain text, copied as it is: everything up to the
            // next byte that may need more than copying. All of them are
            // ASCII, so the run ends on a character boundary.
            let run = bytes[i..]
                .iter()
                .position(|&b| matches!(b, b'&' | b'[' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' '))
                .unwrap_or(bytes.len() - i);
            if run > 0 {
                self.before_visible(base + i);
                self.text.push_str(&node[i..i + run]);
                self.map.push_literal(run, base + i);
                i += run;
                continue;
            }
            let rest = &node[i..];
            match bytes[i] {
                b'&' => match references::decode_at(rest) {
                    Some((len, decoded)) => {
                        let source = base + i..base + i + len;
                        match decoded {
                            Decoded::Char(c) => self.visible_char(c, source),
                            Decoded::Str(s) => {
                                for c in s.chars() {
                                    self.visible_char(c, source.clone());
                                }
                            }
                        }
                        i += len;
                    }
                    None => i += self.literal_byte(rest, base + i),
                },
                b'[' => match shortcodes::length_at(rest) {
                    Some(len) => i += len,
                    None => i += self.literal_byte(rest, base + i),
                },
                _ => {
                    let spaces = bytes[i..]
                        .iter()
                        .position(|&b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' '))
                        .unwrap_or(bytes.len() - i);
                    self.space(base + i..base + i + spaces);
                    i += spaces;
                }
            }
        }
    }

    /// Copies the ASCII byte at the start of `rest` as text.
    fn literal_byte(&mut self, rest: &str, source_at: usize) -> usize {
        self.before_visible(source_at);
        self.text.push_str(&rest[..1]);
        self.map.push_literal(1, source_at);
        1
    }

    /// A decoded character: a no-break space is a space to a reader and to
    /// the segmenter; anything else is text standing for its reference.
    fn visible_char(&mut self, c: char, source: Range<usize>) {
        if c == '\u{a0}' || is_html_space(c) {
            self.space(source);
            return;
        }
        self.before_visible(source.start);
        self.text.push(c);
        self.map.push_replaced(c.len_utf8(), source);
    }

    fn space(&mut self, source: Range<usize>) {
        if self.text.is_empty() || self.pending_break.is_some() {
            return;
        }
        self.pending_space = Some(match self.pending_space.take() {
            Some(seen) => seen.start..source.end,
            None => source,
        });
    }

    /// Writes the break or space owed before visible text at `source_at`.
    fn before_visible(&mut self, source_at: usize) {
        if let Some(kind) = self.pending_break.take() {
            self.pending_space = None;
            if !self.text.is_empty() {
                let separator = match kind {
                    Break::Paragraph => "\n\n",
                    Break::Line => "\n",
                };
                self.text.push_str(separator);
                self.map
                    .push_replaced(separator.len(), source_at..source_at);
            }
        } else if let Some(space) = self.pending_space.take() {
            self.text.push(' ');
            self.map.push_replaced(1, space);
        }
    }

    fn finish(self) -> Extracted {
        Extracted {
            text: self.text,
            map: self.map,
        }
    }
}

/// ASCII whitespace as HTML defines it (tab, LF, FF, CR, space).
fn is_html_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}
