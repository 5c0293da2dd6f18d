//! Where each stretch of the extracted text came from in the markup.
//!
//! The text is built from pieces. A *literal* piece is markup text copied
//! byte for byte, so any offset inside it maps to the same offset in the
//! markup. A *replaced* piece stands for markup it does not equal (a
//! character reference, a run of collapsed whitespace, a paragraph break
//! for a block tag): an offset inside it maps to the whole of that markup,
//! so a span never starts or ends in the middle of `&amp;`.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    /// Where the piece starts in the text.
    text_start: usize,
    /// The markup it came from.
    source_start: usize,
    source_end: usize,
    /// Whether the text equals the markup byte for byte.
    literal: bool,
}

/// Maps byte offsets in extracted text to byte offsets in its markup.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    pieces: Vec<Piece>,
    text_len: usize,
    source_len: usize,
}

impl SourceMap {
    pub(crate) fn new(source_len: usize) -> Self {
        SourceMap {
            pieces: Vec::new(),
            text_len: 0,
            source_len,
        }
    }

    /// Records that the text grew by `len` bytes copied from markup
    /// starting at `source_start`.
    pub(crate) fn push_literal(&mut self, len: usize, source_start: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut()
            && last.literal
            && last.source_end == source_start
        {
            last.source_end += len;
        } else {
            self.pieces.push(Piece {
                text_start: self.text_len,
                source_start,
                source_end: source_start + len,
                literal: true,
            });
        }
        self.text_len += len;
    }

    /// Records that the text grew by `len` bytes standing for the markup
    /// `source`.
    pub(crate) fn push_replaced(&mut self, len: usize, source: Range<usize>) {
        if len == 0 {
            return;
        }
        self.pieces.push(Piece {
            text_start: self.text_len,
            source_start: source.start,
            source_end: source.end,
            literal: false,
        });
        self.text_len += len;
    }

    /// The length of the text this map covers.
    pub fn text_len(&self) -> usize {
        self.text_len
    }

    /// The markup that produced `text[range]`: from the markup of its first
    /// byte to the markup of its last, tags in between included. A range
    /// that starts or ends inside a replaced piece covers all of its markup.
    /// An empty range maps to an empty range where the next text comes from.
    pub fn to_source(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_start(range.start);
        if range.end <= range.start {
            return start..start;
        }
        let end = self.source_end(range.end).max(start);
        start..end
    }

    /// The markup offset where the text byte at `offset` comes from.
    fn source_start(&self, offset: usize) -> usize {
        match self.piece_holding(offset) {
            Some(piece) if piece.literal => piece.source_start + (offset - piece.text_start),
            Some(piece) => piece.source_start,
            None => self.pieces.last().map_or(0, |p| p.source_end),
        }
        .min(self.source_len)
    }

    /// The markup offset just after the markup of text byte `end - 1`.
    fn source_end(&self, end: usize) -> usize {
        match self.piece_holding(end.saturating_sub(1)) {
            Some(piece) if piece.literal => piece.source_start + (end - piece.text_start),
            Some(piece) => piece.source_end,
            None => self.pieces.last().map_or(0, |p| p.source_end),
        }
        .min(self.source_len)
    }

    fn piece_holding(&self, offset: usize) -> Option<&Piece> {
        if offset >= self.text_len {
            return None;
        }
        let after = self.pieces.partition_point(|p| p.text_start <= offset);
        after.checked_sub(1).and_then(|i| self.pieces.get(i))
    }

    /// Pieces in the map (for size accounting and tests).
    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "AT&T said" from `<b>AT&amp;T</b>  said`.
    fn att() -> SourceMap {
        let mut map = SourceMap::new(24);
        map.push_literal(2, 3); // "AT"
        map.push_replaced(1, 5..10); // "&" from "&amp;"
        map.push_literal(1, 10); // "T"
        map.push_replaced(1, 15..17); // " " from "</b>" + two spaces: the spaces
        map.push_literal(4, 17); // "said"
        map
    }

    #[test]
    fn literal_offsets_map_one_to_one() {
        let map = att();
        assert_eq!(map.to_source(0..2), 3..5);
        assert_eq!(map.to_source(5..9), 17..21);
        assert_eq!(map.to_source(6..8), 18..20);
    }

    #[test]
    fn a_span_over_a_reference_covers_all_of_it() {
        let map = att();
        assert_eq!(map.to_source(0..4), 3..11);
        assert_eq!(map.to_source(2..3), 5..10);
        assert_eq!(map.to_source(3..4), 10..11);
    }

    #[test]
    fn a_span_across_a_tag_covers_the_tag() {
        let map = att();
        assert_eq!(map.to_source(0..9), 3..21);
    }

    #[test]
    fn empty_and_out_of_range_spans_stay_inside_the_markup() {
        let map = att();
        assert_eq!(map.to_source(4..4), 15..15);
        assert_eq!(map.to_source(9..9), 21..21);
        assert_eq!(map.to_source(9..50), 21..21);
        assert_eq!(SourceMap::new(0).to_source(0..3), 0..0);
    }

    #[test]
    fn contiguous_literals_are_one_piece() {
        let mut map = SourceMap::new(10);
        map.push_literal(3, 0);
        map.push_literal(4, 3);
        assert_eq!(map.pieces(), 1);
        map.push_literal(1, 8);
        assert_eq!(map.pieces(), 2);
        assert_eq!(map.to_source(6..8), 6..9);
    }
}
