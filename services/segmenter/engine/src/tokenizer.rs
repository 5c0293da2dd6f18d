//! Penn Treebank / CoNLL-style tokens, as the entity model was trained on:
//! punctuation split off, "'s" and "n't" separate ("did" "n't", "ca" "n't"),
//! periods kept on abbreviations, initials and dotted acronyms ("Mr.", "E.",
//! "U.S."), numbers whole ("2.63", "1,000", "10:30", "1.13bn"), hyphenated
//! words whole ("Jae-in", "10-fold"), web and e-mail addresses whole.
//!
//! The text is cut at whitespace into chunks; a chunk that is a web or
//! e-mail address once its surrounding punctuation is peeled off stays one
//! token, and any other chunk is scanned left to right, each character
//! either joining the word being built or standing as a token of its own.

use std::borrow::Cow;

use crate::abbreviations::keeps_period;
use crate::{ByteSpan, Token, TokenKind};

/// Splits `text` into tokens, in text order.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut chunk_start = None;
    for (i, c) in text.char_indices() {
        if is_separator(c) {
            if let Some(start) = chunk_start.take() {
                split_chunk(text, start, i, &mut tokens);
                if let Some(last) = tokens.last_mut() {
                    last.space_after = true;
                }
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(start) = chunk_start {
        split_chunk(text, start, text.len(), &mut tokens);
    }
    merge_spaced_ellipses(text, &mut tokens);
    tokens
}

/// Whitespace, and the invisible characters that separate like it.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace();
    }
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn push<'a>(text: &'a str, start: usize, end: usize, kind: TokenKind, tokens: &mut Vec<Token<'a>>) {
    let raw = &text[start..end];
    tokens.push(Token {
        span: ByteSpan::new(start, end),
        kind,
        norm: normalise(raw),
        space_after: false,
    });
}

/// Maps typographic punctuation to the ASCII forms the models know.
fn normalise(raw: &str) -> Cow<'_, str> {
    if raw.is_ascii() {
        return Cow::Borrowed(raw);
    }
    let whole = match raw {
        "“" | "”" | "„" | "‟" | "«" | "»" | "″" => Some("\""),
        "‘" | "’" | "‚" | "‛" | "′" => Some("'"),
        "—" | "―" => Some("--"),
        "–" | "‒" | "−" | "‐" | "‑" => Some("-"),
        "…" => Some("..."),
        _ => None,
    };
    if let Some(ascii) = whole {
        return Cow::Borrowed(ascii);
    }
    if !raw.contains(['’', '‘', '‐', '‑', '…']) {
        return Cow::Borrowed(raw);
    }
    // Apostrophes and hyphens inside words: "wasn’t" -> "wasn't".
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '’' | '‘' => out.push('\''),
            '‐' | '‑' => out.push('-'),
            '…' => out.push_str("..."),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters that may open a chunk around an address: quotes and brackets.
fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '{' | '<' | '«')
}

/// Characters that may close a chunk around an address.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '>' | '»' | '.' | ',' | ';' | ':' | '!' | '?'
    )
}

fn split_chunk<'a>(text: &'a str, start: usize, end: usize, tokens: &mut Vec<Token<'a>>) {
    let chunk = &text[start..end];
    let core_start = start + chunk.len() - chunk.trim_start_matches(is_opener).len();
    let core_end = start + chunk.trim_end_matches(is_closer).len();
    if core_start < core_end {
        let core = &text[core_start..core_end];
        if let Some(kind) = address_kind(core) {
            scan(text, start, core_start, tokens);
            push(text, core_start, core_end, kind, tokens);
            scan(text, core_end, end, tokens);
            return;
        }
    }
    scan(text, start, end, tokens);
}

/// Web and e-mail addresses, which keep their inner punctuation.
fn address_kind(core: &str) -> Option<TokenKind> {
    let lower_prefix = |p: &str| {
        core.len() > p.len()
            && core
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    if lower_prefix("http://")
        || lower_prefix("https://")
        || lower_prefix("ftp://")
        || lower_prefix("www.")
    {
        return Some(TokenKind::Url);
    }
    let (local, domain) = core.split_once('@')?;
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'));
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    (local_ok && domain_ok).then_some(TokenKind::Email)
}

/// Scans `text[start..end]`, a chunk with no whitespace, into tokens.
fn scan<'a>(text: &'a str, start: usize, end: usize, tokens: &mut Vec<Token<'a>>) {
    let s = &text[start..end];
    let mut word: Option<usize> = None; // start of the word being built
    let mut iter = s.char_indices().peekable();
    while let Some((rel, c)) = iter.next() {
        let at = start + rel;
        let next = iter.peek().map(|&(_, n)| n);
        let next_alnum = next.is_some_and(is_word_char);
        let after = at + c.len_utf8();

        if is_word_char(c) && !is_cjk(c) {
            word.get_or_insert(at);
            continue;
        }
        match c {
            '.' => {
                let run = s[rel..].bytes().take_while(|&b| b == b'.').count();
                if run >= 2 {
                    flush(text, &mut word, at, tokens);
                    push(text, at, at + run, TokenKind::Punctuation, tokens);
                    for _ in 1..run {
                        iter.next();
                    }
                } else if let Some(w) = word {
                    let hyphen_then_word =
                        next == Some('-') && s[rel + 1..].chars().nth(1).is_some_and(is_word_char);
                    if (next_alnum && !missing_space(&text[w..at], &s[rel + 1..]))
                        || hyphen_then_word
                    {
                        continue; // "2.63", "U.S", "example.com", "U.S.-China"
                    }
                    if keeps_period(&text[w..at]) {
                        flush(text, &mut word, after, tokens);
                    } else {
                        flush(text, &mut word, at, tokens);
                        push(text, at, after, TokenKind::Punctuation, tokens);
                    }
                } else if next.is_some_and(|n| n.is_ascii_digit()) {
                    word = Some(at); // ".5"
                } else {
                    push(text, at, after, TokenKind::Punctuation, tokens);
                }
            }
            ',' | ':'
                if word.is_some()
                    && ends_with_digit(text, word, at)
                    && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                continue; // "1,000", "10:30"
            }
            '\'' | '’' | '‘' => {
                if word.is_some() && next_alnum {
                    continue; // "O'Brien", "don't": clitics split at flush
                }
                if word.is_none() && next_alnum && starts_clitic(&s[rel + c.len_utf8()..]) {
                    word = Some(at); // "'s" after "Jr.", "'90s"
                    continue;
                }
                flush(text, &mut word, at, tokens);
                push(text, at, after, TokenKind::Punctuation, tokens);
            }
            '-' | '‐' | '‑' => {
                if word.is_some() && next_alnum {
                    continue; // "Jae-in", "10-fold"
                }
                if c == '-' && next == Some('-') {
                    flush(text, &mut word, at, tokens);
                    let run = s[rel..].bytes().take_while(|&b| b == b'-').count();
                    push(text, at, at + run, TokenKind::Punctuation, tokens);
                    for _ in 1..run {
                        iter.next();
                    }
                } else if word.is_none() && next.is_some_and(|n| n.is_ascii_digit()) {
                    word = Some(at); // "-5"
                } else {
                    flush(text, &mut word, at, tokens);
                    push(text, at, after, TokenKind::Punctuation, tokens);
                }
            }
            '&' | '/' | '+' | '_' | '@' if word.is_some() && next_alnum => continue,
            '°' if word.is_some() => continue, // "N°", "30°C"
            '@' | '#' if word.is_none() && next_alnum => word = Some(at),
            '$' if word.is_some_and(|w| is_currency_prefix(&text[w..at])) => {
                // "US$", "NT$", "HK$": one currency symbol.
                let w = word.take().unwrap_or(at);
                push(text, w, after, TokenKind::Symbol, tokens);
            }
            '!' | '?' => {
                flush(text, &mut word, at, tokens);
                let run = s[rel..]
                    .bytes()
                    .take_while(|&b| b == b'!' || b == b'?')
                    .count();
                push(text, at, at + run, TokenKind::Punctuation, tokens);
                for _ in 1..run {
                    iter.next();
                }
            }
            _ => {
                flush(text, &mut word, at, tokens);
                if extends_emoji(tokens, at, c) {
                    if let Some(last) = tokens.last_mut() {
                        last.span.end = after;
                        last.norm = Cow::Borrowed(&text[last.span.start..after]);
                    }
                } else {
                    push(text, at, after, char_kind(c), tokens);
                }
            }
        }
    }
    flush(text, &mut word, end, tokens);
}

/// Whether `c` continues the emoji just before it: a joiner, a variation
/// selector, a skin tone, or the pictograph after a joiner ("👩‍💻").
fn extends_emoji(tokens: &[Token<'_>], at: usize, c: char) -> bool {
    let Some(last) = tokens.last() else {
        return false;
    };
    if last.kind != TokenKind::Emoji || last.span.end != at {
        return false;
    }
    matches!(c, '\u{200D}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
        || (is_emoji(c) && last.norm.ends_with('\u{200D}'))
}

/// "world.Today": a full stop that lost its space, between a lower-case
/// word and a capitalised one. Domains ("Amazon.com") and acronyms
/// ("U.S.A") do not look like that.
fn missing_space(before: &str, after: &str) -> bool {
    let mut next = after.chars();
    before.chars().count() >= 2
        && before.chars().all(char::is_alphabetic)
        && before.chars().last().is_some_and(char::is_lowercase)
        && next.next().is_some_and(char::is_uppercase)
        && next.next().is_some_and(char::is_lowercase)
}

fn ends_with_digit(text: &str, word: Option<usize>, at: usize) -> bool {
    word.is_some_and(|w| text[w..at].ends_with(|c: char| c.is_ascii_digit()))
}

/// Letters, digits and the marks that belong to them.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_mark(c)
}

/// Combining marks (accents typed as separate code points).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Han, kana and the like: scripts written without spaces, so each
/// character stands as a token of its own.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{FE0F}' | '\u{200D}')
}

fn char_kind(c: char) -> TokenKind {
    if is_cjk(c) {
        return TokenKind::Word;
    }
    if is_emoji(c) {
        return TokenKind::Emoji;
    }
    match c {
        '$' | '€' | '£' | '¥' | '₩' | '₹' | '₽' | '₺' | '₪' | '฿' | '¢' | '%' | '‰' | '&' | '§'
        | '¶' | '#' | '@' | '*' | '+' | '=' | '<' | '>' | '|' | '~' | '^' | '°' | '©' | '®'
        | '™' | '•' | '⁃' | '‣' | '◦' | '▪' | '■' | '□' | '●' | '○' | '►' | '➢' | '✓' | '×'
        | '÷' | '±' | '/' | '\\' | '_' => TokenKind::Symbol,
        _ if c.is_ascii_punctuation() => TokenKind::Punctuation,
        _ => match c {
            '\u{2000}'..='\u{206F}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FF00}'..='\u{FF0F}'
            | '«'
            | '»'
            | '¿'
            | '¡'
            | '·' => TokenKind::Punctuation,
            _ => TokenKind::Symbol,
        },
    }
}

/// "US", "NT", "HK", "A", "C", "R", "S" before "$".
fn is_currency_prefix(word: &str) -> bool {
    (1..=3).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether the text after an apostrophe makes a word of it: a clitic ("s",
/// "re", "ll", "ve", "d", "m", "em") or a decade ("90s").
fn starts_clitic(rest: &str) -> bool {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .take(4)
        .collect();
    matches!(
        word.to_ascii_lowercase().as_str(),
        "s" | "re" | "ll" | "ve" | "d" | "m" | "em" | "t" | "n"
    ) || (word.len() == 3 && word.starts_with(|c: char| c.is_ascii_digit()) && word.ends_with('s'))
}

/// Ends the word being built at `end`, splitting off a final clitic.
fn flush<'a>(text: &'a str, word: &mut Option<usize>, end: usize, tokens: &mut Vec<Token<'a>>) {
    let Some(start) = word.take() else { return };
    if start >= end {
        return;
    }
    let w = &text[start..end];
    let split = clitic_start(w).map(|rel| start + rel);
    match split {
        Some(at) if at > start => {
            push(text, start, at, word_kind(&text[start..at]), tokens);
            push(text, at, end, TokenKind::Word, tokens);
        }
        _ => push(text, start, end, word_kind(w), tokens),
    }
}

/// Where a final "n't", "'s", "'re", "'ll", "'ve", "'d" or "'m" starts.
fn clitic_start(w: &str) -> Option<usize> {
    let apostrophe = w.rfind(['\'', '’'])?;
    let after = &w[apostrophe..];
    let tail = &after[after.chars().next()?.len_utf8()..];
    if apostrophe == 0 {
        return None;
    }
    if tail.eq_ignore_ascii_case("t") && w[..apostrophe].ends_with(['n', 'N']) && apostrophe > 1 {
        return Some(apostrophe - 1); // "did|n't", "ca|n't"
    }
    let clitic = matches!(
        tail.to_ascii_lowercase().as_str(),
        "s" | "re" | "ll" | "ve" | "d" | "m"
    );
    clitic.then_some(apostrophe)
}

fn word_kind(w: &str) -> TokenKind {
    let first = w.chars().next();
    match first {
        Some('#') if w.len() > 1 => TokenKind::Hashtag,
        Some('@') if w.len() > 1 => TokenKind::Mention,
        Some(c) if c.is_ascii_digit() || ((c == '-' || c == '.') && w.len() > 1) => {
            if w.contains('-') && !w.starts_with('-') {
                TokenKind::Word // "10-fold"
            } else {
                TokenKind::Number
            }
        }
        _ if w.contains('@') && address_kind(w) == Some(TokenKind::Email) => TokenKind::Email,
        _ => TokenKind::Word,
    }
}

/// Joins spaced ellipses (". . ." and ". . . .") into one token. When the
/// first period of four sits on the word before it ("compounds. . . ."), it
/// is that sentence's full stop and the other three are the ellipsis.
fn merge_spaced_ellipses<'a>(text: &'a str, tokens: &mut Vec<Token<'a>>) {
    let is_dot = |t: &Token<'_>| t.span.len() == 1 && &text[t.span.start..t.span.end] == ".";
    let mut i = 0;
    let mut merged: Option<Vec<Token<'a>>> = None;
    while i < tokens.len() {
        let mut j = i;
        while j < tokens.len()
            && is_dot(&tokens[j])
            && (j == i
                || (tokens[j - 1].space_after
                    && tokens[j].span.start == tokens[j - 1].span.end + 1))
        {
            j += 1;
        }
        let run = j - i;
        if run >= 3 {
            let out = merged.get_or_insert_with(|| tokens[..i].to_vec());
            let attached = i > 0 && !tokens[i - 1].space_after;
            let mut from = i;
            if attached && run == 4 {
                out.push(tokens[i].clone());
                from = i + 1;
            }
            let start = tokens[from].span.start;
            let end = tokens[j - 1].span.end;
            out.push(Token {
                span: ByteSpan::new(start, end),
                kind: TokenKind::Punctuation,
                norm: Cow::Owned(".".repeat(j - from)),
                space_after: tokens[j - 1].space_after,
            });
            i = j;
        } else {
            if let Some(out) = merged.as_mut() {
                out.extend_from_slice(&tokens[i..i + run.max(1)]);
            }
            i += run.max(1);
        }
    }
    if let Some(out) = merged {
        *tokens = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.span.start..t.span.end])
            .collect()
    }

    fn norms(text: &str) -> Vec<String> {
        tokenize(text).iter().map(|t| t.norm.to_string()).collect()
    }

    #[test]
    fn punctuation_is_split_and_abbreviations_keep_their_period() {
        assert_eq!(
            texts("Mr. Smith went to the U.S. on Jan. 5, 2019."),
            [
                "Mr.", "Smith", "went", "to", "the", "U.S.", "on", "Jan.", "5", ",", "2019", "."
            ]
        );
        assert_eq!(texts("Jonas E. Smith"), ["Jonas", "E.", "Smith"]);
    }

    #[test]
    fn clitics_are_separate_tokens() {
        assert_eq!(
            texts("didn't can't won't"),
            ["did", "n't", "ca", "n't", "wo", "n't"]
        );
        assert_eq!(
            texts("Moon's it's they're"),
            ["Moon", "'s", "it", "'s", "they", "'re"]
        );
        assert_eq!(texts("JFK Jr.'s book"), ["JFK", "Jr.", "'s", "book"]);
        assert_eq!(
            texts("the teachers' union"),
            ["the", "teachers", "'", "union"]
        );
        assert_eq!(texts("O'Brien rock'n'roll"), ["O'Brien", "rock'n'roll"]);
        assert_eq!(norms("wasn’t"), ["was", "n't"]);
    }

    #[test]
    fn numbers_stay_whole() {
        assert_eq!(texts("2.63 million"), ["2.63", "million"]);
        assert_eq!(texts("$1.13bn"), ["$", "1.13bn"]);
        assert_eq!(
            texts("US$1.5 billion NT$300"),
            ["US$", "1.5", "billion", "NT$", "300"]
        );
        assert_eq!(
            texts("100,000 troops at 10:30"),
            ["100,000", "troops", "at", "10:30"]
        );
        assert_eq!(
            texts("a 10-fold rise of 5%"),
            ["a", "10-fold", "rise", "of", "5", "%"]
        );
        assert_eq!(
            texts("She has $100.00."),
            ["She", "has", "$", "100.00", "."]
        );
        let kinds: Vec<_> = tokenize("5th 1,000 10-fold")
            .iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(
            kinds,
            [TokenKind::Number, TokenKind::Number, TokenKind::Word]
        );
    }

    #[test]
    fn addresses_stay_whole() {
        let text = "Her email is Jane.Doe@example.com. See https://www.example.50.com/a_b.html.";
        assert_eq!(
            texts(text),
            [
                "Her",
                "email",
                "is",
                "Jane.Doe@example.com",
                ".",
                "See",
                "https://www.example.50.com/a_b.html",
                "."
            ]
        );
        let kinds: Vec<_> = tokenize(text).iter().map(|t| t.kind).collect();
        assert_eq!(kinds[3], TokenKind::Email);
        assert_eq!(kinds[6], TokenKind::Url);
        assert_eq!(tokenize("@Reuters #election")[0].kind, TokenKind::Mention);
        assert_eq!(tokenize("@Reuters #election")[1].kind, TokenKind::Hashtag);
    }

    #[test]
    fn quotes_dashes_and_ellipses_are_normalised() {
        let text = "“Fine,” she said — then… “no.”";
        assert_eq!(
            texts(text),
            [
                "“", "Fine", ",", "”", "she", "said", "—", "then", "…", "“", "no", ".", "”"
            ]
        );
        assert_eq!(
            norms(text),
            [
                "\"", "Fine", ",", "\"", "she", "said", "--", "then", "...", "\"", "no", ".", "\""
            ]
        );
        assert_eq!(texts("Monday–Tuesday"), ["Monday", "–", "Tuesday"]);
        assert_eq!(texts("yes--no"), ["yes", "--", "no"]);
    }

    #[test]
    fn spaced_ellipses_are_one_token() {
        assert_eq!(texts("weakened . . . was"), ["weakened", ". . .", "was"]);
        assert_eq!(
            texts("compounds. . . . The"),
            ["compounds", ".", ". . .", "The"]
        );
        assert_eq!(texts("period . . . . Next"), ["period", ". . . .", "Next"]);
        assert_eq!(texts("that.... She"), ["that", "....", "She"]);
        assert_eq!(texts("mean...see"), ["mean", "...", "see"]);
    }

    #[test]
    fn space_after_and_offsets_index_the_original_text() {
        let text = "A “b” 😀 cat.\u{a0}D";
        let tokens = tokenize(text);
        for t in &tokens {
            assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        }
        let spaces: Vec<_> = tokens.iter().map(|t| t.space_after).collect();
        assert_eq!(texts(text), ["A", "“", "b", "”", "😀", "cat", ".", "D"]);
        assert_eq!(spaces, [true, false, false, true, true, false, true, false]);
        assert_eq!(tokens[4].kind, TokenKind::Emoji);
    }

    #[test]
    fn a_full_stop_that_lost_its_space_is_split_off() {
        assert_eq!(texts("world.Today is"), ["world", ".", "Today", "is"]);
        assert_eq!(
            texts("Amazon.com and U.S.A."),
            ["Amazon.com", "and", "U.S.A."]
        );
    }

    #[test]
    fn cjk_characters_are_tokens_of_their_own() {
        assert_eq!(texts("首尔。"), ["首", "尔", "。"]);
    }
}
