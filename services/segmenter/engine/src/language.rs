//! Language identification with `whatlang` (trigram profiles of 69
//! languages), reported as BCP-47 codes.

use whatlang::Lang;

/// Languages with full support (segmentation rules, entities, sentiment).
pub const SUPPORTED: &[&str] = &["en"];

/// Identification reads at most this many bytes: the language of a news
/// story is settled long before its end, and whatlang's cost grows with the
/// text.
const SAMPLE_BYTES: usize = 4096;

/// The language of a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Language {
    /// BCP-47 code; "und" when unknown.
    pub code: String,
    /// Whether Copydesk fully supports it.
    pub supported: bool,
    /// Confidence in [0, 1]; 1 when the caller gave it.
    pub confidence: f32,
    /// Whether it was identified from the text rather than given.
    pub detected: bool,
}

impl Default for Language {
    fn default() -> Self {
        Language {
            code: "und".to_owned(),
            supported: false,
            confidence: 0.0,
            detected: true,
        }
    }
}

impl Language {
    /// Too little text to tell ("und"). Analysed with the default models,
    /// so reported as supported: refusing a headline because it is short
    /// would switch off entities and tone for no reason.
    pub fn undetermined() -> Self {
        Language {
            supported: true,
            ..Language::default()
        }
    }

    /// The language the caller says the text is in.
    pub fn given(code: &str) -> Self {
        Language {
            code: code.to_owned(),
            supported: is_supported(code),
            confidence: 1.0,
            detected: false,
        }
    }
}

/// Whether a BCP-47 code names a supported language ("en", "en-GB", "EN").
pub fn is_supported(code: &str) -> bool {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(primary))
}

/// Fewer letters than this cannot be told apart reliably (whatlang needs
/// a sentence or so): a two-word headline is "und", not Somali.
const MIN_LETTERS: usize = 12;

/// Identifies the language of `text` from its first few kilobytes.
///
/// Only the letters of the sample's main script count: English copy that
/// quotes a name in Chinese or Cyrillic is judged on its English. Text with
/// too few letters (empty, whitespace, a word or two) is "und", which the
/// services analyse with their default (English) models rather than refuse.
pub fn identify(text: &str) -> Language {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = main_script_only(&text[..end]);
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_LETTERS {
        return Language::undetermined();
    }
    if let Some(confidence) = plainly_english(&sample) {
        return Language {
            code: "en".to_owned(),
            supported: true,
            confidence,
            detected: true,
        };
    }
    match whatlang::detect(&sample) {
        // Trigrams cannot tell a headline or a one-line English sentence
        // from Afrikaans or Dutch; short, unaccented Latin text that
        // whatlang is unsure of is far more often English in a newsroom.
        Some(info) if !info.is_reliable() && unaccented_latin(&sample) => Language {
            code: "en".to_owned(),
            supported: true,
            confidence: (info.confidence() as f32).min(0.5),
            detected: true,
        },
        Some(info) => {
            let code = bcp47(info.lang());
            Language {
                code: code.to_owned(),
                supported: is_supported(code),
                confidence: info.confidence() as f32,
                detected: true,
            }
        }
        None => Language::undetermined(),
    }
}

/// The sample with the letters of every script but its most frequent one
/// blanked out (spaces keep word boundaries). Scripts are told apart by
/// `whatlang::detect_script` per word, which is cheap next to detection.
fn main_script_only(sample: &str) -> std::borrow::Cow<'_, str> {
    let mut counts: Vec<(whatlang::Script, usize)> = Vec::new();
    let words = || {
        sample
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
    };
    for word in words() {
        let Some(script) = whatlang::detect_script(word) else {
            continue;
        };
        let letters = word.chars().count();
        match counts.iter_mut().find(|(s, _)| *s == script) {
            Some((_, n)) => *n += letters,
            None => counts.push((script, letters)),
        }
    }
    if counts.len() < 2 {
        return std::borrow::Cow::Borrowed(sample);
    }
    let Some(&(main, _)) = counts.iter().max_by_key(|(_, n)| *n) else {
        return std::borrow::Cow::Borrowed(sample);
    };
    let mut kept = String::with_capacity(sample.len());
    let mut rest = sample;
    while let Some(start) = rest.find(|c: char| c.is_alphabetic()) {
        kept.push_str(&rest[..start]);
        rest = &rest[start..];
        let len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..len];
        if whatlang::detect_script(word) == Some(main) {
            kept.push_str(word);
        } else {
            kept.push(' ');
        }
        rest = &rest[len..];
    }
    kept.push_str(rest);
    std::borrow::Cow::Owned(kept)
}

/// Whether every letter of `sample` is unaccented Latin (emoji, digits and
/// punctuation aside), and there is at least one.
fn unaccented_latin(sample: &str) -> bool {
    let mut letters = sample.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| c.is_ascii())
}

/// English news is most of what Copydesk reads, and whatlang's trigram
/// scoring costs more than segmenting the text. Text whose first words are
/// in good part English function words, which no other language shares in
/// such numbers, is English; anything else goes to whatlang. Returns the
/// confidence.
fn plainly_english(sample: &str) -> Option<f32> {
    const MIN_WORDS: usize = 20;
    const MAX_WORDS: usize = 200;
    let mut words = 0;
    let mut english = 0;
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
    {
        words += 1;
        if !word.is_ascii() {
            continue;
        }
        let lower = word.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "the"
                | "of"
                | "and"
                | "to"
                | "that"
                | "for"
                | "with"
                | "was"
                | "were"
                | "said"
                | "from"
                | "his"
                | "her"
                | "he"
                | "she"
                | "they"
                | "their"
                | "has"
                | "have"
                | "had"
                | "been"
                | "which"
                | "this"
                | "will"
                | "would"
                | "it"
                | "its"
                | "by"
                | "on"
                | "at"
                | "is"
                | "are"
                | "not"
                | "but"
                | "who"
                | "after"
                | "about"
                | "more"
                | "than"
                | "when"
                | "or"
        ) {
            english += 1;
        }
    }
    if words < MIN_WORDS {
        return None;
    }
    let share = english as f32 / words as f32;
    // Typical English news runs at 30-40% of these words; other Latin-script
    // languages stay under 10%.
    (share >= 0.22).then(|| (0.5 + share * 1.5).min(1.0))
}

/// whatlang names languages by ISO 639-3; clients expect the shortest
/// BCP-47 form, which is ISO 639-1 where one exists.
fn bcp47(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
        // whatlang may add languages; their ISO 639-3 code is valid BCP-47.
        #[allow(unreachable_patterns)]
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_news_is_english_and_supported() {
        let lang = identify(
            "South Korean President Moon Jae-in said on Tuesday that talks with the North would resume next month.",
        );
        assert_eq!(lang.code, "en");
        assert!(lang.supported && lang.detected);
        assert!(lang.confidence > 0.5);
    }

    #[test]
    fn other_languages_get_a_code_and_no_support() {
        let de = identify(
            "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die Inflation beschlossen.",
        );
        assert_eq!(de.code, "de");
        assert!(!de.supported);
        let zh = identify("韩国总统文在寅周二表示，与朝鲜的会谈将于下个月恢复。");
        assert_eq!(zh.code, "zh");
        assert!(!zh.supported);
    }

    #[test]
    fn given_codes_are_trusted_and_regional_english_is_supported() {
        let lang = Language::given("en-GB");
        assert!(lang.supported && !lang.detected);
        assert_eq!(lang.confidence, 1.0);
        assert!(!Language::given("fr").supported);
    }

    #[test]
    fn the_english_shortcut_leaves_other_languages_alone() {
        let en = "The minister said on Tuesday that the government would not raise taxes this year, and that it had been in talks with the unions for more than a month about the plan.";
        assert!(plainly_english(en).is_some());
        for other in [
            "Le ministre a déclaré mardi que le gouvernement n'augmenterait pas les impôts cette année et qu'il discutait depuis plus d'un mois avec les syndicats.",
            "Der Minister sagte am Dienstag, die Regierung werde in diesem Jahr die Steuern nicht erhöhen und verhandle seit mehr als einem Monat mit den Gewerkschaften.",
            "De minister zei dinsdag dat de regering dit jaar de belastingen niet zal verhogen en dat zij al meer dan een maand met de vakbonden in gesprek is.",
            "O ministro disse na terça-feira que o governo não vai aumentar os impostos este ano e que está em negociações com os sindicatos há mais de um mês.",
        ] {
            assert_eq!(plainly_english(other), None, "{other}");
            assert_ne!(identify(other).code, "en", "{other}");
        }
    }

    #[test]
    fn short_plain_text_whatlang_is_unsure_of_is_english() {
        for text in [
            "Hello World. My name is Jonas.",
            "Moon Jae-in met Kim Jong-un in Seoul. 😀 Moon was pleased.",
        ] {
            let lang = identify(text);
            assert_eq!(lang.code, "en", "{text}");
            assert!(lang.confidence <= 0.5, "reported as unsure");
        }
    }

    #[test]
    fn empty_and_short_text_is_undetermined_and_still_analysed() {
        for text in [
            "",
            "   ",
            "\u{a0}\u{a0} \u{a0}\n\u{a0}",
            "Taiwan votes",
            "12,500 (3%)",
        ] {
            let lang = identify(text);
            assert_eq!(lang.code, "und", "{text:?}");
            assert!(lang.supported, "und is analysed with the default models");
        }
    }

    #[test]
    fn english_quoting_another_script_stays_english() {
        for text in [
            "Angela Merkel met 中文 Emmanuel Macron in Paris.",
            "The word 民主 means democracy, the professor told students in Taipei on Monday.",
            "Protesters in Kyiv carried signs reading Слава Україні outside parliament.",
        ] {
            let lang = identify(text);
            assert_eq!(lang.code, "en", "{text}");
            assert!(lang.supported);
        }
        // The main script still decides when it is not Latin.
        assert_eq!(
            identify("韩国总统文在寅周二表示 Moon Jae-in 与朝鲜的会谈将于下个月恢复。").code,
            "zh"
        );
    }
}
