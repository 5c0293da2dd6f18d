//! Character references in HTML text (`&amp;`, `&nbsp;`, `&#8220;`,
//! `&#x2019;`), decoded one at a time so each keeps its place in the markup.
//! The named table is the WHATWG one, from the `htmlize` crate.

/// A reference at the start of `text` (which begins with `&`): its length
/// in the markup and what it stands for. `None` when it is not a reference
/// a browser would decode; the `&` is then text.
pub(crate) fn decode_at(text: &str) -> Option<(usize, Decoded)> {
    let rest = text.strip_prefix('&')?;
    if let Some(number) = rest.strip_prefix('#') {
        return numeric(number).map(|(len, c)| (len + 2, Decoded::Char(c)));
    }
    named(rest).map(|(len, value)| (len + 1, Decoded::Str(value)))
}

/// What a reference stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    Char(char),
    Str(&'static str),
}

/// `#` already read: decimal or `x` hexadecimal digits, an optional `;`.
/// Out-of-range and surrogate values become U+FFFD, as browsers do; the
/// C1 remapping of Windows-1252 code points (`&#150;` is an en dash) is
/// applied too, because CMS bodies pasted from Word are full of it.
fn numeric(text: &str) -> Option<(usize, char)> {
    let (digits_from, radix) = match text.as_bytes().first() {
        Some(b'x' | b'X') => (1, 16),
        _ => (0, 10),
    };
    let digits = text[digits_from..]
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    if digits == 0 {
        return None;
    }
    let mut len = digits_from + digits;
    let value = text[digits_from..len]
        .bytes()
        .try_fold(0u32, |acc, b| {
            let digit = (b as char).to_digit(radix)?;
            Some(acc.saturating_mul(radix).saturating_add(digit))
        })
        .unwrap_or(u32::MAX);
    if text[len..].starts_with(';') {
        len += 1;
    }
    Some((len, numeric_char(value)))
}

fn numeric_char(value: u32) -> char {
    const WINDOWS_1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let value = match value {
        0 => 0xFFFD,
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        _ => value,
    };
    char::from_u32(value).unwrap_or('\u{FFFD}')
}

/// The longest named reference at the start of `text` (after the `&`).
/// Names without `;` are decoded only for the legacy set the table lists
/// without one (`&amp`, `&copy`), as in browsers' text content.
fn named(text: &str) -> Option<(usize, &'static str)> {
    let name_len = text
        .bytes()
        .take(htmlize::ENTITY_MAX_LENGTH)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if name_len == 0 {
        return None;
    }
    // The table's keys include the leading `&` and, where required, `;`.
    let mut key = Vec::with_capacity(name_len + 2);
    key.push(b'&');
    key.extend_from_slice(&text.as_bytes()[..name_len]);
    if text.as_bytes().get(name_len) == Some(&b';') {
        key.push(b';');
        if let Some(value) = lookup(&key) {
            return Some((name_len + 1, value));
        }
        key.pop();
    }
    // Legacy names without `;` may be followed by more letters ("&copy2020"
    // is "©2020"): try the longest prefix the table knows.
    for len in (1..=name_len).rev() {
        if let Some(value) = lookup(&key[..len + 1]) {
            return Some((len, value));
        }
    }
    None
}

fn lookup(key: &[u8]) -> Option<&'static str> {
    htmlize::ENTITIES
        .get(key)
        .and_then(|value| std::str::from_utf8(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Option<(usize, String)> {
        decode_at(text).map(|(len, d)| {
            let value = match d {
                Decoded::Char(c) => c.to_string(),
                Decoded::Str(s) => s.to_owned(),
            };
            (len, value)
        })
    }

    #[test]
    fn named_references() {
        assert_eq!(decoded("&amp; more"), Some((5, "&".into())));
        assert_eq!(decoded("&nbsp;x"), Some((6, "\u{a0}".into())));
        assert_eq!(decoded("&rsquo;s"), Some((7, "’".into())));
        assert_eq!(decoded("&ldquo;Hi"), Some((7, "“".into())));
        assert_eq!(decoded("&eacute;"), Some((8, "é".into())));
    }

    #[test]
    fn numeric_references() {
        assert_eq!(decoded("&#8220;"), Some((7, "“".into())));
        assert_eq!(decoded("&#x2019;"), Some((8, "’".into())));
        assert_eq!(decoded("&#X2019"), Some((7, "’".into())));
        assert_eq!(decoded("&#150;"), Some((6, "–".into())));
        assert_eq!(decoded("&#0;"), Some((4, "\u{fffd}".into())));
        assert_eq!(decoded("&#xD800;"), Some((8, "\u{fffd}".into())));
        assert_eq!(
            decoded("&#99999999999999999999;"),
            Some((23, "\u{fffd}".into()))
        );
    }

    #[test]
    fn legacy_names_without_semicolon() {
        assert_eq!(decoded("&amp rest"), Some((4, "&".into())));
        assert_eq!(decoded("&copy2020"), Some((5, "©".into())));
    }

    #[test]
    fn not_references() {
        assert_eq!(decoded("& more"), None);
        assert_eq!(decoded("&nosuchname;"), None);
        assert_eq!(decoded("&#;"), None);
        assert_eq!(decoded("&#x;"), None);
        assert_eq!(decoded("AT&T"), None);
    }
}
