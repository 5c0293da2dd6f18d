//! Sentence rules on news copy: headlines, kickers, decks, credits,
//! datelines, quotations, abbreviations and numbers.

use copydesk_segmenter::{Segmenter, SentenceKind};

fn sentences(text: &str) -> Vec<&str> {
    Segmenter::new()
        .segment(text, Some("en"))
        .sentences
        .iter()
        .map(|s| &text[s.span.start..s.span.end])
        .collect()
}

fn kinds(text: &str) -> Vec<SentenceKind> {
    Segmenter::new()
        .segment(text, Some("en"))
        .sentences
        .iter()
        .map(|s| s.kind)
        .collect()
}

#[test]
fn headline_kicker_deck_and_credit_stand_alone() {
    let text = "UNRELENTING:\nWildfires rage across California\nThousands flee as flames jump highways\nPhoto: Noah Berger/AP\n\nCrews worked through the night. They saved 40 homes.";
    assert_eq!(
        sentences(text),
        [
            "UNRELENTING:",
            "Wildfires rage across California",
            "Thousands flee as flames jump highways",
            "Photo: Noah Berger/AP",
            "Crews worked through the night.",
            "They saved 40 homes."
        ]
    );
    use SentenceKind::*;
    assert_eq!(kinds(text), [Line, Line, Line, Line, Sentence, Sentence]);
}

#[test]
fn kicker_on_the_headline_line_stands_alone() {
    assert_eq!(
        sentences("BREAKING NEWS: Fire destroys old mill"),
        ["BREAKING NEWS:", "Fire destroys old mill"]
    );
}

#[test]
fn dateline_line_and_inline_dateline() {
    assert_eq!(
        sentences("SEOUL, South Korea\nThe talks resumed on Monday."),
        ["SEOUL, South Korea", "The talks resumed on Monday."]
    );
    assert_eq!(
        sentences("SEOUL, Nov. 27 (Yonhap) -- The talks resumed on Monday. Both sides agreed."),
        [
            "SEOUL, Nov. 27 (Yonhap) -- The talks resumed on Monday.",
            "Both sides agreed."
        ]
    );
}

#[test]
fn hard_wrapped_lines_carry_on() {
    assert_eq!(
        sentences(
            "The minister said the plan would\nbe ready by March, and that talks with\nthe unions continue."
        ),
        [
            "The minister said the plan would\nbe ready by March, and that talks with\nthe unions continue."
        ]
    );
    assert_eq!(sentences("Mr.\nSmith arrived."), ["Mr.\nSmith arrived."]);
}

#[test]
fn abbreviations_in_news() {
    assert_eq!(
        sentences(
            "Sen. Chuck Schumer, D-N.Y., said the U.S. Senate would vote. Apple Inc. Chief Executive Tim Cook agreed."
        ),
        [
            "Sen. Chuck Schumer, D-N.Y., said the U.S. Senate would vote.",
            "Apple Inc. Chief Executive Tim Cook agreed."
        ]
    );
    assert_eq!(
        sentences(
            "The meeting is on Jan. 5 in St. Louis. It starts at 3 p.m. Friday. Most delegates live in the U.S. The rest do not."
        ),
        [
            "The meeting is on Jan. 5 in St. Louis.",
            "It starts at 3 p.m. Friday.",
            "Most delegates live in the U.S.",
            "The rest do not."
        ]
    );
    assert_eq!(
        sentences(
            "Shares of Acme Corp. fell. J.K. Rowling and George W. Bush met Dr. Jane E. Doe."
        ),
        [
            "Shares of Acme Corp. fell.",
            "J.K. Rowling and George W. Bush met Dr. Jane E. Doe."
        ]
    );
}

#[test]
fn numbers_do_not_end_sentences() {
    assert_eq!(
        sentences(
            "Sales rose 2.63 million units, a 10-fold jump, to $1.13bn. The No. 2 maker fell 4.5%. In 2019. 2020 was worse."
        ),
        [
            "Sales rose 2.63 million units, a 10-fold jump, to $1.13bn.",
            "The No. 2 maker fell 4.5%.",
            "In 2019.",
            "2020 was worse."
        ]
    );
}

#[test]
fn quotations_and_attributions() {
    assert_eq!(
        sentences(
            "“Why now?” Trump asked. “We will not back down,” Newsom said. “It’s over.” The crowd cheered."
        ),
        [
            "“Why now?” Trump asked.",
            "“We will not back down,” Newsom said.",
            "“It’s over.”",
            "The crowd cheered."
        ]
    );
    assert_eq!(
        sentences("He called it \"dead on arrival.\" Others disagreed."),
        ["He called it \"dead on arrival.\"", "Others disagreed."]
    );
}

#[test]
fn parentheses_and_bracketed_sentences() {
    assert_eq!(
        sentences(
            "The firm (which declined to comment.) lost money. (Reporting by Jane Smith; Editing by John Doe.)"
        ),
        [
            "The firm (which declined to comment.) lost money.",
            "(Reporting by Jane Smith; Editing by John Doe.)"
        ]
    );
}

#[test]
fn bulleted_lists_in_copy() {
    let text =
        "Key points:\n- Talks resume next week\n- Sanctions stay in place\n• Markets rallied";
    assert_eq!(
        sentences(text),
        [
            "Key points:",
            "- Talks resume next week",
            "- Sanctions stay in place",
            "• Markets rallied"
        ]
    );
    use SentenceKind::*;
    assert_eq!(kinds(text), [Line, ListItem, ListItem, ListItem]);
}

#[test]
fn paragraphs_follow_blank_lines_or_lines() {
    let seg = Segmenter::new();
    let text = "First paragraph. Still first.\n\nSecond paragraph.\nStill second.";
    let s = seg.segment(text, Some("en"));
    assert_eq!(s.paragraphs.len(), 2);
    assert_eq!(
        (s.paragraphs[0].sentence_start, s.paragraphs[0].sentence_end),
        (0, 2)
    );
    assert_eq!(
        (s.paragraphs[1].sentence_start, s.paragraphs[1].sentence_end),
        (2, 4)
    );
    assert_eq!(
        &text[s.paragraphs[1].span.start..s.paragraphs[1].span.end],
        "Second paragraph.\nStill second."
    );

    // No blank line anywhere: each line that ends a sentence ends a paragraph.
    let text = "Headline here\nFirst paragraph. Still first.\nSecond paragraph.";
    let s = seg.segment(text, Some("en"));
    let paragraphs: Vec<&str> = s
        .paragraphs
        .iter()
        .map(|p| &text[p.span.start..p.span.end])
        .collect();
    assert_eq!(
        paragraphs,
        [
            "Headline here",
            "First paragraph. Still first.",
            "Second paragraph."
        ]
    );
    for (i, sentence) in s.sentences.iter().enumerate() {
        let p = &s.paragraphs[sentence.paragraph];
        assert!((p.sentence_start..p.sentence_end).contains(&i));
    }
}

#[test]
fn every_token_belongs_to_exactly_one_sentence() {
    let text = "A. B. c... “D?” (E!) f — g\n\nh\ni. 1. J 2. K";
    let s = Segmenter::new().segment(text, None);
    let mut next = 0;
    for sentence in &s.sentences {
        assert_eq!(sentence.token_start, next);
        assert!(sentence.token_end > sentence.token_start);
        next = sentence.token_end;
    }
    assert_eq!(next, s.tokens.len());
}

#[test]
fn empty_and_blank_text_have_no_segments() {
    for text in ["", "   ", "\n\n\t"] {
        let s = Segmenter::new().segment(text, Some("en"));
        assert!(s.tokens.is_empty() && s.sentences.is_empty() && s.paragraphs.is_empty());
    }
}

#[test]
fn chinese_sentences_end_at_ideographic_full_stops() {
    assert_eq!(
        sentences("会谈将恢复。双方同意了！"),
        ["会谈将恢复。", "双方同意了！"]
    );
}

#[test]
fn names_with_marks_and_brands_in_lower_case() {
    assert_eq!(
        sentences("She joined Yahoo! Inc. in 2004. eBay bought the unit. “No.” He left."),
        [
            "She joined Yahoo! Inc. in 2004.",
            "eBay bought the unit.",
            "“No.”",
            "He left."
        ]
    );
}

#[test]
fn sloppy_copy_and_citations() {
    assert_eq!(
        sentences("Hello world.Today is Tuesday.Mr. Smith went to Amazon.com to buy 1,000 items."),
        [
            "Hello world.",
            "Today is Tuesday.",
            "Mr. Smith went to Amazon.com to buy 1,000 items."
        ]
    );
    assert_eq!(
        sentences(
            "Saint Maximus (died 250) is a Christian saint and martyr.[1] The emperor Decius published a decree."
        ),
        [
            "Saint Maximus (died 250) is a Christian saint and martyr.[1]",
            "The emperor Decius published a decree."
        ]
    );
    assert_eq!(
        sentences(
            "The nurse gave him the i.v. in his vein. She gave him the i.v. It was a great I.V. that she gave him."
        ),
        [
            "The nurse gave him the i.v. in his vein.",
            "She gave him the i.v.",
            "It was a great I.V. that she gave him."
        ]
    );
    assert_eq!(
        sentences("The temperature was 23° C. It was hot. Mix it, and -- voila! -- you have cake."),
        [
            "The temperature was 23° C.",
            "It was hot.",
            "Mix it, and -- voila! -- you have cake."
        ]
    );
}

#[test]
fn emoji_after_a_sentence_stay_with_it() {
    assert_eq!(
        sentences("What a day! 😀😀 See you."),
        ["What a day! 😀😀", "See you."]
    );
    assert_eq!(sentences("Aid was ready. 😀"), ["Aid was ready. 😀"]);
}

#[test]
fn a_quotation_ending_in_a_full_stop_ends_the_sentence() {
    assert_eq!(
        sentences("He called the talks \"a trap.\" Guaido told reporters the meeting was set."),
        [
            "He called the talks \"a trap.\"",
            "Guaido told reporters the meeting was set."
        ]
    );
}
