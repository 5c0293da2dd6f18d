//! `copydesk models`: which model files the servers would load from a
//! models directory, and whether they load: the NER weights are checked
//! against their SHA256SUMS, the sentiment files are parsed. For operators
//! checking an image or a volume before rolling it out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use sha2::{Digest, Sha256};

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
        Ok(_) => {
            for file in [
                copydesk_sentiment::lexicon::LEXICON_FILE,
                copydesk_sentiment::news_calibration::CALIBRATION_FILE,
            ] {
                match sha256_of(&dir.join(file)) {
                    Ok(digest) => println!("ok    sentiment  {file} (sha256 {digest})"),
                    Err(error) => {
                        failed = true;
                        println!("FAIL  sentiment  {file}: {error}");
                    }
                }
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

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let digest = Sha256::digest(std::fs::read(path)?);
    Ok(digest.iter().map(|byte| format!("{byte:02x}")).collect())
}
