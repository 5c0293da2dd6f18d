//! The word lists that the tokenizer and the sentence rules share: which
//! words keep their period, which of those can still end a sentence, and
//! which words usually open one.

/// What a word that keeps its period says about a following capital.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbbreviationClass {
    /// Titles and references ("Mr.", "Gov.", "No.", "p.", "vs."): a name or
    /// number always follows, so they never end a sentence.
    Title,
    /// Everything else ("Inc.", "Co.", "Jan.", "etc.", "Calif."): ends a
    /// sentence when the next word usually opens one.
    Other,
}

/// Looks up `word` (without its final period) among the abbreviations.
pub fn lookup(word: &str) -> Option<AbbreviationClass> {
    if let Some(class) = cased(word) {
        return Some(class);
    }
    // Case-insensitive look-up without allocating: abbreviations are short ASCII.
    let bytes = word.as_bytes();
    if bytes.len() > 8 || !word.is_ascii() {
        return None;
    }
    let mut buf = [0u8; 8];
    let lower = &mut buf[..bytes.len()];
    lower.copy_from_slice(bytes);
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).ok().and_then(uncased)
}

/// Abbreviations that must match exactly: as lower-case words they are
/// common English words that end sentences ("ill.", "miss.", "sun.").
fn cased(word: &str) -> Option<AbbreviationClass> {
    use AbbreviationClass::*;
    Some(match word {
        // Titles, ranks and references that precede a name or a number.
        "Mr" | "Mrs" | "Ms" | "Messrs" | "Mmes" | "Dr" | "Drs" | "Prof" | "Profs" | "Rev"
        | "Revs" | "Hon" | "Fr" | "Msgr" | "Gen" | "Gens" | "Lt" | "Col" | "Maj" | "Capt"
        | "Cmdr" | "Cdr" | "Sgt" | "Cpl" | "Pvt" | "Adm" | "Brig" | "Gov" | "Govs" | "Sen"
        | "Sens" | "Rep" | "Reps" | "Pres" | "Supt" | "Insp" | "Det" | "Amb" | "Atty" | "Mme"
        | "Mlle" | "Mssrs" | "Lieut" | "No" | "Nos" | "Nr" | "N°" | "Fig" | "Figs" | "Vol"
        | "Vols" | "Art" | "Arts" | "Sec" | "Ch" | "Chap" | "Para" | "Op" | "Pt" => Title,
        // Months and weekdays.
        "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov"
        | "Dec" | "Mon" | "Tue" | "Tues" | "Wed" | "Thu" | "Thur" | "Thurs" | "Fri" | "Sat"
        | "Sun" => Other,
        // US states in AP style.
        "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del" | "Fla" | "Ga" | "Ill"
        | "Ind" | "Kan" | "Kans" | "Ky" | "La" | "Md" | "Mass" | "Mich" | "Minn" | "Miss"
        | "Mo" | "Mont" | "Neb" | "Nev" | "Okla" | "Ore" | "Pa" | "Penn" | "Tenn" | "Tex"
        | "Vt" | "Va" | "Wash" | "Wis" | "Wyo" => Other,
        // Places and addresses: "St. Michael's" and "Main St." both occur.
        "St" | "Mt" | "Ft" | "Ave" | "Blvd" | "Rd" | "Sq" | "Hwy" | "Pl" | "Apt" | "Ste"
        | "Bldg" => Other,
        _ => return None,
    })
}

/// Abbreviations matched in any case ("co." and "Co.", "etc.", "vs.").
fn uncased(lower: &str) -> Option<AbbreviationClass> {
    use AbbreviationClass::*;
    Some(match lower {
        "vs" | "v" | "viz" | "cf" | "ca" | "e.g" | "i.e" | "a.k.a" | "approx" | "p" | "pp"
        | "esp" | "incl" | "ref" | "refs" | "nos" | "fig" | "figs" | "vol" | "eds" => Title,
        "inc" | "corp" | "co" | "cos" | "ltd" | "plc" | "llc" | "bros" | "jr" | "sr" | "esq"
        | "etc" | "al" | "dept" | "depts" | "univ" | "assn" | "assoc" | "govt" | "intl"
        | "natl" | "est" | "min" | "max" | "yr" | "yrs" | "hr" | "hrs" | "mos" | "wk" | "wks"
        | "ft" | "sq" | "st" | "mt" | "ave" | "blvd" | "rd" | "ed" | "misc" | "dist" | "div"
        | "mfg" | "bhd" | "pty" => Other,
        _ => return None,
    })
}

/// Words that usually open a sentence. An abbreviation followed by one of
/// these ends its sentence ("in the U.S. The ..."); followed by another
/// capitalised word it does not ("the U.S. Government").
pub fn opens_sentence(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "It"
            | "Its"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "My"
            | "Your"
            | "There"
            | "Here"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "However"
            | "Meanwhile"
            | "In"
            | "On"
            | "At"
            | "For"
            | "From"
            | "By"
            | "With"
            | "After"
            | "Before"
            | "During"
            | "Since"
            | "Until"
            | "When"
            | "While"
            | "If"
            | "As"
            | "Although"
            | "Though"
            | "Because"
            | "What"
            | "Which"
            | "Who"
            | "Why"
            | "How"
            | "Where"
            | "Also"
            | "Still"
            | "Then"
            | "Now"
            | "Today"
            | "Yesterday"
            | "Some"
            | "Many"
            | "Most"
            | "All"
            | "Both"
            | "Each"
            | "Every"
            | "No"
            | "Not"
            | "None"
            | "One"
            | "Other"
            | "Such"
            | "Another"
            | "Several"
            | "Few"
            | "Despite"
            | "According"
            | "Under"
            | "Over"
            | "Last"
            | "Earlier"
            | "Later"
            | "Instead"
            | "Indeed"
            | "Thus"
            | "Nevertheless"
            | "Furthermore"
            | "Moreover"
            | "Even"
            | "Only"
            | "Just"
            | "Shares"
            | "Police"
            | "Officials"
            | "Analysts"
            | "Is"
            | "Are"
            | "Was"
            | "Were"
            | "Do"
            | "Does"
            | "Did"
            | "Has"
            | "Have"
            | "Had"
            | "Can"
            | "Could"
            | "Will"
            | "Would"
            | "Should"
            | "Please"
            | "Let"
            | "Let's"
            | "To"
            | "Thank"
            | "Thanks"
            | "Yes"
    )
}

/// Prepositions that open a fronted time phrase ("At 5 a.m. Mr. Smith
/// left"), after which "a.m."/"p.m." does not end the sentence.
pub fn opens_time_phrase(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "at" | "by" | "until" | "till" | "before" | "after" | "around" | "from" | "since" | "about"
    )
}

/// Words that follow a time of day without opening a sentence: "3 p.m.
/// Friday", "10 a.m. ET", "6 p.m. Eastern".
pub fn follows_time(word: &str) -> bool {
    matches!(
        word,
        "Monday"
            | "Tuesday"
            | "Wednesday"
            | "Thursday"
            | "Friday"
            | "Saturday"
            | "Sunday"
            | "Mon."
            | "Tue."
            | "Wed."
            | "Thu."
            | "Fri."
            | "Sat."
            | "Sun."
            | "January"
            | "February"
            | "March"
            | "April"
            | "May"
            | "June"
            | "July"
            | "August"
            | "September"
            | "October"
            | "November"
            | "December"
            | "Jan."
            | "Feb."
            | "Mar."
            | "Apr."
            | "Jun."
            | "Jul."
            | "Aug."
            | "Sep."
            | "Sept."
            | "Oct."
            | "Nov."
            | "Dec."
            | "ET"
            | "EST"
            | "EDT"
            | "CT"
            | "CST"
            | "CDT"
            | "MT"
            | "MST"
            | "MDT"
            | "PT"
            | "PST"
            | "PDT"
            | "GMT"
            | "UTC"
            | "BST"
            | "CET"
            | "CEST"
            | "KST"
            | "JST"
            | "IST"
            | "AEST"
            | "AEDT"
            | "HKT"
            | "SGT"
            | "Eastern"
            | "Central"
            | "Pacific"
            | "Mountain"
            | "Beijing"
            | "Seoul"
            | "Tokyo"
            | "London"
            | "Moscow"
    )
}

/// Verbs of saying: a capitalised name between a quotation's final
/// punctuation and one of these is the attribution, not a new sentence
/// ("“Why now?” Trump asked.").
pub fn is_speech_verb(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "asked"
            | "asks"
            | "told"
            | "tells"
            | "added"
            | "adds"
            | "wrote"
            | "writes"
            | "tweeted"
            | "replied"
            | "replies"
            | "shouted"
            | "declared"
            | "insisted"
            | "warned"
            | "explained"
            | "recalled"
            | "noted"
            | "stated"
            | "answered"
            | "continued"
            | "cried"
            | "exclaimed"
            | "yelled"
            | "whispered"
            | "posted"
            | "responded"
            | "argued"
            | "conceded"
    )
}

/// Whether `word` (without its final period) is letters joined by periods,
/// each part at most three letters: "U.S", "a.m", "Ph.D", "U.S.A".
pub fn is_dotted_acronym(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split('.') {
        let letters = part.chars().count();
        if letters == 0 || letters > 3 || !part.chars().all(char::is_alphabetic) {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// Whether `word` (without its final period) is "a.m" or "p.m" in any case.
pub fn is_am_pm(word: &str) -> bool {
    word.eq_ignore_ascii_case("a.m") || word.eq_ignore_ascii_case("p.m")
}

/// Whether a word followed by a period keeps it as part of the token.
pub fn keeps_period(word: &str) -> bool {
    let mut chars = word.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    single_letter || is_dotted_acronym(word) || lookup(word).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_never_end_and_company_suffixes_may() {
        assert_eq!(lookup("Mr"), Some(AbbreviationClass::Title));
        assert_eq!(lookup("Co"), Some(AbbreviationClass::Other));
        assert_eq!(lookup("co"), Some(AbbreviationClass::Other));
        assert_eq!(lookup("Calif"), Some(AbbreviationClass::Other));
        assert_eq!(lookup("ill"), None, "lower-case 'ill.' is a word");
        assert_eq!(lookup("Yahoo"), None);
    }

    #[test]
    fn periods_stay_on_initials_acronyms_and_abbreviations_only() {
        for word in [
            "E", "U.S", "U.S.A", "a.m", "Ph.D", "Mr", "Jr", "etc", "p", "N°",
        ] {
            assert!(keeps_period(word), "{word}");
        }
        for word in ["Yahoo", "100.00", "example.com", "Jane.Doe", "that", "1"] {
            assert!(!keeps_period(word), "{word}");
        }
    }
}
