"""The synchronous client: one gRPC channel to a Copydesk gateway."""

from __future__ import annotations

import collections
import itertools
import threading
import time
from typing import Any, Callable, Deque, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar

import grpc

from copydesk import _convert
from copydesk._connection import connection
from copydesk._convert import ENCODINGS, FEATURES, DocumentLike
from copydesk.errors import CopydeskError, RetryPolicy, error_for, from_rpc_error
from copydesk.types import Annotation, BatchResult
from copydesk.v1 import annotator_pb2, annotator_pb2_grpc, common_pb2

__all__ = ["Client", "DEFAULT_TIMEOUT", "ENCODINGS", "FEATURES", "DocumentLike"]

DEFAULT_TIMEOUT = 60.0
T = TypeVar("T")


class Client:
    """A connection to a gateway: ``Client("host:port")``.

    ``timeout``: each call's deadline in seconds, retries included (the
    gateway passes what remains downstream); None: no deadline. ``retry``:
    which codes are retried and how (:class:`RetryPolicy`: UNAVAILABLE and
    RESOURCE_EXHAUSTED, 4 attempts, jittered exponential backoff).
    ``tls`` (or ``root_certificates``, PEM bytes of the CA to trust)
    encrypts the connection; ``server_name`` overrides the name checked
    in the gateway's certificate; ``token`` is sent as ``authorization:
    Bearer <token>``. Errors are :class:`copydesk.errors.CopydeskError`
    subclasses.
    """

    def __init__(
        self,
        address: str = "127.0.0.1:50051",
        *,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        tls: bool = False,
        root_certificates: Optional[bytes] = None,
        token: Optional[str] = None,
        server_name: Optional[str] = None,
    ) -> None:
        self._connection = connection(
            address, tls=tls, root_certificates=root_certificates, token=token, server_name=server_name
        )
        self.address = self._connection.address
        self.timeout = timeout
        self.retry = retry
        self._channel: grpc.Channel = self._connection.channel(grpc)
        self._metadata = self._connection.metadata
        # The generated service stub is untyped; the methods using it are typed.
        self._stub: Any = annotator_pb2_grpc.AnnotatorStub(self._channel)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def annotate(
        self,
        text: str,
        *,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        id: str = "",
        content_type: str = "text",
    ) -> Annotation:
        """Annotates one text. ``features``: names from :data:`FEATURES`
        (default: all). ``encoding``: "utf32" (code points, the default,
        indexes Python strings), "utf16" or "utf8". Raises a
        :class:`CopydeskError` when the gateway refuses the document."""
        req = _convert.text_request(text, features, encoding, language, id, content_type)
        response: annotator_pb2.AnnotateResponse = self._call(self._stub.Annotate, req, self._deadline())
        return _convert.annotation(response)

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
        """One ``Annotate`` call per document, ``concurrency`` in flight,
        yielding a :class:`BatchResult` per document in input order; a
        failed document has ``error`` set and the others go on.

        A document is a text (its id: its position), an ``(id, text)``
        pair or a mapping with ``id``, ``text`` and optionally
        ``language``. Ids in ``skip`` (e.g. from
        :func:`copydesk.archive.done_ids`) are not sent and yield nothing.
        Documents are read lazily: a generator over a large archive is
        never all in memory."""
        opts = _convert.options(features, encoding, language)
        in_flight: Deque[Tuple[int, str, annotator_pb2.AnnotateRequest, Optional[float], Any]] = collections.deque()
        for index, doc in _documents(documents, opts.language, skip):
            req = _convert.request(doc, opts)
            deadline = self._deadline()
            future = self._stub.Annotate.future(req, timeout=_remaining(deadline), metadata=self._metadata)
            in_flight.append((index, doc.id, req, deadline, future))
            if len(in_flight) >= max(1, concurrency):
                yield self._unary_result(*in_flight.popleft())
        while in_flight:
            yield self._unary_result(*in_flight.popleft())

    def annotate_batches(
        self,
        documents: Iterable[DocumentLike],
        *,
        batch_size: int = 16,
        concurrency: int = 4,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
    ) -> Iterator[BatchResult]:
        """``BatchAnnotate`` calls of ``batch_size`` documents,
        ``concurrency`` calls in flight; the same documents, order and
        per-document results as :meth:`annotate_many`. A call that fails
        as a whole (after retries) fails each of its documents with that
        error. At most ``batch_size * concurrency`` documents are held."""
        opts = _convert.options(features, encoding, language)
        size = max(1, batch_size)
        in_flight: Deque[Tuple[List[Tuple[int, str]], annotator_pb2.BatchAnnotateRequest, Optional[float], Any]] = (
            collections.deque()
        )
        pending = _documents(documents, opts.language, skip)
        while True:
            chunk = list(itertools.islice(pending, size))
            if chunk:
                req = _convert.batch_request([doc for _, doc in chunk], opts)
                deadline = self._deadline()
                future = self._stub.BatchAnnotate.future(req, timeout=_remaining(deadline), metadata=self._metadata)
                in_flight.append(([(i, doc.id) for i, doc in chunk], req, deadline, future))
            if in_flight and (not chunk or len(in_flight) >= max(1, concurrency)):
                yield from self._batch_results(*in_flight.popleft())
            elif not chunk:
                return

    def annotate_stream(
        self,
        documents: Iterable[DocumentLike],
        *,
        window: int = 32,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
        timeout: Optional[float] = None,
    ) -> Iterator[BatchResult]:
        """One bidirectional ``AnnotateStream`` for all the documents, with
        flow control: at most ``window`` documents are sent and not yet
        answered, so a generator of millions is read as the answers come
        and never held in memory. Results come in input order, one per
        document, a refused one with ``error`` set.

        ``timeout`` bounds the whole stream (default: none, a long import
        is not one call's worth). A stream that breaks (gateway gone)
        raises its :class:`CopydeskError` after yielding what was answered:
        run again with ``skip`` set to the ids done (streams are not
        retried, as a half-done stream cannot be replayed blindly). An
        exception raised by ``documents`` is raised here."""
        opts = _convert.options(features, encoding, language)
        slots = threading.Semaphore(max(1, window))
        sent: Deque[Tuple[int, str]] = collections.deque()
        stop = threading.Event()
        failure: List[BaseException] = []

        def requests() -> Iterator[annotator_pb2.AnnotateRequest]:
            # Runs on gRPC's thread: blocks while the window is full.
            try:
                for index, doc in _documents(documents, opts.language, skip):
                    while not slots.acquire(timeout=0.05):
                        if stop.is_set():
                            return
                    if stop.is_set():
                        return
                    sent.append((index, doc.id))
                    yield _convert.request(doc, opts)
            except Exception as error:  # the caller's generator: shown to the caller
                failure.append(error)
                raise

        call = self._stub.AnnotateStream(requests(), timeout=timeout, metadata=self._metadata)
        try:
            for result in call:
                index, doc_id = sent.popleft()
                slots.release()
                yield _convert.batch_result(index, doc_id, result)
        except grpc.RpcError as error:
            if failure:
                raise failure[0] from None
            raise from_rpc_error(error) from None
        finally:
            stop.set()
            call.cancel()
        if failure:
            raise failure[0]

    # --- calls and retries ---

    def _deadline(self) -> Optional[float]:
        return None if self.timeout is None else time.monotonic() + self.timeout

    def _call(self, method: Callable[..., T], req: Any, deadline: Optional[float], first: Optional[CopydeskError] = None) -> T:
        """Calls ``method`` until it answers, retrying as :attr:`retry`
        says within the deadline. ``first``: an attempt already failed."""
        delays = self.retry.delays()
        error = first
        while True:
            if error is not None:
                delay = next(delays, None)
                if not self.retry.retries(error) or delay is None:
                    raise error
                if deadline is not None and time.monotonic() + delay >= deadline:
                    raise error
                time.sleep(delay)
            try:
                return method(req, timeout=_remaining(deadline), metadata=self._metadata)
            except grpc.RpcError as rpc_error:
                error = from_rpc_error(rpc_error)

    def _unary_result(self, index: int, doc_id: str, req: Any, deadline: Optional[float], future: Any) -> BatchResult:
        try:
            try:
                response = future.result()
            except grpc.RpcError as rpc_error:
                # The first attempt ran concurrently; retries run here.
                response = self._call(self._stub.Annotate, req, deadline, first=from_rpc_error(rpc_error))
            return BatchResult(index, doc_id, annotation=_convert.annotation(response))
        except CopydeskError as error:
            return BatchResult(index, doc_id, error=error)

    def _batch_results(
        self, ids: List[Tuple[int, str]], req: Any, deadline: Optional[float], future: Any
    ) -> Iterator[BatchResult]:
        try:
            try:
                response = future.result()
            except grpc.RpcError as rpc_error:
                response = self._call(self._stub.BatchAnnotate, req, deadline, first=from_rpc_error(rpc_error))
        except CopydeskError as error:
            for index, doc_id in ids:
                yield BatchResult(index, doc_id, error=error)
            return
        yield from _batch_items(ids, response.results)


def _documents(documents: Iterable[DocumentLike], language: str, skip: Iterable[str]) -> Iterator[Tuple[int, common_pb2.Document]]:
    done = set(skip)
    for index, item in enumerate(documents):
        doc = _convert.document(index, item, language)
        if doc.id not in done:
            yield index, doc


def _batch_items(ids: List[Tuple[int, str]], results: Sequence[annotator_pb2.AnnotateResult]) -> Iterator[BatchResult]:
    """A batch's results matched to its documents by their index in the call."""
    by_index = {r.index: r for r in results}
    for position, (index, doc_id) in enumerate(ids):
        result = by_index.get(position)
        if result is None:
            yield BatchResult(index, doc_id, error=error_for(grpc.StatusCode.INTERNAL, "the gateway's batch answer has no result for this document"))
        else:
            yield _convert.batch_result(index, doc_id, result)


def _remaining(deadline: Optional[float]) -> Optional[float]:
    if deadline is None:
        return None
    return max(0.001, deadline - time.monotonic())
