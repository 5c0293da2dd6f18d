//! What the evaluation examples share: the default base and the NER model
//! loaded from the checkout, and the entity engine's output as the
//! knowledge engine's input, as the knowledge server receives it.

use std::path::Path;
use std::sync::Arc;

use copydesk_entities::{Entity, EntityType, Recognizer};
use copydesk_knowledge::{
    ByteSpan, CoarseType, InputEntity, InputMention, Knowledge, KnowledgeBase, Snapshot, load,
};
use copydesk_ner::NerModel;
use copydesk_segmenter::Segmentation;

pub type Failure = Box<dyn std::error::Error>;

/// The default base under `root`/models, installed alone.
pub fn default_snapshot(root: &Path) -> Result<Arc<Snapshot>, Failure> {
    let base = load::load_default(
        &root.join("models/knowledge/default"),
        load::DEFAULT_MAX_FILE_BYTES,
    )?;
    let knowledge = Knowledge::new();
    knowledge.install(Arc::new(KnowledgeBase::new(base)), None, &[]);
    Ok(knowledge.snapshot())
}

/// The entity engine with the NER model under `root`/models.
pub fn recognizer(root: &Path) -> Result<Recognizer, Failure> {
    let model = NerModel::load(&root.join("models").join(copydesk_ner::MODEL_DIR_NAME))?;
    Ok(Recognizer::new(Arc::new(model)))
}

/// The knowledge type of a name entity; none for values (dates, sums).
pub fn coarse(t: EntityType) -> Option<CoarseType> {
    match t {
        EntityType::Person => Some(CoarseType::Person),
        EntityType::Organization => Some(CoarseType::Organization),
        EntityType::Location => Some(CoarseType::Location),
        EntityType::Misc => Some(CoarseType::Misc),
        _ => None,
    }
}

/// The engine's entities as the knowledge engine takes them.
pub fn inputs(entities: &[Entity]) -> Vec<InputEntity> {
    entities
        .iter()
        .map(|e| InputEntity {
            name: e.name.clone(),
            coarse: coarse(e.entity_type),
            mentions: e
                .mentions
                .iter()
                .map(|m| InputMention {
                    span: ByteSpan::new(m.span.start, m.span.end),
                    text: m.text.clone(),
                })
                .collect(),
            salience: e.salience,
        })
        .collect()
}

/// The segmentation's tokens, as the knowledge server receives them.
pub fn tokens(segmentation: &Segmentation<'_>) -> Vec<ByteSpan> {
    segmentation
        .tokens
        .iter()
        .map(|t| ByteSpan::new(t.span.start, t.span.end))
        .collect()
}
