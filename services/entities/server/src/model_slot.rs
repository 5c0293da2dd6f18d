//! The NER and fine-type models, loaded once in the background at start: the server
//! answers health, reflection, Info and `ListEntityTypes` at once, and
//! entity requests once the model is in.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use copydesk_entities::Recognizer;
use copydesk_entities::fine_types::FineTypeModel;
use copydesk_ner::NerModel;
use copydesk_runtime::Readiness;

use crate::convert;
use crate::error::Error;

/// Where the recognizer will be; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ModelSlot {
    state: Arc<OnceLock<Result<Recognizer, String>>>,
}

impl ModelSlot {
    /// An empty slot, for [`ModelSlot::load_in_background`].
    pub fn new() -> Self {
        ModelSlot::default()
    }

    /// The recognizer, or why there is none yet.
    pub fn recognizer(&self) -> Result<&Recognizer, Error> {
        match self.state.get() {
            None => Err(Error::ModelLoading),
            Some(Ok(recognizer)) => Ok(recognizer),
            Some(Err(message)) => Err(Error::ModelUnavailable(message.clone())),
        }
    }

    /// Loads the NER model from `ner_dir` and the fine-type model from
    /// `fine_types_dir` on a blocking thread, then marks `readiness` ready
    /// with both models' descriptions. A failed load is logged and kept, so
    /// that requests say why; health stays NOT_SERVING.
    pub fn load_in_background(
        &self,
        ner_dir: PathBuf,
        fine_types_dir: PathBuf,
        readiness: Readiness,
    ) -> tokio::task::JoinHandle<()> {
        let state = Arc::clone(&self.state);
        tokio::task::spawn_blocking(move || {
            tracing::info!(dir = %ner_dir.display(), "loading the NER model");
            let loaded = NerModel::load(&ner_dir)
                .map_err(|error| error.to_string())
                .and_then(|model| {
                    tracing::info!(dir = %fine_types_dir.display(), "loading the fine-type model");
                    let fine_types =
                        FineTypeModel::load(&fine_types_dir).map_err(|error| error.to_string())?;
                    Ok((model, fine_types))
                });
            match loaded {
                Ok((model, fine_types)) => {
                    let info = convert::model_info(model.description());
                    let fine_info = convert::model_info(fine_types.description());
                    tracing::info!(
                        model = %info.name,
                        version = %info.version,
                        fine_types = %fine_info.version,
                        "NER and fine-type models loaded"
                    );
                    let recognizer =
                        Recognizer::new(Arc::new(model)).with_fine_types(Arc::new(fine_types));
                    let _ = state.set(Ok(recognizer));
                    readiness.set_ready(vec![info, fine_info]);
                }
                Err(error) => {
                    tracing::error!(%error, "the entity models failed to load");
                    let _ = state.set(Err(error));
                }
            }
        })
    }
}
