//! A builder for one `Annotate` call.

use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, ContentType, Document, Features, OffsetEncoding,
};

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

    /// What the text is: `PlainText` (the default) or `Html`, a story body
    /// as a CMS stores it. HTML is analysed as the text a reader sees, but
    /// every span of the response counts in the markup as sent, so
    /// `html[begin..end]` is the markup that produced it (with UTF-8
    /// offsets); `plain_text` in the response holds the extracted text,
    /// which the `text` fields of tokens, sentences and mentions quote.
    ///
    /// ```no_run
    /// # async fn demo(client: copydesk_client::Client) -> Result<(), copydesk_client::Error> {
    /// use copydesk_client::proto::ContentType;
    ///
    /// let html = "<p><b>Tsai</b> Ing-wen spoke in Taipei.</p>";
    /// let response = client
    ///     .request(html)
    ///     .content_type(ContentType::Html)
    ///     .entities()
    ///     .send()
    ///     .await?;
    /// for mention in response.entities.iter().flat_map(|e| &e.mentions) {
    ///     if let Some(span) = mention.span {
    ///         // "Tsai</b> Ing-wen" in the markup, "Tsai Ing-wen" read.
    ///         println!("{:?} {}", &html[span.begin as usize..span.end as usize], mention.text);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn content_type(mut self, content_type: ContentType) -> Self {
        self.document.content_type = content_type as i32;
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
    /// Entities with their knowledge-base links (the entities come with
    /// them): each
    /// `EntityLink` names its base (`source`: "default" or a newsroom
    /// base), the `id` there, the canonical `name`, a `url`, a `score` in
    /// [0, 1], the `kind` ("country", "city", "nationality"...) and
    /// `metadata` (coordinates, country code, population where known);
    /// `topics` in the response groups the links by what they point at.
    ///
    /// ```no_run
    /// # async fn demo(client: copydesk_client::Client) -> Result<(), copydesk_client::Error> {
    /// let response = client.request("Ukrainian officials met in Kyiv.").links().send().await?;
    /// for entity in &response.entities {
    ///     if let Some(link) = entity.links.first() {
    ///         println!("{} -> {} ({}, {})", entity.name, link.name, link.kind, link.url);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn links(self) -> Self {
        self.feature(|f| f.links = true)
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
