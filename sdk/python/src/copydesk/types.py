"""Typed results: plain dataclasses built from the protobuf messages, so
callers never handle generated code. Offsets are in the unit the request
asked for (code points by default: they index Python strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 (negative) .. 1 (positive)
    magnitude: float  # >= 0: how much emotion, either way
    label: str  # NEGATIVE, NEUTRAL, POSITIVE or MIXED


@dataclass(frozen=True)
class Token:
    begin: int
    end: int
    text: str
    norm: str
    kind: str
    space_after: bool


@dataclass(frozen=True)
class Sentence:
    begin: int
    end: int
    text: str
    paragraph: int
    kind: str
    token_begin: int
    token_end: int
    sentiment: Optional[Sentiment] = None


@dataclass(frozen=True)
class Paragraph:
    begin: int
    end: int
    sentence_begin: int
    sentence_end: int


@dataclass(frozen=True)
class Mention:
    begin: int
    end: int
    text: str
    kind: str  # PROPER, PARTIAL, ACRONYM or VALUE
    sentence: int


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str  # PERSON, ORGANIZATION, LOCATION, MISC, DATE, ... ORDINAL
    salience: float
    mentions: List[Mention]
    sentiment: Optional[Sentiment] = None
    metadata: Dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Language:
    code: str
    supported: bool
    confidence: float
    detected: bool


@dataclass(frozen=True)
class FeatureError:
    """A requested analysis that could not be served; the rest stands."""

    feature: str
    code: int  # a gRPC status code
    message: str


@dataclass(frozen=True)
class Annotation:
    document_id: str
    paragraphs: List[Paragraph]
    sentences: List[Sentence]
    tokens: List[Token]
    entities: List[Entity]  # most salient first
    document_sentiment: Optional[Sentiment]
    language: Optional[Language]
    errors: List[FeatureError]
    encoding: str


@dataclass(frozen=True)
class DocumentError(Exception):
    """Why one document failed as a whole."""

    code: str  # gRPC status code name, e.g. "INVALID_ARGUMENT"
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class BatchResult:
    """One document of :meth:`Client.annotate_many`: ``annotation`` or
    ``error`` is set."""

    index: int
    id: str
    annotation: Optional[Annotation] = None
    error: Optional[DocumentError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _enum_name(enum, value: int) -> str:
    try:
        return enum.Name(value)
    except ValueError:
        return str(value)


def _sentiment(pb, message) -> Optional[Sentiment]:
    if not message.HasField("sentiment"):
        return None
    s = message.sentiment
    return Sentiment(s.score, s.magnitude, _enum_name(pb.SentimentLabel, s.label))


def from_proto(pb, response) -> Annotation:
    """An ``AnnotateResponse`` as an :class:`Annotation`."""
    seg = response.segmentation
    tones = {s.sentence: _sentiment(pb, s) for s in response.sentences}
    sentences = [
        Sentence(
            s.span.begin, s.span.end, s.text, s.paragraph, _enum_name(pb.SentenceKind, s.kind),
            s.token_begin, s.token_end, tones.get(i),
        )
        for i, s in enumerate(seg.sentences)
    ]
    entities = [
        Entity(
            e.id, e.name, _enum_name(pb.EntityType, e.type), e.salience,
            [Mention(m.span.begin, m.span.end, m.text, _enum_name(pb.MentionKind, m.kind), m.sentence) for m in e.mentions],
            _sentiment(pb, e), dict(e.metadata),
        )
        for e in response.entities
    ]
    language = None
    if response.meta.HasField("language"):
        lang = response.meta.language
        language = Language(lang.code, lang.supported, lang.confidence, lang.detected)
    document_sentiment = None
    if response.HasField("document_sentiment"):
        d = response.document_sentiment
        document_sentiment = Sentiment(d.score, d.magnitude, _enum_name(pb.SentimentLabel, d.label))
    return Annotation(
        document_id=response.document_id,
        paragraphs=[Paragraph(p.span.begin, p.span.end, p.sentence_begin, p.sentence_end) for p in seg.paragraphs],
        sentences=sentences,
        tokens=[Token(t.span.begin, t.span.end, t.text, t.norm, _enum_name(pb.TokenKind, t.kind), t.space_after) for t in seg.tokens],
        entities=entities,
        document_sentiment=document_sentiment,
        language=language,
        errors=[FeatureError(e.feature, e.code, e.message) for e in response.errors],
        encoding=_enum_name(pb.OffsetEncoding, response.meta.encoding),
    )
