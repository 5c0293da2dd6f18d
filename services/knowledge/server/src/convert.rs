//! Between protobuf and the engine's types.

use copydesk_knowledge::{CoarseType, FineType, Link, Topic};
use copydesk_proto::v1;

/// The coarse type of a proto entity type; `None` for types that never
/// link (numbers, dates).
pub fn coarse(entity_type: i32) -> Option<CoarseType> {
    match v1::EntityType::try_from(entity_type).ok()? {
        v1::EntityType::Person => Some(CoarseType::Person),
        v1::EntityType::Organization => Some(CoarseType::Organization),
        v1::EntityType::Location => Some(CoarseType::Location),
        v1::EntityType::Misc => Some(CoarseType::Misc),
        _ => None,
    }
}

pub fn entity_type(coarse: CoarseType) -> v1::EntityType {
    match coarse {
        CoarseType::Person => v1::EntityType::Person,
        CoarseType::Organization => v1::EntityType::Organization,
        CoarseType::Location => v1::EntityType::Location,
        CoarseType::Misc => v1::EntityType::Misc,
    }
}

pub fn fine_type(fine: FineType) -> v1::FineType {
    match fine {
        FineType::Gpe => v1::FineType::Gpe,
        FineType::Norp => v1::FineType::Norp,
        FineType::Org => v1::FineType::Org,
    }
}

/// An entry as a link with `score`; `nationality` for a demonym.
pub fn entity_link(
    base: &copydesk_knowledge::KnowledgeBase,
    entry: u32,
    score: f32,
    nationality: bool,
) -> v1::EntityLink {
    let Some(e) = base.entry(entry) else {
        return v1::EntityLink::default();
    };
    v1::EntityLink {
        source: base.name().to_owned(),
        id: e.id.clone(),
        name: e.name.clone(),
        url: e.url.clone(),
        score,
        kind: if nationality {
            "nationality".to_owned()
        } else {
            e.kind.as_str().to_owned()
        },
        metadata: e.link_metadata().into_iter().collect(),
        description: e.description.clone(),
    }
}

pub fn link(link: &Link) -> v1::EntityLink {
    entity_link(&link.base, link.entry, link.score, link.nationality)
}

pub fn topic(topic: &Topic, entity_ids: Vec<String>) -> v1::Topic {
    let entry = topic.entry();
    v1::Topic {
        source: topic.base.name().to_owned(),
        id: entry.map(|e| e.id.clone()).unwrap_or_default(),
        name: entry.map(|e| e.name.clone()).unwrap_or_default(),
        kind: entry
            .map(|e| e.kind.as_str().to_owned())
            .unwrap_or_default(),
        salience: topic.salience,
        entity_ids,
        url: entry.map(|e| e.url.clone()).unwrap_or_default(),
    }
}
