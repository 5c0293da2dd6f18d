//! Which analyses a request asks for.

use copydesk_proto::v1::Features;

use crate::error::Error;

/// One analysis of `Features`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Segmentation,
    Entities,
    DocumentSentiment,
    SentenceSentiment,
    EntitySentiment,
    Links,
}

impl Feature {
    pub const ALL: [Feature; 6] = [
        Feature::Segmentation,
        Feature::Entities,
        Feature::DocumentSentiment,
        Feature::SentenceSentiment,
        Feature::EntitySentiment,
        Feature::Links,
    ];

    /// The `Features` field name, as `FeatureError.feature` reports it.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Segmentation => "segmentation",
            Feature::Entities => "entities",
            Feature::DocumentSentiment => "document_sentiment",
            Feature::SentenceSentiment => "sentence_sentiment",
            Feature::EntitySentiment => "entity_sentiment",
            Feature::Links => "links",
        }
    }

    fn requested(self, features: &Features) -> bool {
        match self {
            Feature::Segmentation => features.segmentation,
            Feature::Entities => features.entities,
            Feature::DocumentSentiment => features.document_sentiment,
            Feature::SentenceSentiment => features.sentence_sentiment,
            Feature::EntitySentiment => features.entity_sentiment,
            Feature::Links => features.links,
        }
    }
}

/// The features a request asks for: all when `features` is not set; an
/// error when it is set with none of them.
pub fn requested(features: Option<&Features>) -> Result<Vec<Feature>, Error> {
    let Some(features) = features else {
        return Ok(Feature::ALL.to_vec());
    };
    let wanted: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| f.requested(features))
        .collect();
    if wanted.is_empty() {
        return Err(Error::NoFeatures);
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn unset_means_all_and_all_false_is_an_error() {
        assert_eq!(requested(None).unwrap(), Feature::ALL.to_vec());
        assert!(matches!(
            requested(Some(&Features::default())),
            Err(Error::NoFeatures)
        ));
        let one = Features {
            entity_sentiment: true,
            ..Default::default()
        };
        assert_eq!(
            requested(Some(&one)).unwrap(),
            vec![Feature::EntitySentiment]
        );
    }
}
