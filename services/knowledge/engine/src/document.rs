//! What the linker reads and what it answers, in the engine's own types
//! (byte offsets into the document's text; the server converts).

use std::sync::Arc;

use crate::entry::{CoarseType, Entry};
use crate::fine_type::FineType;
use crate::knowledge::KnowledgeBase;

/// A stretch of the text in UTF-8 bytes, end-exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> ByteSpan {
        ByteSpan { start, end }
    }

    pub fn overlaps(&self, other: &ByteSpan) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// One entity of the document, as the entities service found it.
#[derive(Clone, Debug)]
pub struct InputEntity {
    /// Its fullest name in the document.
    pub name: String,
    /// `None` for numeric and temporal entities, which never link.
    pub coarse: Option<CoarseType>,
    pub mentions: Vec<InputMention>,
    pub salience: f32,
}

#[derive(Clone, Debug)]
pub struct InputMention {
    pub span: ByteSpan,
    pub text: String,
}

/// The document to link.
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    /// Its tokens, in text order (for the names the NER missed).
    pub tokens: &'a [ByteSpan],
    pub entities: &'a [InputEntity],
}

/// How to link.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// Links below this confidence are not given.
    pub threshold: f32,
    /// Only these bases; empty: all.
    pub bases: &'a [String],
    /// Add entities the NER missed that a base knows without ambiguity.
    pub add_missed: bool,
}

/// A link of an entity to an entry.
#[derive(Clone, Debug)]
pub struct Link {
    pub base: Arc<KnowledgeBase>,
    pub entry: u32,
    /// Confidence in [0, 1].
    pub score: f32,
    /// Linked through a demonym: the entity is a nationality of the entry.
    pub nationality: bool,
}

impl Link {
    pub fn entry(&self) -> Option<&Entry> {
        self.base.entry(self.entry)
    }

    /// "nationality" for a demonym, else the entry's kind.
    pub fn kind(&self) -> &str {
        if self.nationality {
            return "nationality";
        }
        self.entry().map_or("", |e| e.kind.as_str())
    }
}

/// What linking decided for one of the request's entities.
#[derive(Clone, Debug, Default)]
pub struct LinkedEntity {
    /// At most one per base, in search order (newsroom bases first).
    pub links: Vec<Link>,
    /// The type the entity should have instead of the NER's, when the text
    /// and the bases decide it (see `retype`): LOCATION or ORGANIZATION,
    /// with a link.
    pub coarse: Option<CoarseType>,
    pub fine_type: Option<FineType>,
    /// Renormalised when entities were added.
    pub salience: f32,
}

/// An entity the NER missed that a base knows without ambiguity.
#[derive(Clone, Debug)]
pub struct AddedEntity {
    pub name: String,
    pub coarse: CoarseType,
    pub mentions: Vec<ByteSpan>,
    pub links: Vec<Link>,
    pub fine_type: Option<FineType>,
    pub salience: f32,
}

/// An entry the document is about.
#[derive(Clone, Debug)]
pub struct Topic {
    pub base: Arc<KnowledgeBase>,
    pub entry: u32,
    pub salience: f32,
    /// The entities that link here: indexes into the request's entities,
    /// then (past their count) into the added ones.
    pub entities: Vec<usize>,
}

impl Topic {
    pub fn entry(&self) -> Option<&Entry> {
        self.base.entry(self.entry)
    }
}

/// The linker's answer.
#[derive(Clone, Debug, Default)]
pub struct Linked {
    /// One per request entity, in request order.
    pub entities: Vec<LinkedEntity>,
    pub added: Vec<AddedEntity>,
    /// Most salient first.
    pub topics: Vec<Topic>,
}
