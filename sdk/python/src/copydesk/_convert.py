"""What the synchronous and the asyncio clients share: requests built from
Python values, responses turned into the dataclasses of
:mod:`copydesk.types`, and batch results into :class:`BatchResult`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from copydesk.errors import error_for_number
from copydesk.types import (
    Annotation,
    BatchResult,
    Entity,
    EntityLink,
    FeatureError,
    Language,
    Mention,
    ModelInfo,
    Paragraph,
    Sentence,
    Sentiment,
    StageTiming,
    Token,
    Topic,
)
from copydesk.v1 import annotator_pb2, common_pb2

FEATURES = ("segmentation", "entities", "document_sentiment", "sentence_sentiment", "entity_sentiment", "links")
ENCODINGS = {"utf8": common_pb2.UTF8, "utf16": common_pb2.UTF16, "utf32": common_pb2.UTF32}

DocumentLike = Union[str, Tuple[str, str], Mapping[str, str]]


@dataclass(frozen=True)
class Options:
    """What every request of a call carries besides its document."""

    features: Optional[common_pb2.Features]
    encoding: common_pb2.OffsetEncoding
    language: str


def options(features: Optional[Sequence[str]], encoding: str, language: str) -> Options:
    """Checks the caller's choices once per call: ``ValueError`` on a name
    the contract does not have."""
    try:
        unit = ENCODINGS[encoding.lower()]
    except KeyError:
        raise ValueError(f"encoding must be one of {sorted(ENCODINGS)}, not {encoding!r}") from None
    wanted = None
    if features is not None:
        if isinstance(features, str):
            raise ValueError(f"features is a list of names, not the string {features!r}")
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}; known: {FEATURES}")
        wanted = common_pb2.Features(**{name: True for name in features})
    return Options(wanted, unit, language)


def document(index: int, item: DocumentLike, language: str) -> common_pb2.Document:
    """A text (id: its position), an ``(id, text)`` pair or a mapping with
    ``id``, ``text`` and optionally ``language`` as a ``Document``."""
    if isinstance(item, str):
        return common_pb2.Document(id=str(index), text=item, language_code=language)
    if isinstance(item, Mapping):
        return common_pb2.Document(
            id=str(item.get("id", index)), text=item["text"], language_code=item.get("language", language)
        )
    doc_id, text = item
    return common_pb2.Document(id=str(doc_id), text=text, language_code=language)


def request(doc: common_pb2.Document, opts: Options) -> annotator_pb2.AnnotateRequest:
    req = annotator_pb2.AnnotateRequest(document=doc, encoding=opts.encoding)
    if opts.features is not None:
        req.features.CopyFrom(opts.features)
    return req


def batch_request(docs: Sequence[common_pb2.Document], opts: Options) -> annotator_pb2.BatchAnnotateRequest:
    req = annotator_pb2.BatchAnnotateRequest(documents=docs, encoding=opts.encoding)
    if opts.features is not None:
        req.features.CopyFrom(opts.features)
    return req


def _names(enum: EnumTypeWrapper) -> Dict[int, str]:
    return {int(number): str(name) for name, number in enum.items()}


# Each enum's names by number, read once: protobuf's ``Name`` costs about a
# microsecond a call, and a response has several per token.
_ENTITY_ORIGINS = _names(common_pb2.EntityOrigin)
_ENTITY_TYPES = _names(common_pb2.EntityType)
_FINE_TYPES = _names(common_pb2.FineType)
_MENTION_KINDS = _names(common_pb2.MentionKind)
_OFFSET_ENCODINGS = _names(common_pb2.OffsetEncoding)
_SENTENCE_KINDS = _names(common_pb2.SentenceKind)
_SENTIMENT_LABELS = _names(common_pb2.SentimentLabel)
_TOKEN_KINDS = _names(common_pb2.TokenKind)


def _name(names: Dict[int, str], value: int) -> str:
    """The enum value's name; its number for a value newer than this SDK."""
    name = names.get(value)
    return name if name is not None else str(value)


def _sentiment(message: Any) -> Optional[Sentiment]:
    if not message.HasField("sentiment"):
        return None
    return _tone(message.sentiment)


def _tone(s: common_pb2.Sentiment) -> Sentiment:
    return Sentiment(s.score, s.magnitude, _name(_SENTIMENT_LABELS, s.label))


def _link(link: common_pb2.EntityLink) -> EntityLink:
    return EntityLink(
        link.source, link.id, link.name, link.url, link.score, link.kind, dict(link.metadata), link.description
    )


def _entity(e: common_pb2.Entity) -> Entity:
    mentions = [
        Mention(m.span.begin, m.span.end, m.text, _name(_MENTION_KINDS, m.kind), m.sentence, _sentiment(m))
        for m in e.mentions
    ]
    return Entity(
        id=e.id,
        name=e.name,
        type=_name(_ENTITY_TYPES, e.type),
        salience=e.salience,
        mentions=mentions,
        sentiment=_sentiment(e),
        metadata=dict(e.metadata),
        links=[_link(link) for link in e.links],
        fine_type=_name(_FINE_TYPES, e.fine_type),
        origin=_name(_ENTITY_ORIGINS, e.origin),
    )


def _tokens(tokens: Sequence[common_pb2.Token]) -> List[Token]:
    # A frozen dataclass's __init__ sets each field through
    # object.__setattr__ (about 0.55 us a token here); a story has hundreds
    # of tokens, which made them half of the SDK's CPU per document. Filling
    # the new instance's __dict__ leaves exactly what __init__ would (Token
    # has no __post_init__ or slots; test_contract checks they are equal) in
    # half the time.
    new = object.__new__
    out: List[Token] = []
    for t in tokens:
        span = t.span
        token = new(Token)
        token.__dict__.update(
            begin=span.begin,
            end=span.end,
            text=t.text,
            norm=t.norm,
            kind=_name(_TOKEN_KINDS, t.kind),
            space_after=t.space_after,
        )
        out.append(token)
    return out


def annotation(response: annotator_pb2.AnnotateResponse) -> Annotation:
    """An ``AnnotateResponse`` as an :class:`Annotation`."""
    seg = response.segmentation
    tones: Dict[int, Optional[Sentiment]] = {s.sentence: _sentiment(s) for s in response.sentences}
    sentences = [
        Sentence(
            s.span.begin, s.span.end, s.text, s.paragraph, _name(_SENTENCE_KINDS, s.kind),
            s.token_begin, s.token_end, tones.get(i),
        )
        for i, s in enumerate(seg.sentences)
    ]
    meta = response.meta
    language = None
    if meta.HasField("language"):
        lang = meta.language
        language = Language(lang.code, lang.supported, lang.confidence, lang.detected)
    topics: List[Topic] = [
        Topic(t.source, t.id, t.name, t.kind, t.salience, list(t.entity_ids), t.url) for t in response.topics
    ]
    return Annotation(
        document_id=response.document_id,
        paragraphs=[Paragraph(p.span.begin, p.span.end, p.sentence_begin, p.sentence_end) for p in seg.paragraphs],
        sentences=sentences,
        tokens=_tokens(seg.tokens),
        entities=[_entity(e) for e in response.entities],
        document_sentiment=_tone(response.document_sentiment) if response.HasField("document_sentiment") else None,
        language=language,
        errors=[FeatureError(e.feature, e.code, e.message) for e in response.errors],
        encoding=_name(_OFFSET_ENCODINGS, meta.encoding),
        topics=topics,
        models=[ModelInfo(m.name, m.version, m.sha256, m.service) for m in meta.models],
        timings=[StageTiming(t.stage, t.micros) for t in meta.timings],
        plain_text=response.plain_text,
    )


def batch_result(index: int, doc_id: str, result: annotator_pb2.AnnotateResult) -> BatchResult:
    """One ``AnnotateResult`` of a batch or stream; ``index`` is the
    document's position in the caller's input (not in the call)."""
    if result.WhichOneof("outcome") == "response":
        return BatchResult(index, doc_id, annotation=annotation(result.response))
    if result.WhichOneof("outcome") == "error":
        return BatchResult(index, doc_id, error=error_for_number(result.error.code, result.error.message))
    return BatchResult(index, doc_id, error=error_for_number(2, "the gateway sent a result with neither a response nor an error"))


def content_type(name: str) -> common_pb2.ContentType:
    """``"text"`` (plain text) or ``"html"`` (a story body as a CMS stores
    it: analysed as the text a reader sees, every offset counted in the
    HTML as sent; ``Annotation.plain_text`` holds that text)."""
    names: Dict[str, common_pb2.ContentType] = {
        "text": common_pb2.PLAIN_TEXT,
        "html": common_pb2.HTML,
        "text/html": common_pb2.HTML,
    }
    try:
        return names[name.lower()]
    except KeyError:
        raise ValueError(f"content_type must be 'text' or 'html', not {name!r}") from None


def text_request(
    text: str,
    features: Optional[Sequence[str]],
    encoding: str,
    language: str,
    id: str,
    content_type_name: str,
) -> annotator_pb2.AnnotateRequest:
    """The request of ``annotate(text, ...)``, for both clients."""
    document = common_pb2.Document(
        id=id, text=text, language_code=language, content_type=content_type(content_type_name)
    )
    return request(document, options(features, encoding, language))
