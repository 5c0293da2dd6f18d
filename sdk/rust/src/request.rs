//! A builder for one `Annotate` call.

use copydesk_proto::v1::{AnnotateRequest, AnnotateResponse, Document, Features, OffsetEncoding};

use crate::{Client, Error};

/// Built by [`Client::request`]. No feature method called: every feature.
#[derive(Debug)]
pub struct RequestBuilder<'a> {
    client: &'a Client,
    document: Document,
    features: Option<Features>,
    encoding: OffsetEncoding,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a Client, text: String) -> Self {
        RequestBuilder {
            client,
            document: Document {
                text,
                ..Default::default()
            },
            features: None,
            encoding: OffsetEncoding::Utf8,
        }
    }

    /// The document's id, echoed as `document_id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.document.id = id.into();
        self
    }

    /// The BCP-47 language code, if known (otherwise it is identified).
    pub fn language(mut self, code: impl Into<String>) -> Self {
        self.document.language_code = code.into();
        self
    }

    /// Exactly these features.
    pub fn features(mut self, features: Features) -> Self {
        self.features = Some(features);
        self
    }

    fn feature(mut self, set: impl FnOnce(&mut Features)) -> Self {
        set(self.features.get_or_insert_with(Features::default));
        self
    }

    pub fn segmentation(self) -> Self {
        self.feature(|f| f.segmentation = true)
    }
    pub fn entities(self) -> Self {
        self.feature(|f| f.entities = true)
    }
    pub fn document_sentiment(self) -> Self {
        self.feature(|f| f.document_sentiment = true)
    }
    pub fn sentence_sentiment(self) -> Self {
        self.feature(|f| f.sentence_sentiment = true)
    }
    pub fn entity_sentiment(self) -> Self {
        self.feature(|f| f.entity_sentiment = true)
    }

    /// The unit of every offset in the response: `Utf8` bytes (default),
    /// `Utf16` units (JavaScript, Java) or `Utf32` code points (Python).
    pub fn encoding(mut self, encoding: OffsetEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The request as it will be sent.
    pub fn build(self) -> AnnotateRequest {
        AnnotateRequest {
            document: Some(self.document),
            features: self.features,
            encoding: self.encoding as i32,
        }
    }

    pub async fn send(self) -> Result<AnnotateResponse, Error> {
        let client = self.client;
        client.annotate_request(self.build()).await
    }
}
