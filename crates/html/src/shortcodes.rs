//! WordPress shortcodes (`[caption id="attachment_7" width="600"]`,
//! `[/caption]`, `[gallery]`): stored in post bodies, expanded by WordPress
//! when it renders, never read by anyone. Dropped from the text, while
//! editorial brackets stay: "[sic]" and "[the minister]" have no
//! attributes, no closing tag and are not a known shortcode name.

#[cfg(test)]
use std::ops::Range;

/// Shortcodes WordPress core and the common plugins register, which may
/// appear bare (`[gallery]`).
const KNOWN: &[&str] = &[
    "audio",
    "caption",
    "contact-form-7",
    "embed",
    "gallery",
    "playlist",
    "video",
    "wp_caption",
];

/// The byte ranges of the shortcodes in `text`, in order.
#[cfg(test)]
fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr(b'[', &bytes[i..]) {
        let start = i + offset;
        match length_at(&text[start..]) {
            Some(len) => {
                found.push(start..start + len);
                i = start + len;
            }
            None => i = start + 1,
        }
    }
    found
}

#[cfg(test)]
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The length of the shortcode at the start of `text` (which begins with
/// `[`), if it is one.
pub(crate) fn length_at(text: &str) -> Option<usize> {
    let inner = &text[1..];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
        .count();
    let name = &inner[..name_len];
    if !name.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // The rest up to `]`, never past another `[` or a line end, so a text
    // full of brackets is read once.
    let rest = &inner[name_len..];
    let close = rest.find([']', '[', '\n'])?;
    if rest.as_bytes()[close] != b']' {
        return None;
    }
    let attributes = rest[..close].trim_end_matches('/');
    let prefix = 1 + usize::from(closing) + name_len;
    let len = prefix + close + 1;
    if closing {
        return attributes.trim().is_empty().then_some(len);
    }
    if attributes.trim().is_empty() {
        return KNOWN.contains(&name).then_some(len);
    }
    let separated = attributes.starts_with(char::is_whitespace);
    (separated && attributes.contains('=')).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dropped(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn shortcodes_with_attributes_and_closing_tags() {
        assert_eq!(
            dropped(
                r#"[caption id="attachment_7" align="alignnone" width="600"]Photo: CNA[/caption]"#
            ),
            vec![
                r#"[caption id="attachment_7" align="alignnone" width="600"]"#,
                "[/caption]"
            ]
        );
        assert_eq!(
            dropped("[gallery ids=\"1,2,3\"/]"),
            vec!["[gallery ids=\"1,2,3\"/]"]
        );
        assert_eq!(dropped("before [gallery] after"), vec!["[gallery]"]);
    }

    #[test]
    fn editorial_brackets_stay() {
        assert!(dropped("He said it [sic] twice.").is_empty());
        assert!(dropped("[the minister] said [Taiwan] would").is_empty());
        assert!(dropped("[1] [a] [A Title] [x=1]").is_empty());
        assert!(dropped("[[[[ [caption").is_empty());
    }
}
