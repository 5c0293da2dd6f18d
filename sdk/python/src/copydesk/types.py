"""Typed results: plain dataclasses built from the protobuf messages, so
callers never handle generated code. Every field of the contract
(proto/copydesk/v1) is here. Offsets are in the unit the request asked
for (code points by default: they index Python strings). Enums are their
names as strings ("PERSON", "POSITIVE"); an unset one is its
``*_UNSPECIFIED`` name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from copydesk.errors import CopydeskError


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
    kind: str  # WORD, NUMBER, PUNCTUATION, SYMBOL, URL, EMAIL, HASHTAG, MENTION, EMOJI
    space_after: bool


@dataclass(frozen=True)
class Sentence:
    begin: int
    end: int
    text: str
    paragraph: int
    kind: str  # SENTENCE, LINE or LIST_ITEM
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
    sentiment: Optional[Sentiment] = None  # the tone towards this mention


@dataclass(frozen=True)
class EntityLink:
    """An entity resolved to an entry of a knowledge base."""

    source: str  # the knowledge base
    id: str  # the entry's id in it
    name: str
    url: str
    score: float
    kind: str
    metadata: Dict[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str  # PERSON, ORGANIZATION, LOCATION, MISC, DATE, ... ORDINAL
    salience: float
    mentions: List[Mention]
    sentiment: Optional[Sentiment] = None
    metadata: Dict[str, str] = field(default_factory=dict)
    links: List[EntityLink] = field(default_factory=list)  # best first
    fine_type: str = "FINE_TYPE_UNSPECIFIED"  # NORP, GPE, LOC, FAC, EVENT, LAW, PRODUCT, WORK_OF_ART, LANGUAGE, ORG
    origin: str = "ENTITY_ORIGIN_UNSPECIFIED"  # ORIGIN_MODEL, ORIGIN_RULES, ORIGIN_KNOWLEDGE_BASE


@dataclass(frozen=True)
class Topic:
    """What the document is about, from its linked entities."""

    source: str
    id: str
    name: str
    kind: str
    salience: float
    entity_ids: List[str] = field(default_factory=list)
    url: str = ""


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
class ModelInfo:
    name: str
    version: str
    sha256: str
    service: str


@dataclass(frozen=True)
class StageTiming:
    stage: str
    micros: int


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
    encoding: str  # UTF8, UTF16 or UTF32: the unit of every offset
    topics: List[Topic] = field(default_factory=list)
    models: List[ModelInfo] = field(default_factory=list)
    timings: List[StageTiming] = field(default_factory=list)
    # When the document was HTML: the text a reader sees (spans still
    # count in the HTML). Empty for plain text.
    plain_text: str = ""


@dataclass(frozen=True)
class BatchResult:
    """One document of a batch, stream or ``annotate_many``: ``annotation``
    or ``error`` is set. ``index`` is the document's position in the input."""

    index: int
    id: str
    annotation: Optional[Annotation] = None
    error: Optional[CopydeskError] = None

    @property
    def ok(self) -> bool:
        return self.error is None
