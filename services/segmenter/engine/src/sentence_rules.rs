//! Where sentences end. (Being written.)
use crate::{Paragraph, Sentence, Token};
pub fn split(_text: &str, _tokens: &[Token<'_>]) -> (Vec<Paragraph>, Vec<Sentence>) { (Vec::new(), Vec::new()) }
