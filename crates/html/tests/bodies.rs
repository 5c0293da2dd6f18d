//! Story bodies shaped like what CMSs store, and hostile markup.

#![allow(clippy::unwrap_used)]

use copydesk_html::extract;

/// The markup a text span came from.
fn source<'h>(html: &'h str, text: &str, needle: &str) -> &'h str {
    let extracted = extract(html);
    assert_eq!(extracted.text, text);
    let start = extracted.text.find(needle).unwrap();
    let range = extracted.map.to_source(start..start + needle.len());
    &html[range]
}

#[test]
fn wordpress_post_with_block_comments_and_shortcodes() {
    let html = r#"<!-- wp:heading -->
<h2 class="wp-block-heading">Typhoon nears Taitung</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>TAIPEI &mdash; Premier Cho Jung-tai told reporters on Monday that the Central Weather Administration had raised its alert.</p>
<!-- /wp:paragraph -->

[caption id="attachment_91" align="alignnone" width="800"]<img src="a.jpg" alt="Waves at Taitung" /> Waves hit the coast. Photo: CNA[/caption]

<!-- wp:paragraph -->
<p>&ldquo;We are ready,&rdquo; he said.</p>
<!-- /wp:paragraph -->"#;
    let extracted = extract(html);
    assert_eq!(
        extracted.text,
        "Typhoon nears Taitung\n\nTAIPEI — Premier Cho Jung-tai told reporters on Monday that the Central Weather Administration had raised its alert.\n\nWaves hit the coast. Photo: CNA\n\n“We are ready,” he said."
    );
    let at = extracted.text.find("“We").unwrap();
    assert_eq!(
        &html[extracted.map.to_source(at..at + "“We".len())],
        "&ldquo;We"
    );
}

#[test]
fn figures_pull_quotes_tweets_and_scripts() {
    let html = r#"<article>
<p>Lai Ching-te visited <a href="/tag/tainan">Tainan</a>.</p>
<figure><img src="x.jpg"><figcaption>President <b>Lai</b> in Tainan.</figcaption></figure>
<aside class="pullquote"><blockquote>We will rebuild.</blockquote></aside>
<blockquote class="twitter-tweet"><p lang="en">Storm update from the coast guard.</p>&mdash; Coast Guard (@cga) <a href="https://t.co/x">May 1, 2025</a></blockquote>
<script async src="https://platform.example/widgets.js" charset="utf-8"></script>
<style>.pullquote { color: red }</style>
<noscript><img src="pixel.gif">Enable JavaScript</noscript>
<div class="share" aria-hidden="true">Share on Facebook</div>
<template><p>Not shown</p></template>
</article>"#;
    let text = extract(html).text;
    assert_eq!(
        text,
        "Lai Ching-te visited Tainan.\n\nPresident Lai in Tainan.\n\nWe will rebuild.\n\nStorm update from the coast guard.\n\n— Coast Guard (@cga) May 1, 2025"
    );
}

#[test]
fn lists_and_tables_are_one_paragraph_per_item_and_cell() {
    let html = "<ul><li>Tainan</li><li>Kaohsiung</li></ul><table><tr><td>Taipei</td><td>2.5 million</td></tr></table>";
    let text = extract(html).text;
    assert_eq!(text, "Tainan\n\nKaohsiung\n\nTaipei\n\n2.5 million");
}

#[test]
fn inline_tags_never_split_a_name_and_spans_cover_the_markup() {
    let html = "<p><b>Tsai</b> Ing-wen met <em>Moon Jae-in</em>.</p>";
    assert_eq!(
        source(html, "Tsai Ing-wen met Moon Jae-in.", "Tsai Ing-wen"),
        "Tsai</b> Ing-wen"
    );
    assert_eq!(
        source(html, "Tsai Ing-wen met Moon Jae-in.", "Moon Jae-in"),
        "Moon Jae-in"
    );
    let html = "<p>Ts<span>ai</span> said</p>";
    assert_eq!(source(html, "Tsai said", "Tsai"), "Ts<span>ai");
}

#[test]
fn line_breaks_and_collapsed_whitespace() {
    let html = "<p>Line one<br>Line   two\n  continues</p>";
    let extracted = extract(html);
    assert_eq!(extracted.text, "Line one\nLine two continues");
    let at = extracted.text.find("two continues").unwrap();
    assert_eq!(
        &html[extracted.map.to_source(at..at + 13)],
        "two\n  continues"
    );
}

#[test]
fn references_are_decoded_and_map_to_their_markup() {
    let html = "<p>AT&amp;T&nbsp;shares rose 5&#37; &#8220;today&#8221; &copy2025 R&D</p>";
    let extracted = extract(html);
    assert_eq!(extracted.text, "AT&T shares rose 5% “today” ©2025 R&D");
    let at = extracted.text.find("AT&T").unwrap();
    assert_eq!(&html[extracted.map.to_source(at..at + 4)], "AT&amp;T");
}

#[test]
fn broken_nesting_reads_as_a_browser_shows_it() {
    let html = "<p>Opening <b>bold <i>both</b> italic</i> end<p>Next paragraph <div>inside";
    let text = extract(html).text;
    assert_eq!(
        text,
        "Opening bold both italic end\n\nNext paragraph\n\ninside"
    );
}

#[test]
fn markup_only_is_an_empty_document() {
    for html in [
        "",
        "<div></div>",
        "<!-- wp:paragraph --><p> </p><!-- /wp:paragraph -->",
        "<script>var x = 1;</script>",
        "&nbsp;&nbsp;<br><br>",
    ] {
        let extracted = extract(html);
        assert_eq!(extracted.text, "", "{html:?}");
    }
}

#[test]
fn hostile_markup_gets_an_answer_in_linear_time() {
    let nested = "<div>".repeat(1 << 18) + "deep" + &"</div>".repeat(1 << 18);
    assert_eq!(extract(&nested).text, "deep");

    let unclosed = "<p><b><i><span>".repeat(20_000) + "text";
    assert_eq!(extract(&unclosed).text, "text");

    let endless_script = format!("<p>Before</p><script>{}", "x = 1; ".repeat(150_000));
    assert_eq!(extract(&endless_script).text, "Before");

    let huge_attribute = format!("<p title=\"{}\">After</p>", "a".repeat(2 << 20));
    assert_eq!(extract(&huge_attribute).text, "After");

    let nuls = "<p>a\0b</p>\0<b>\0</b>";
    let extracted = extract(nuls);
    assert!(extracted.text.starts_with('a'));

    let brackets = "[".repeat(1 << 20);
    assert_eq!(extract(&brackets).text.len(), 1 << 20);
}
