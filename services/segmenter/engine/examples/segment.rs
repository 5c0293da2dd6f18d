//! Prints the sentences (and, with `--tokens`, the tokens) of the text on
//! standard input: `cargo run -p copydesk-segmenter --example segment < story.txt`.

use std::io::Read;

use copydesk_segmenter::Segmenter;

fn main() -> std::io::Result<()> {
    let show_tokens = std::env::args().any(|a| a == "--tokens");
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let seg = Segmenter::new().segment(&text, None);
    println!("language: {:?}", seg.language);
    for (p, para) in seg.paragraphs.iter().enumerate() {
        println!("¶{p}");
        for s in &seg.sentences[para.sentence_start..para.sentence_end] {
            println!("  [{:?}] {}", s.kind, &text[s.span.start..s.span.end]);
            if show_tokens {
                let tokens: Vec<String> = seg.tokens[s.token_start..s.token_end]
                    .iter()
                    .map(|t| format!("{}/{:?}", t.norm, t.kind))
                    .collect();
                println!("      {}", tokens.join(" "));
            }
        }
    }
    Ok(())
}
