//! The NER model, loaded once in the background at start: the server
//! answers health, reflection, Info and `ListEntityTypes` at once, and
//! entity requests once the model is in.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use copydesk_entities::Recognizer;
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

    /// Loads the model from `dir` on a blocking thread, then marks
    /// `readiness` ready with the model's description. A failed load is
    /// logged and kept, so that requests say why; health stays NOT_SERVING.
    pub fn load_in_background(
        &self,
        dir: PathBuf,
        readiness: Readiness,
    ) -> tokio::task::JoinHandle<()> {
        let state = Arc::clone(&self.state);
        tokio::task::spawn_blocking(move || {
            tracing::info!(dir = %dir.display(), "loading the NER model");
            match NerModel::load(&dir) {
                Ok(model) => {
                    let info = convert::model_info(model.description());
                    tracing::info!(model = %info.name, version = %info.version, "NER model loaded");
                    let _ = state.set(Ok(Recognizer::new(Arc::new(model))));
                    readiness.set_ready(vec![info]);
                }
                Err(error) => {
                    tracing::error!(dir = %dir.display(), %error, "the NER model failed to load");
                    let _ = state.set(Err(error.to_string()));
                }
            }
        })
    }
}
