//! Blocks and lines: what the whitespace between two tokens says.
//!
//! Paragraphs are separated by blank lines. Copy that has no blank line at
//! all (feeds and CMS exports often put one paragraph per line) is read with
//! each line break that ends a sentence as a paragraph break.

/// The whitespace between two neighbouring tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// None, or spaces and tabs.
    Inline,
    /// One line break.
    LineBreak,
    /// A blank line or more.
    BlankLine,
}

/// Classifies the whitespace `between` two tokens.
pub fn gap(between: &str) -> Gap {
    let mut newlines = 0;
    for b in between.bytes() {
        if b == b'\n' {
            newlines += 1;
        }
    }
    if newlines == 0 {
        // A lone carriage return or a Unicode line or paragraph separator.
        if between.contains('\r') || between.contains('\u{2028}') {
            return Gap::LineBreak;
        }
        if between.contains('\u{2029}') {
            return Gap::BlankLine;
        }
        return Gap::Inline;
    }
    if newlines == 1 {
        // "\r\r" is a blank line in old Mac files; "\r\n" is one break.
        let carriage = between.bytes().filter(|&b| b == b'\r').count();
        return if carriage >= 2 {
            Gap::BlankLine
        } else {
            Gap::LineBreak
        };
    }
    Gap::BlankLine
}

/// Whether `text` separates any two paragraphs with a blank line.
pub fn has_blank_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut last_newline: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            if let Some(prev) = last_newline
                && bytes[prev + 1..i].iter().all(u8::is_ascii_whitespace)
            {
                return true;
            }
            last_newline = Some(i);
        }
    }
    text.contains('\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_count_line_breaks() {
        assert_eq!(gap(" "), Gap::Inline);
        assert_eq!(gap(""), Gap::Inline);
        assert_eq!(gap("\n"), Gap::LineBreak);
        assert_eq!(gap(" \r\n "), Gap::LineBreak);
        assert_eq!(gap("\n  \n"), Gap::BlankLine);
        assert_eq!(gap("\r\n\r\n"), Gap::BlankLine);
    }

    #[test]
    fn blank_lines_are_found_with_spaces_on_them() {
        assert!(has_blank_line("a\n \t\nb"));
        assert!(!has_blank_line("a\nb\nc"));
    }
}
