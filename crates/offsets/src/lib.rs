//! Converts offsets into a text between UTF-8 bytes, UTF-16 code units and
//! code points.
//!
//! Copydesk works in UTF-8 byte offsets internally; clients ask for the unit
//! their language indexes strings with. Runs of ASCII map one to one in every
//! unit, so the mapper only remembers the non-ASCII characters: memory grows
//! with them, not with the text, and a look-up is a binary search.

#![forbid(unsafe_code)]

use std::fmt;

/// The unit offsets are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Unit {
    /// UTF-8 bytes.
    #[default]
    Utf8,
    /// UTF-16 code units.
    Utf16,
    /// Unicode code points.
    CodePoint,
}

impl Unit {
    fn width(self, c: char) -> u32 {
        match self {
            Unit::Utf8 => c.len_utf8() as u32,
            Unit::Utf16 => c.len_utf16() as u32,
            Unit::CodePoint => 1,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Utf8 => "UTF-8 bytes",
            Unit::Utf16 => "UTF-16 code units",
            Unit::CodePoint => "code points",
        })
    }
}

/// An offset that does not fall on a character boundary of the text, or lies
/// beyond its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetError {
    /// The offending offset.
    pub offset: u64,
    /// The unit it was counted in.
    pub unit: Unit,
    /// The length of the text in that unit.
    pub len: u64,
}

impl fmt::Display for OffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.offset > self.len {
            write!(
                f,
                "offset {} is beyond the end of the text ({} {})",
                self.offset, self.len, self.unit
            )
        } else {
            write!(
                f,
                "offset {} ({}) falls inside a character",
                self.offset, self.unit
            )
        }
    }
}

impl std::error::Error for OffsetError {}

/// One non-ASCII character: where it starts in bytes and in the target unit.
#[derive(Clone, Copy, Debug)]
struct Wide {
    byte: u32,
    unit: u32,
    bytes: u8,
    units: u8,
}

/// Maps UTF-8 byte offsets of one text to another unit and back.
#[derive(Clone, Debug)]
pub struct OffsetMapper<'a> {
    text: &'a str,
    unit: Unit,
    wide: Vec<Wide>,
}

impl<'a> OffsetMapper<'a> {
    /// A mapper between byte offsets of `text` and `unit`.
    ///
    /// Texts are limited far below 4 GiB by every server, so offsets fit
    /// `u32`; longer texts are a caller's bug and get saturated offsets.
    pub fn new(text: &'a str, unit: Unit) -> Self {
        let mut wide = Vec::new();
        if unit != Unit::Utf8 && !text.is_ascii() {
            // A non-ASCII character is never longer in UTF-16 units or code
            // points than in UTF-8 bytes, so units trail bytes by `shrink`.
            let mut shrink: u32 = 0;
            for (byte, c) in text.char_indices() {
                if c.is_ascii() {
                    continue;
                }
                let bytes = c.len_utf8() as u32;
                let units = unit.width(c);
                let byte = saturate(byte);
                wide.push(Wide {
                    byte,
                    unit: byte - shrink,
                    bytes: bytes as u8,
                    units: units as u8,
                });
                shrink += bytes - units;
            }
        }
        OffsetMapper { text, unit, wide }
    }

    /// The unit this mapper converts to and from.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The text's length in the target unit.
    pub fn len_units(&self) -> u32 {
        self.units_unchecked(self.text.len())
    }

    /// The offset in the target unit of byte offset `byte`.
    pub fn to_units(&self, byte: usize) -> Result<u32, OffsetError> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return Err(OffsetError {
                offset: byte as u64,
                unit: Unit::Utf8,
                len: self.text.len() as u64,
            });
        }
        Ok(self.units_unchecked(byte))
    }

    fn units_unchecked(&self, byte: usize) -> u32 {
        let byte = saturate(byte);
        let i = self.wide.partition_point(|w| w.byte <= byte);
        match i.checked_sub(1).map(|i| self.wide[i]) {
            None => byte,
            // `byte` is a char boundary at or after this character's end.
            Some(w) if byte > w.byte => {
                w.unit + u32::from(w.units) + (byte - w.byte - u32::from(w.bytes))
            }
            Some(w) => w.unit,
        }
    }

    /// The byte offset of `units` counted in the target unit.
    pub fn to_bytes(&self, units: u32) -> Result<usize, OffsetError> {
        let error = OffsetError {
            offset: u64::from(units),
            unit: self.unit,
            len: u64::from(self.len_units()),
        };
        let i = self.wide.partition_point(|w| w.unit <= units);
        let byte = match i.checked_sub(1).map(|i| self.wide[i]) {
            None => units as usize,
            Some(w) if units == w.unit => w.byte as usize,
            Some(w) if units < w.unit + u32::from(w.units) => return Err(error),
            Some(w) => {
                (w.byte + u32::from(w.bytes) + (units - w.unit - u32::from(w.units))) as usize
            }
        };
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return Err(error);
        }
        Ok(byte)
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference conversion by counting characters, for comparison.
    fn count(text: &str, byte: usize, unit: Unit) -> u32 {
        text[..byte].chars().map(|c| unit.width(c)).sum()
    }

    const MIXED: &str = "“Moon Jae-in” — said 😀 in 首尔: café.";

    #[test]
    fn every_boundary_maps_like_counting_and_back() {
        for unit in [Unit::Utf8, Unit::Utf16, Unit::CodePoint] {
            let mapper = OffsetMapper::new(MIXED, unit);
            for byte in (0..=MIXED.len()).filter(|&b| MIXED.is_char_boundary(b)) {
                let units = mapper.to_units(byte).unwrap();
                assert_eq!(units, count(MIXED, byte, unit), "{unit} at byte {byte}");
                assert_eq!(
                    mapper.to_bytes(units).unwrap(),
                    byte,
                    "{unit} back from {units}"
                );
            }
            assert_eq!(mapper.len_units(), count(MIXED, MIXED.len(), unit));
        }
    }

    #[test]
    fn emoji_is_two_utf16_units_and_one_code_point() {
        let text = "a😀b";
        assert_eq!(OffsetMapper::new(text, Unit::Utf16).to_units(5).unwrap(), 3);
        assert_eq!(
            OffsetMapper::new(text, Unit::CodePoint)
                .to_units(5)
                .unwrap(),
            2
        );
        assert_eq!(OffsetMapper::new(text, Unit::Utf8).to_units(5).unwrap(), 5);
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_errors() {
        let text = "a😀b";
        let utf16 = OffsetMapper::new(text, Unit::Utf16);
        assert!(utf16.to_units(2).is_err(), "byte 2 is inside the emoji");
        assert!(utf16.to_units(7).is_err(), "past the end");
        assert!(
            utf16.to_bytes(2).is_err(),
            "unit 2 is between the surrogates"
        );
        assert!(utf16.to_bytes(5).is_err(), "past the end");
        assert_eq!(utf16.to_bytes(4).unwrap(), 6);
        let utf8 = OffsetMapper::new(text, Unit::Utf8);
        assert!(utf8.to_bytes(3).is_err(), "inside the emoji in bytes too");
    }

    #[test]
    fn ascii_text_maps_to_itself() {
        let text = "Plain ASCII text.";
        let mapper = OffsetMapper::new(text, Unit::Utf16);
        for b in 0..=text.len() {
            assert_eq!(mapper.to_units(b).unwrap() as usize, b);
        }
    }
}
