"""Python client for Copydesk's gateway.

>>> from copydesk import Client
>>> client = Client("127.0.0.1:50051")                # doctest: +SKIP
>>> client.annotate("Angela Merkel visited Paris.")   # doctest: +SKIP
"""

from copydesk.client import ENCODINGS, FEATURES, Client
from copydesk.types import (
    Annotation,
    BatchResult,
    DocumentError,
    Entity,
    FeatureError,
    Language,
    Mention,
    Paragraph,
    Sentence,
    Sentiment,
    Token,
)

__all__ = [
    "Annotation", "BatchResult", "Client", "DocumentError", "ENCODINGS", "Entity", "FEATURES",
    "FeatureError", "Language", "Mention", "Paragraph", "Sentence", "Sentiment", "Token",
]
__version__ = "0.1.0"
