"""Python client for Copydesk's gateway.

>>> from copydesk import Client
>>> client = Client("127.0.0.1:50051")                # doctest: +SKIP
>>> client.annotate("Angela Merkel visited Paris.")   # doctest: +SKIP

:class:`Client` (blocking) and :class:`AsyncClient` (asyncio) have the same
methods: ``annotate``, ``annotate_many`` (one call per document, N in
flight), ``annotate_batches`` (BatchAnnotate) and ``annotate_stream``
(AnnotateStream with a bounded window). :mod:`copydesk.archive` imports a
directory of files resumably, in any encoding.
"""

from importlib.metadata import PackageNotFoundError, version

from copydesk.aio import AsyncClient
from copydesk.client import DEFAULT_TIMEOUT, ENCODINGS, FEATURES, Client, DocumentLike
from copydesk.errors import (
    NO_RETRIES,
    CopydeskError,
    DeadlineExceeded,
    DocumentError,
    InvalidArgument,
    Overloaded,
    RetryPolicy,
    Unauthenticated,
    Unavailable,
)
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

__all__ = [
    "Annotation", "AsyncClient", "BatchResult", "Client", "CopydeskError", "DEFAULT_TIMEOUT", "DeadlineExceeded",
    "DocumentError", "DocumentLike", "ENCODINGS", "Entity", "EntityLink", "FEATURES", "FeatureError",
    "InvalidArgument", "Language", "Mention", "ModelInfo", "NO_RETRIES", "Overloaded", "Paragraph", "RetryPolicy",
    "Sentence", "Sentiment", "StageTiming", "Token", "Topic", "Unauthenticated", "Unavailable",
]

try:
    # The workspace's version (Cargo.toml), written into the wheel's metadata.
    __version__ = version("copydesk")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0+unknown"
