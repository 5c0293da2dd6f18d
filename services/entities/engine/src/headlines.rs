//! Headlines and kickers in title case or capitals, recased before the
//! model reads them.
//!
//! The CoNLL-2003 model takes a run of capitalised words for a name, so
//! "Storm Forces Ferry Cancellations Across Penghu" comes out as one
//! organisation. The model reads such a line as it would read body copy
//! instead: each word in the form the document's body gives it ("Penghu",
//! "Fed"), else the form the model saw most often in training ("forces",
//! "Greece"), else, for a word it never saw, capitalised ("Chiayi") or, if
//! short and in capitals, an acronym ("TSMC"). Only the model's input
//! changes; tokens, offsets and mentions stay those of the text.

use std::collections::HashMap;

use copydesk_ner::NerModel;
use copydesk_segmenter::{Sentence, Token, TokenKind};

const MIN_COMMON_WORDS: usize = 2;

/// Whether the tokens of a sentence read as a headline or kicker: two
/// words or more, all in capitals, or every word of four letters or more
/// with a capital in a line that does not end with a full stop.
pub fn is_headline(model: &NerModel, tokens: &[Token<'_>]) -> bool {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word && t.norm.chars().any(char::is_alphabetic))
        .map(|t| t.norm.as_ref())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    // Bylines and credits ("Photo: ...") have rules of their own.
    let credit = tokens
        .iter()
        .position(|t| t.kind == TokenKind::Word)
        .and_then(|i| tokens.get(i + 1))
        .is_some_and(|t| t.norm == ":");
    if first.eq_ignore_ascii_case("by") || credit {
        return false;
    }
    let letters = |w: &&str| w.chars().filter(|c| c.is_alphabetic()).count();
    let capitals: Vec<&&str> = words.iter().filter(|w| letters(w) >= 2).collect();
    let all_caps =
        capitals.len() >= 2 && capitals.iter().all(|w| !w.chars().any(char::is_lowercase));
    // Lines in capitals are left as they are: the model was trained on
    // CoNLL's, and recasing them gained nothing on the development set and
    // cost CoNLL test F1.
    if all_caps {
        return false;
    }
    let ends_sentence = tokens
        .last()
        .is_some_and(|t| matches!(t.norm.as_ref(), "." | "?" | "!" | "\"" | "'"));
    // "Apple Unveils Cheaper iPhone": a word with a capital inside counts.
    let long: Vec<&&str> = words.iter().filter(|w| letters(w) >= 4).collect();
    // A line of names alone ("Leeds United 2 Everton 0" in a results
    // table) is not a headline: one needs a word the model knows mostly in
    // lower case ("Forces", "Holds").
    let common = |w: &&str| {
        let lower = w.to_lowercase();
        match (model.vocabulary_rank(&lower), model.vocabulary_rank(w)) {
            (Some(l), Some(c)) => l < c,
            (Some(_), None) => true,
            _ => false,
        }
    };
    !ends_sentence
        && words.len() >= 3
        && long.len() >= 2
        && long.iter().all(|w| w.chars().any(char::is_uppercase))
        && words.iter().filter(|w| common(w)).count() >= MIN_COMMON_WORDS
}

/// The forms of words in the body of a document (every sentence that is
/// not a headline), lowercased word -> the first form seen away from the
/// start of a sentence.
pub fn body_forms<'t>(
    tokens: &'t [Token<'t>],
    sentences: &[Sentence],
    headline: &[bool],
) -> HashMap<String, &'t str> {
    let mut forms = HashMap::new();
    for (s, sentence) in sentences.iter().enumerate() {
        if headline.get(s).copied().unwrap_or(false) {
            continue;
        }
        for t in tokens
            .get(sentence.token_start + 1..sentence.token_end)
            .unwrap_or(&[])
        {
            if t.kind == TokenKind::Word {
                forms
                    .entry(t.norm.to_lowercase())
                    .or_insert_with(|| t.norm.as_ref());
            }
        }
    }
    forms
}

/// The words of a headline as the model should read them.
pub fn recase(model: &NerModel, tokens: &[Token<'_>], body: &HashMap<String, &str>) -> Vec<String> {
    let mut out: Vec<String> = tokens
        .iter()
        .map(|t| {
            if t.kind != TokenKind::Word {
                return t.norm.to_string();
            }
            recase_word(model, &t.norm, body)
        })
        .collect();
    if let Some(first) = out
        .iter_mut()
        .zip(tokens)
        .find(|(_, t)| t.kind == TokenKind::Word)
        .map(|(w, _)| w)
    {
        *first = capitalise(first);
    }
    out
}

fn recase_word(model: &NerModel, word: &str, body: &HashMap<String, &str>) -> String {
    let lower = word.to_lowercase();
    if let Some(form) = body.get(&lower) {
        return (*form).to_owned();
    }
    let title = capitalise(&lower);
    let best = [word, lower.as_str(), title.as_str()]
        .into_iter()
        .filter_map(|w| model.vocabulary_rank(w).map(|rank| (rank, w)))
        .min_by_key(|(rank, _)| *rank);
    match best {
        Some((_, w)) => w.to_owned(),
        None => {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            let caps = !word.chars().any(char::is_lowercase);
            if caps && letters <= 4 {
                word.to_owned()
            } else {
                title
            }
        }
    }
}

/// "mei-ling" -> "Mei-ling".
fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
