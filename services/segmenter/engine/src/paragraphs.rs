//! Paragraphs.
