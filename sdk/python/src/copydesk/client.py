"""The client: one gRPC channel to a Copydesk gateway."""

from __future__ import annotations

import collections
import json
from typing import Dict, Iterable, Iterator, Optional, Sequence, Tuple, Union

import grpc

from copydesk.types import Annotation, BatchResult, DocumentError, from_proto
from copydesk.v1 import annotator_pb2, annotator_pb2_grpc, common_pb2

FEATURES = ("segmentation", "entities", "document_sentiment", "sentence_sentiment", "entity_sentiment")
ENCODINGS = {"utf8": common_pb2.UTF8, "utf16": common_pb2.UTF16, "utf32": common_pb2.UTF32}

# Responses carry every token: a segmentation is several times the size of
# its text, far over gRPC's default 4 MiB receive limit.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024

DocumentLike = Union[str, Tuple[str, str], Dict[str, str]]


class Client:
    """A connection to a gateway: ``Client("host:port")``.

    ``timeout`` is each call's deadline in seconds (the gateway passes what
    remains downstream); ``retries`` extra attempts are made when the
    gateway is UNAVAILABLE (gRPC's own retry policy, with backoff); ``tls``
    (or ``root_certificates``, PEM bytes) encrypts the connection;
    ``token`` is sent as ``authorization: Bearer <token>``.
    """

    def __init__(
        self,
        address: str = "127.0.0.1:50051",
        *,
        timeout: Optional[float] = 60.0,
        retries: int = 3,
        tls: bool = False,
        root_certificates: Optional[bytes] = None,
        token: Optional[str] = None,
    ):
        # People paste URLs; gRPC wants host:port.
        for scheme in ("http://", "https://"):
            if address.startswith(scheme):
                tls = tls or scheme == "https://"
                address = address[len(scheme):]
        self.address = address
        self.timeout = timeout
        retry = {
            "methodConfig": [{
                "name": [{"service": "copydesk.v1.Annotator"}],
                "retryPolicy": {
                    "maxAttempts": max(2, min(retries + 1, 5)),
                    "initialBackoff": "0.1s",
                    "maxBackoff": "2s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }]
        } if retries > 0 else {"methodConfig": []}
        options = [
            ("grpc.max_receive_message_length", MAX_RESPONSE_BYTES),
            ("grpc.max_send_message_length", MAX_RESPONSE_BYTES),
            ("grpc.enable_retries", 1 if retries > 0 else 0),
            ("grpc.service_config", json.dumps(retry)),
        ]
        if tls or root_certificates:
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self._channel = grpc.secure_channel(address, credentials, options=options)
        else:
            self._channel = grpc.insecure_channel(address, options=options)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._stub = annotator_pb2_grpc.AnnotatorStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def annotate(
        self,
        text: str,
        *,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        id: str = "",
    ) -> Annotation:
        """Annotates one text. ``features``: names from :data:`FEATURES`
        (default: all). ``encoding``: "utf32" (code points, the default,
        indexes Python strings), "utf16" or "utf8". Raises
        :class:`DocumentError` when the gateway refuses the document."""
        request = self._request(text, features, encoding, language, id)
        try:
            response = self._stub.Annotate(request, timeout=self.timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            raise _document_error(error) from None
        return from_proto(common_pb2, response)

    def annotate_many(
        self,
        documents: Iterable[DocumentLike],
        *,
        concurrency: int = 4,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
    ) -> Iterator[BatchResult]:
        """Annotates many documents, ``concurrency`` requests in flight,
        yielding a :class:`BatchResult` per document in input order; a
        failed document has ``error`` set and the others go on.

        A document is a text (its id: its position), an ``(id, text)``
        pair or a dict with ``id``, ``text`` and optionally ``language``.
        Ids in ``skip`` (e.g. read back from a journal of an earlier run)
        are not sent and yield nothing. Documents are read lazily, so a
        generator over a large archive is never all in memory."""
        skip = set(skip)
        in_flight: collections.deque = collections.deque()
        for index, document in enumerate(documents):
            doc_id, text, doc_language = _document(index, document, language)
            if doc_id in skip:
                continue
            request = self._request(text, features, encoding, doc_language, doc_id)
            future = self._stub.Annotate.future(request, timeout=self.timeout, metadata=self._metadata)
            in_flight.append((index, doc_id, future))
            if len(in_flight) >= max(1, concurrency):
                yield _result(*in_flight.popleft())
        while in_flight:
            yield _result(*in_flight.popleft())

    def _request(self, text, features, encoding, language, doc_id):
        try:
            unit = ENCODINGS[encoding.lower()]
        except KeyError:
            raise ValueError(f"encoding must be one of {sorted(ENCODINGS)}, not {encoding!r}") from None
        request = annotator_pb2.AnnotateRequest(
            document=common_pb2.Document(id=doc_id, text=text, language_code=language),
            encoding=unit,
        )
        if features is not None:
            unknown = set(features) - set(FEATURES)
            if unknown:
                raise ValueError(f"unknown features {sorted(unknown)}; known: {FEATURES}")
            request.features.CopyFrom(common_pb2.Features(**{name: True for name in features}))
        return request


def _document(index: int, document: DocumentLike, language: str) -> Tuple[str, str, str]:
    if isinstance(document, str):
        return str(index), document, language
    if isinstance(document, dict):
        return str(document.get("id", index)), document["text"], document.get("language", language)
    doc_id, text = document
    return str(doc_id), text, language


def _document_error(error: grpc.RpcError) -> DocumentError:
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    return DocumentError(code.name if code is not None else "UNKNOWN", details or "")


def _result(index: int, doc_id: str, future) -> BatchResult:
    try:
        return BatchResult(index, doc_id, annotation=from_proto(common_pb2, future.result()))
    except grpc.RpcError as error:
        return BatchResult(index, doc_id, error=_document_error(error))
