//! `copydesk models`: which model files the servers would load from a
//! models directory, and whether they load: the NER and fine-type weights
//! are checked against their SHA256SUMS, the sentiment files are parsed, the default
//! knowledge base is read whole and checked against its SHA256SUMS. For operators
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

    // The NER model and the fine-type classifier: weights checked against
    // their SHA256SUMS as the entities server loads them.
    let started = Instant::now();
    let ner = copydesk_ner::NerModel::load(&dir.join(copydesk_ner::MODEL_DIR_NAME))
        .map(|model| model.description().clone())
        .map_err(|error| error.to_string());
    failed |= !report_weights(ner, started);
    let started = Instant::now();
    let fine_types = copydesk_entities::fine_types::FineTypeModel::load(
        &dir.join(copydesk_entities::fine_types::MODEL_DIR_NAME),
    )
    .map(|model| model.description().clone())
    .map_err(|error| error.to_string());
    failed |= !report_weights(fine_types, started);

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

    let started = Instant::now();
    let knowledge_dir = dir.join(copydesk_knowledge_server::config::DEFAULT_BASE_DIR);
    match copydesk_knowledge::load_default(
        &knowledge_dir,
        copydesk_knowledge::load::DEFAULT_MAX_FILE_BYTES,
    ) {
        Ok(base) => {
            let files = if knowledge_dir.join("SHA256SUMS").exists() {
                "SHA256SUMS verified"
            } else {
                "no SHA256SUMS"
            };
            println!(
                "ok    knowledge  base {} {} ({} entries in {} files; sha256 {}; {files}; loaded in {:.2} s)",
                base.name,
                base.version,
                base.entries.len(),
                base.paths.len(),
                base.sha256,
                started.elapsed().as_secs_f64()
            );
        }
        Err(error) => {
            failed = true;
            println!("FAIL  knowledge  {error}");
        }
    }

    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the line of a weights file loaded (or not) since `started`;
/// whether it loaded.
fn report_weights(
    loaded: Result<copydesk_ner::ModelDescription, String>,
    started: Instant,
) -> bool {
    match loaded {
        Ok(description) => {
            println!(
                "ok    entities   {} {} (weights sha256 {}; SHA256SUMS verified; loaded in {:.2} s)",
                description.name,
                description.version,
                description.sha256,
                started.elapsed().as_secs_f64()
            );
            true
        }
        Err(error) => {
            println!("FAIL  entities   {error}");
            false
        }
    }
}
