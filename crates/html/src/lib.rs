//! HTML story bodies as CMSs store them, turned into the text a reader sees
//! with a map from every offset of that text back to the markup, so that
//! spans found in the text can be given to clients in the markup's own
//! coordinates (`html[begin..end]` is the markup that produced a mention).

#![forbid(unsafe_code)]

mod extract;
mod references;
pub mod sample;
mod shortcodes;
mod source_map;

pub use extract::{Extracted, extract};
pub use source_map::SourceMap;
