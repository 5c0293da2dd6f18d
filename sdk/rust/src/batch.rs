//! Many documents through one client: N requests in flight, results in
//! input order, an error per document, and skipping what is already done.

use std::collections::HashSet;
use std::sync::Arc;

use copydesk_proto::v1::annotate_result::Outcome;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, BatchAnnotateRequest, Document, Features, OffsetEncoding,
};
use futures::{Stream, StreamExt};
use tonic::{Code, Status};

use crate::{Client, Error};

/// The result for one document.
#[derive(Debug)]
pub struct BatchItem {
    /// Position of the document in the input, from 0 (skipped documents
    /// count, so indexes stay stable across resumed runs).
    pub index: u64,
    /// `Document.id`.
    pub id: String,
    /// The annotation, or why this document failed.
    pub result: Result<AnnotateResponse, Error>,
}

/// Built by [`Client::batch`].
///
/// Each document says what it holds: HTML bodies as a CMS stores them are
/// sent with `document.set_content_type(ContentType::Html)`, and their
/// results count spans in the markup (see
/// [`RequestBuilder::content_type`](crate::RequestBuilder::content_type)).
///
/// ```no_run
/// # async fn demo(client: copydesk_client::Client) -> Result<(), copydesk_client::Error> {
/// use copydesk_client::proto::Document;
/// use copydesk_client::resume;
/// use futures::StreamExt;
///
/// let done = resume::done_ids("done.jsonl")?; // empty if the file is missing
/// let mut journal = resume::Journal::append("done.jsonl")?;
/// let documents = ["a.txt", "b.txt"].into_iter().map(|path| Document {
///     id: path.to_owned(),
///     text: std::fs::read_to_string(path).unwrap_or_default(),
///     ..Default::default()
/// });
/// let mut results = client.batch().concurrency(8).skip(done).run_iter(documents);
/// while let Some(item) = results.next().await {
///     match item.result {
///         Ok(response) => {
///             println!("{}: {} entities", item.id, response.entities.len());
///             journal.record(&item.id)?;
///         }
///         Err(error) => eprintln!("{}: {error}", item.id),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Batch {
    client: Client,
    concurrency: usize,
    chunk: usize,
    features: Option<Features>,
    encoding: OffsetEncoding,
    skip: HashSet<String>,
}

impl Batch {
    pub(crate) fn new(client: Client) -> Self {
        Batch {
            client,
            concurrency: 4,
            chunk: 1,
            features: None,
            encoding: OffsetEncoding::Utf8,
            skip: HashSet::new(),
        }
    }

    /// Calls in flight at once (default 4; at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Documents per call: 1 (the default) sends one `Annotate` per
    /// document; more sends `BatchAnnotate` calls of that many documents,
    /// fewer round trips for many small texts. Keep it at or under the
    /// gateway's `--max-batch-documents`.
    pub fn documents_per_call(mut self, n: usize) -> Self {
        self.chunk = n.max(1);
        self
    }

    /// Features for every document; not called: every feature.
    pub fn features(mut self, features: Features) -> Self {
        self.features = Some(features);
        self
    }

    pub fn encoding(mut self, encoding: OffsetEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Ids already done (e.g. from [`crate::resume::done_ids`]): those
    /// documents are not sent and yield nothing.
    pub fn skip(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.skip.extend(ids);
        self
    }

    /// Annotates the documents of an iterator.
    pub fn run_iter<I>(self, documents: I) -> impl Stream<Item = BatchItem> + Send + 'static
    where
        I: IntoIterator<Item = Document>,
        I::IntoIter: Send + 'static,
    {
        self.run(futures::stream::iter(documents))
    }

    /// Annotates the documents of a stream; results come in input order.
    pub fn run<S>(self, documents: S) -> impl Stream<Item = BatchItem> + Send + 'static
    where
        S: Stream<Item = Document> + Send + 'static,
    {
        let Batch {
            client,
            concurrency,
            chunk,
            features,
            encoding,
            skip,
        } = self;
        let skip = Arc::new(skip);
        let pending = documents
            .enumerate()
            .filter(move |(_, document)| futures::future::ready(!skip.contains(&document.id)));
        pending
            .chunks(chunk)
            .map(move |documents| {
                let client = client.clone();
                async move {
                    if chunk == 1 {
                        one_by_one(&client, documents, features, encoding).await
                    } else {
                        together(&client, documents, features, encoding).await
                    }
                }
            })
            .buffered(concurrency)
            .flat_map(futures::stream::iter)
    }
}

async fn one_by_one(
    client: &Client,
    documents: Vec<(usize, Document)>,
    features: Option<Features>,
    encoding: OffsetEncoding,
) -> Vec<BatchItem> {
    let mut items = Vec::with_capacity(documents.len());
    for (index, document) in documents {
        let id = document.id.clone();
        let request = AnnotateRequest {
            document: Some(document),
            features,
            encoding: encoding as i32,
        };
        let result = client.annotate_request(request).await;
        items.push(BatchItem {
            index: index as u64,
            id,
            result,
        });
    }
    items
}

async fn together(
    client: &Client,
    documents: Vec<(usize, Document)>,
    features: Option<Features>,
    encoding: OffsetEncoding,
) -> Vec<BatchItem> {
    let (indexes, documents): (Vec<usize>, Vec<Document>) = documents.into_iter().unzip();
    let ids: Vec<String> = documents.iter().map(|d| d.id.clone()).collect();
    let request = BatchAnnotateRequest {
        documents,
        features,
        encoding: encoding as i32,
    };
    let response = client.batch_annotate(request).await;
    let mut results: Vec<_> = match response {
        Ok(response) => response.results.into_iter().map(Some).collect(),
        Err(error) => {
            // The call failed as a whole: every document in it failed alike.
            let status = match error {
                Error::Status(status) => status,
                other => Status::unavailable(other.to_string()),
            };
            return indexes
                .into_iter()
                .zip(ids)
                .map(|(index, id)| BatchItem {
                    index: index as u64,
                    id,
                    result: Err(Error::Status(status.clone())),
                })
                .collect();
        }
    };
    results.resize_with(indexes.len(), || None);
    indexes
        .into_iter()
        .zip(ids)
        .zip(results)
        .map(|((index, id), result)| {
            let result = match result.and_then(|r| r.outcome) {
                Some(Outcome::Response(response)) => Ok(response),
                Some(Outcome::Error(error)) => Err(Error::Status(Status::new(
                    Code::from_i32(error.code),
                    error.message,
                ))),
                None => Err(Error::Status(Status::internal(
                    "the gateway sent no result for this document",
                ))),
            };
            BatchItem {
                index: index as u64,
                id,
                result,
            }
        })
        .collect()
}
