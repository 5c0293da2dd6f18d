//! Copydesk's entity engine: who, what organisation, where (from the NER
//! model), when and how much (from rules), with the mentions of each entity
//! grouped and ranked by salience.
//!
//! A plain library, no gRPC: the entities service, the CLI, the tests and
//! the benchmarks call it in-process.
//!
//! Where things are:
//! - [`corrections`]: rules that correct the model's names on news copy
//!   (credits, titles, institutions, coordination, indices, surnames);
//! - [`headlines`]: headlines and kickers recased before the model reads them;
//! - [`rules`]: DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL, ORDINAL over
//!   the segmenter's tokens;
//! - [`mention_groups`]: names grouped into entities (full name and surname,
//!   acronym and expansion, repeats), one canonical name and type each;
//! - [`salience`]: how much each entity matters to the document;
//! - [`fine_types`]: OntoNotes-style finer types of names (GPE, NORP...);
//! - [`recognizer`]: the pipeline, one model call per document.

#![forbid(unsafe_code)]

pub mod corrections;
pub mod error;
pub mod fine_types;
pub mod headlines;
pub mod mention_groups;
pub mod recognizer;
pub mod rules;
pub mod salience;

use std::collections::BTreeMap;

pub use copydesk_segmenter::ByteSpan;
pub use error::Error;
pub use recognizer::{Recognizer, assemble};

/// The types of entity the engine returns (the contract's `EntityType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Person,
    Organization,
    Location,
    Misc,
    Date,
    Time,
    Money,
    Percent,
    Quantity,
    Cardinal,
    Ordinal,
}

/// Where each type comes from, for `ListEntityTypes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The statistical NER model.
    Model,
    /// The rules in [`rules`].
    Rules,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Model => "model",
            Source::Rules => "rules",
        }
    }
}

impl EntityType {
    /// Every type, in the contract's order.
    pub const ALL: [EntityType; 11] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Misc,
        EntityType::Date,
        EntityType::Time,
        EntityType::Money,
        EntityType::Percent,
        EntityType::Quantity,
        EntityType::Cardinal,
        EntityType::Ordinal,
    ];

    /// Whether the type is a name (found by the model) rather than a value.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            EntityType::Person | EntityType::Organization | EntityType::Location | EntityType::Misc
        )
    }

    pub fn source(self) -> Source {
        if self.is_name() {
            Source::Model
        } else {
            Source::Rules
        }
    }

    /// What the type covers, for people reading `ListEntityTypes`.
    pub fn description(self) -> &'static str {
        match self {
            EntityType::Person => "People, including fictional ones",
            EntityType::Organization => "Companies, agencies, institutions, teams, parties",
            EntityType::Location => "Countries, cities, regions, geographic features, facilities",
            EntityType::Misc => "Other names: nationalities, events, works, products, languages",
            EntityType::Date => {
                "Absolute or relative dates and periods (\"July 4, 2019\", \"last week\", \"the 1990s\")"
            }
            EntityType::Time => {
                "Times of day and durations under a day (\"10:30 a.m.\", \"tonight\")"
            }
            EntityType::Money => {
                "Sums of money, with currency and value (\"US$1.5 billion\", \"NT$300\")"
            }
            EntityType::Percent => "Percentages (\"45.2%\", \"10 percent\")",
            EntityType::Quantity => {
                "Measurements with a unit (\"12 km\", \"2.63 million times per day\")"
            }
            EntityType::Cardinal => {
                "Counts that are no other type (\"100,000 troops\", \"10-fold\")"
            }
            EntityType::Ordinal => "Ranks (\"first\", \"5th\")",
        }
    }
}

/// How an entity is mentioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionKind {
    /// Its full name, the fullest form the document uses.
    Proper,
    /// A shorter form of a name given in full elsewhere ("Moon").
    Partial,
    /// An acronym of a name given in full elsewhere ("NSB").
    Acronym,
    /// A numeric or temporal expression.
    Value,
}

/// One mention of an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Where it is in the text, UTF-8 bytes.
    pub span: ByteSpan,
    /// Its text, as written.
    pub text: String,
    pub kind: MentionKind,
    /// Index of its sentence in the segmentation.
    pub sentence: usize,
    /// Indices of its first and one past its last token in the segmentation.
    pub tokens: (usize, usize),
}

/// One entity of a document with all its mentions.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Canonical name: the fullest form the document uses.
    pub name: String,
    pub entity_type: EntityType,
    /// Importance to the document in [0, 1] (see [`salience`]).
    pub salience: f32,
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
    /// Normalised values of numeric and temporal entities ("currency",
    /// "value", "date", "time", "unit").
    pub metadata: BTreeMap<String, String>,
    /// The finer type of a name, where the fine-type model gives one.
    pub fine_type: Option<fine_types::FineType>,
}
