//! `copydesk models`: which model files the servers would load from a
//! models directory, and whether they load: the NER weights are checked
//! against their SHA256SUMS, the sentiment files are parsed. For operators
//! checking an image or a volume before rolling it out.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    /// Directory holding the models. Unset: `./models` when it exists, else
    /// the checkout's `models/` this binary was built from (as `up` does).
    #[arg(long, env = "COPYDESK_MODELS_DIR")]
    models_dir: Option<PathBuf>,
}

pub fn run(args: ModelsArgs) -> ExitCode {
    let dir = crate::serve::models_dir(args.models_dir);
    println!("models directory: {}", dir.display());
    let mut failed = false;

    let started = Instant::now();
    match copydesk_ner::NerModel::load(&dir.join(copydesk_ner::MODEL_DIR_NAME)) {
        Ok(model) => {
            let description = model.description();
            println!(
                "ok    entities   {} {} (weights sha256 {}; SHA256SUMS verified; loaded in {:.2} s)",
                description.name,
                description.version,
                description.sha256,
                started.elapsed().as_secs_f64()
            );
        }
        Err(error) => {
            failed = true;
            println!("FAIL  entities   {error}");
        }
    }

    match copydesk_sentiment::Analyzer::from_models_dir(&dir) {
        Ok(analyzer) => {
            // The loader hashed each file as it read it.
            for (file, sha256) in [
                (
                    copydesk_sentiment::lexicon::LEXICON_FILE,
                    analyzer.vader().lexicon().sha256(),
                ),
                (
                    copydesk_sentiment::news_calibration::CALIBRATION_FILE,
                    analyzer.calibration().sha256(),
                ),
            ] {
                println!("ok    sentiment  {file} (sha256 {sha256})");
            }
        }
        Err(error) => {
            failed = true;
            println!("FAIL  sentiment  {error}");
        }
    }

    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
