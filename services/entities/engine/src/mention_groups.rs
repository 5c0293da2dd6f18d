//! Groups the name mentions of one document into entities.
//!
//! A mention joins an entity when it is
//! - an exact repeat of one of its forms (case-insensitive);
//! - an acronym of its full name ("NSB" for "National Security Bureau"),
//!   whether or not the document defines it in brackets;
//! - a shorter form that starts or ends its full name, word for word
//!   ("Moon" for "Moon Jae-in", "Maduro" for "Nicolas Maduro"). The short
//!   form must have the same type as the full name, unless the full name
//!   is a person's: people are called by their surname, and the model tags
//!   a lone surname less reliably than a full name.
//!
//! - a short form in the table of [`SHORT_FORMS`] ("Fed" for "Federal
//!   Reserve"), abbreviations that are not acronyms;
//! - a person's name written in the other order or without its hyphen
//!   ("Ji-hoon Park", "Park Jihoon" for "Park Ji-hoon"): romanised names.
//!
//! Fuller forms are grouped first, so a headline's "Moon" finds the "Moon
//! Jae-in" of the body. A short form that fits several entities ("Kim")
//! goes to the one mentioned last before it.
//!
//! Each entity then gets one canonical name, its fullest form (most words,
//! then most characters; the first such mention), and one type: the
//! majority of the model's labels on the mentions of that fullest form,
//! ties going to the first of them. Short forms do not vote, so a
//! "Maduro" the model tagged LOCATION becomes the PERSON that "Nicolas
//! Maduro" is.

use std::collections::HashMap;

use copydesk_segmenter::{Token, TokenKind};

use crate::{EntityType, MentionKind};

/// One name the model found, trimmed of possessives and punctuation.
#[derive(Clone, Debug, PartialEq)]
pub struct NameMention {
    /// First token, an index into the document's tokens.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    /// Index of its sentence.
    pub sentence: usize,
    /// The type the model gave this mention.
    pub entity_type: EntityType,
    /// Its tokens' normalised forms.
    pub words: Vec<String>,
}

impl NameMention {
    fn key(&self) -> String {
        self.words.join(" ").to_lowercase()
    }

    fn chars(&self) -> usize {
        self.words.iter().map(|w| w.chars().count()).sum()
    }

    /// The name's words without case or hyphens, in sorted order: one key
    /// for "Park Ji-hoon", "Ji-hoon Park" and "Park Jihoon".
    fn name_key(&self) -> String {
        let mut words: Vec<String> = self
            .words
            .iter()
            .map(|w| {
                w.chars()
                    .filter(|c| *c != '-')
                    .flat_map(char::to_lowercase)
                    .collect()
            })
            .collect();
        words.sort();
        words.join(" ")
    }
}

/// Short forms that are not acronyms, with the name they stand for
/// (lower case; the full name may go on: "Federal Reserve Board").
pub const SHORT_FORMS: [(&str, &str); 4] = [
    ("fed", "federal reserve"),
    ("commons", "house of commons"),
    ("lords", "house of lords"),
    ("kmt", "kuomintang"),
];

/// Whether `short` (one word) stands for `full` in [`SHORT_FORMS`].
fn is_short_form_of(short: &[String], full: &[String]) -> bool {
    let [word] = short else {
        return false;
    };
    let word = word.to_lowercase();
    let full = full.join(" ").to_lowercase();
    SHORT_FORMS.iter().any(|(s, f)| {
        *s == word
            && full
                .strip_prefix(f)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

/// One entity: the indices of its mentions (in the slice given to
/// [`group`]) with how each names it, in text order.
#[derive(Clone, Debug, PartialEq)]
pub struct NameGroup {
    pub members: Vec<(usize, MentionKind)>,
    /// The mention whose text is the canonical name.
    pub canonical: usize,
    pub entity_type: EntityType,
}

/// Words that never make an acronym's letter.
const MINOR_WORDS: [&str; 10] = ["of", "for", "and", "the", "on", "in", "&", "de", "to", "at"];

/// The tokens `start..end` with possessive clitics ("'s", "'") and edge
/// punctuation and symbols removed: "Moon 's" is a mention of "Moon", and
/// a currency sign the model took for a name ("US$") is no name at all.
/// `None` when nothing is left.
pub fn trim_name(tokens: &[Token<'_>], start: usize, end: usize) -> Option<(usize, usize)> {
    let (mut start, mut end) = (start, end.min(tokens.len()));
    let edge = |t: &Token<'_>| matches!(t.kind, TokenKind::Punctuation | TokenKind::Symbol);
    let trailing = |t: &Token<'_>| edge(t) || matches!(t.norm.as_ref(), "'s" | "'S" | "'");
    while start < end && edge(&tokens[start]) {
        start += 1;
    }
    while start < end && trailing(&tokens[end - 1]) {
        end -= 1;
    }
    (start < end).then_some((start, end))
}

/// The letters of an acronym-like word ("NSB", "U.N." -> "UN"), if it is one.
fn acronym_letters(word: &str) -> Option<String> {
    let letters: String = word.chars().filter(|c| *c != '.').collect();
    let count = letters.chars().count();
    let ok = (2..=8).contains(&count)
        && letters.chars().all(|c| c.is_uppercase() || c == '&')
        && letters.chars().any(char::is_alphabetic);
    ok.then(|| letters.replace('&', ""))
}

/// Whether `acronym` spells the initials of `words`, with or without the
/// minor words ("NATO" has the "T" of "Treaty"; "FBI" skips "of").
pub fn is_acronym_of(acronym: &str, words: &[String]) -> bool {
    if words.len() < 2 {
        return false;
    }
    let Some(letters) = acronym_letters(acronym) else {
        return false;
    };
    let initials = |skip_minor: bool| -> String {
        words
            .iter()
            .filter(|w| !(skip_minor && MINOR_WORDS.contains(&w.to_lowercase().as_str())))
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    };
    letters.to_uppercase() == initials(true) || letters.to_uppercase() == initials(false)
}

/// Acronyms the model missed: "National Security Bureau (NSB)" defines
/// "NSB"; that token, and every later one spelled the same, becomes a
/// mention of the same type. `taken` marks the tokens already in a name and
/// is updated. Returns the new mentions.
pub fn untagged_acronyms(
    tokens: &[Token<'_>],
    sentence_of: &[usize],
    names: &[NameMention],
    taken: &mut [bool],
) -> Vec<NameMention> {
    let mut defined: Vec<(String, EntityType)> = Vec::new();
    // An organisation named in three words or more defines the acronym of
    // its initials ("TSMC" for "Taiwan Semiconductor Manufacturing Co"),
    // brackets or not.
    let mut initials: HashMap<String, EntityType> = HashMap::new();
    for name in names {
        if name.words.len() >= 3 && name.entity_type == EntityType::Organization {
            let letters: String = name
                .words
                .iter()
                .filter(|w| !MINOR_WORDS.contains(&w.to_lowercase().as_str()))
                .filter_map(|w| w.chars().next())
                .flat_map(char::to_uppercase)
                .collect();
            initials.entry(letters).or_insert(name.entity_type);
        }
    }
    for name in names {
        let (open, word, close) = (name.end, name.end + 1, name.end + 2);
        let is = |i: usize, s: &str| tokens.get(i).is_some_and(|t| t.norm == s);
        if is(open, "(")
            && is(close, ")")
            && let Some(token) = tokens.get(word)
            && is_acronym_of(&token.norm, &name.words)
        {
            defined.push((token.norm.to_string(), name.entity_type));
        }
    }
    let mut found = Vec::new();
    if defined.is_empty() && initials.is_empty() {
        return found;
    }
    for (i, token) in tokens.iter().enumerate() {
        if taken.get(i).copied().unwrap_or(true) {
            continue;
        }
        let by_initials = || {
            let letters = acronym_letters(&token.norm)?;
            let entity_type = initials
                .get(&letters)
                .filter(|_| letters.chars().count() >= 3)?;
            Some((token.norm.to_string(), *entity_type))
        };
        let hit = defined
            .iter()
            .find(|(w, _)| *w == token.norm)
            .cloned()
            .or_else(by_initials);
        if let Some((word, entity_type)) = hit {
            taken[i] = true;
            found.push(NameMention {
                start: i,
                end: i + 1,
                sentence: sentence_of.get(i).copied().unwrap_or(0),
                entity_type,
                words: vec![word],
            });
        }
    }
    found
}

/// How a mention joined its group while grouping.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Join {
    Form,
    Acronym,
}

struct Building {
    members: Vec<(usize, Join)>,
    /// The fullest form so far: the first member, as fuller forms come first.
    full: usize,
}

/// Groups `mentions` (in text order) into entities; see the module docs.
pub fn group(mentions: &[NameMention]) -> Vec<NameGroup> {
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(mentions[i].words.len()),
            mentions[i].start,
        )
    });
    let keys: Vec<String> = mentions.iter().map(NameMention::key).collect();
    let name_keys: Vec<String> = mentions.iter().map(NameMention::name_key).collect();

    let mut groups: Vec<Building> = Vec::new();
    for &m in &order {
        let mention = &mentions[m];
        let fits = |g: &Building| -> Option<Join> {
            if g.members.iter().any(|(o, _)| keys[*o] == keys[m]) {
                return Some(Join::Form);
            }
            let full = &mentions[g.full];
            if mention.words.len() == 1 && is_acronym_of(&mention.words[0], &full.words) {
                return Some(Join::Acronym);
            }
            if is_short_form_of(&mention.words, &full.words) {
                return Some(Join::Form);
            }
            let person = |m: &NameMention| m.entity_type == EntityType::Person;
            if mention.words.len() >= 2
                && (person(full) || person(mention))
                && name_keys[g.full] == name_keys[m]
            {
                return Some(Join::Form);
            }
            let compatible =
                full.entity_type == mention.entity_type || full.entity_type == EntityType::Person;
            (compatible && is_edge_of(&mention.words, &full.words)).then_some(Join::Form)
        };
        let best = groups
            .iter_mut()
            .filter_map(|g| fits(g).map(|join| (recency(g, mentions, mention.start), join, g)))
            .max_by_key(|(recency, _, _)| *recency);
        match best {
            Some((_, join, g)) => g.members.push((m, join)),
            None => groups.push(Building {
                members: vec![(m, Join::Form)],
                full: m,
            }),
        }
    }

    let mut result: Vec<NameGroup> = groups
        .into_iter()
        .map(|g| finish(g, mentions, &keys, &name_keys))
        .collect();
    result.sort_by_key(|g| {
        g.members
            .first()
            .map_or(usize::MAX, |(m, _)| mentions[*m].start)
    });
    result
}

/// Whether `short` is a proper prefix or suffix of `full`, word for word,
/// ignoring case.
fn is_edge_of(short: &[String], full: &[String]) -> bool {
    if short.is_empty() || short.len() >= full.len() {
        return false;
    }
    let same = |a: &[String], b: &[String]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| x.to_lowercase() == y.to_lowercase())
    };
    let head = &full[..short.len()];
    let tail = &full[full.len() - short.len()..];
    let minor = short
        .iter()
        .all(|w| MINOR_WORDS.contains(&w.to_lowercase().as_str()));
    !minor && (same(short, head) || same(short, tail))
}

/// How recently a group was mentioned before `position`: its nearest
/// earlier member, ranked so that any earlier mention beats a later one.
fn recency(group: &Building, mentions: &[NameMention], position: usize) -> (bool, isize) {
    let starts = group.members.iter().map(|(m, _)| mentions[*m].start);
    match starts.clone().filter(|s| *s < position).max() {
        Some(nearest) => (true, nearest as isize),
        None => (false, -(starts.min().unwrap_or(usize::MAX) as isize)),
    }
}

fn finish(
    group: Building,
    mentions: &[NameMention],
    keys: &[String],
    name_keys: &[String],
) -> NameGroup {
    let mut members = group.members;
    members.sort_by_key(|(m, _)| mentions[*m].start);
    // The fullest form: most words, then most characters, then earliest.
    let canonical = members
        .iter()
        .map(|(m, _)| *m)
        .max_by_key(|&m| {
            (
                mentions[m].words.len(),
                mentions[m].chars(),
                std::cmp::Reverse(mentions[m].start),
            )
        })
        .unwrap_or(group.full);
    let full_key = &keys[canonical];

    // The vote: the model's labels on the fullest form's mentions (a
    // romanised name in either order counts as that form), in text order;
    // the majority wins, the first on a tie.
    let full_name_key = &name_keys[canonical];
    let full_form = |m: usize| {
        &keys[m] == full_key || (mentions[m].words.len() >= 2 && &name_keys[m] == full_name_key)
    };
    let mut votes: Vec<(EntityType, usize)> = Vec::new();
    for (m, _) in &members {
        if !full_form(*m) {
            continue;
        }
        let label = mentions[*m].entity_type;
        match votes.iter_mut().find(|(t, _)| *t == label) {
            Some((_, n)) => *n += 1,
            None => votes.push((label, 1)),
        }
    }
    let entity_type = votes
        .iter()
        .fold(None::<(EntityType, usize)>, |best, &(t, n)| match best {
            Some((_, b)) if b >= n => best,
            _ => Some((t, n)),
        })
        .map_or(mentions[canonical].entity_type, |(t, _)| t);

    let members = members
        .into_iter()
        .map(|(m, join)| {
            // Repeats of an acronym join as forms; they are acronyms all
            // the same.
            let acronym = join == Join::Acronym
                || (mentions[m].words.len() == 1
                    && is_acronym_of(&mentions[m].words[0], &mentions[canonical].words));
            let kind = if full_form(m) {
                MentionKind::Proper
            } else if acronym {
                MentionKind::Acronym
            } else {
                MentionKind::Partial
            };
            (m, kind)
        })
        .collect();
    NameGroup {
        members,
        canonical,
        entity_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn acronyms_match_initials_with_or_without_minor_words() {
        assert!(is_acronym_of("NSB", &words("National Security Bureau")));
        assert!(is_acronym_of(
            "FBI",
            &words("Federal Bureau of Investigation")
        ));
        assert!(is_acronym_of("U.N.", &words("United Nations")));
        assert!(!is_acronym_of("NSB", &words("National Bureau")));
        assert!(!is_acronym_of("Nsb", &words("National Security Bureau")));
    }

    fn mention(text: &str, start: usize, entity_type: EntityType) -> NameMention {
        let words = words(text);
        NameMention {
            start,
            end: start + words.len(),
            sentence: 0,
            entity_type,
            words,
        }
    }

    #[test]
    fn romanised_names_group_in_either_order_with_or_without_hyphens() {
        let mentions = [
            mention("Chen Yi-ting", 0, EntityType::Person),
            mention("Yi-ting Chen", 10, EntityType::Location),
            mention("Chen Yiting", 20, EntityType::Person),
            mention("Chen Yi-hsuan", 40, EntityType::Person),
            mention("Chen", 50, EntityType::Person),
        ];
        let groups = group(&mentions);
        assert_eq!(groups.len(), 2, "{groups:?}");
        let first: Vec<usize> = groups[0].members.iter().map(|(m, _)| *m).collect();
        assert_eq!(first, [0, 1, 2]);
        assert_eq!(groups[0].entity_type, EntityType::Person);
        assert!(
            groups[0].members[..3]
                .iter()
                .all(|(_, k)| *k == MentionKind::Proper)
        );
        // The bare surname goes to the person mentioned last before it.
        assert_eq!(groups[1].members.len(), 2);
    }

    #[test]
    fn a_short_form_from_the_table_joins_its_full_name() {
        let mentions = [
            mention("Federal Reserve", 0, EntityType::Organization),
            mention("Fed", 5, EntityType::Organization),
            mention("Fed", 9, EntityType::Organization),
        ];
        let groups = group(&mentions);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].members[1].1, MentionKind::Partial);
        assert!(is_short_form_of(
            &words("Fed"),
            &words("Federal Reserve Board")
        ));
        assert!(!is_short_form_of(&words("Fed"), &words("Federal Reserved")));
        assert!(!is_short_form_of(&words("Fed"), &words("Fed Ex")));
    }

    #[test]
    fn edges_are_whole_words() {
        assert!(is_edge_of(&words("Moon"), &words("Moon Jae-in")));
        assert!(is_edge_of(&words("Maduro"), &words("Nicolas Maduro")));
        assert!(!is_edge_of(&words("Jae"), &words("Moon Jae-in")));
        assert!(!is_edge_of(
            &words("Security"),
            &words("National Security Bureau")
        ));
        assert!(!is_edge_of(&words("of"), &words("Bank of")));
    }
}
