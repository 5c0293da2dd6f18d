//! Extracts the text of an HTML file and prints it, or with `--times N`
//! extracts it N times and prints nothing (for profilers).
//!
//! `cargo run --release -p copydesk-html --example extract_file -- page.html`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: extract_file FILE [--times N]")?;
    let times: usize = match (args.next().as_deref(), args.next()) {
        (Some("--times"), Some(n)) => n.parse()?,
        _ => 0,
    };
    let html = std::fs::read_to_string(&path)?;
    if times == 0 {
        print!("{}", copydesk_html::extract(&html).text);
        return Ok(());
    }
    let mut total = 0;
    for _ in 0..times {
        total += copydesk_html::extract(&html).text.len();
    }
    eprintln!("{total} bytes of text");
    Ok(())
}
