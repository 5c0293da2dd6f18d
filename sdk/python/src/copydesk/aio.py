"""The asyncio client, on ``grpc.aio``: the methods of
:class:`copydesk.Client`, awaited, with the same types and errors.

    async with AsyncClient("127.0.0.1:50051") as client:
        annotation = await client.annotate("Angela Merkel visited Paris.")
        async for result in client.annotate_stream(documents()):
            ...

Documents may be a plain or an async iterable.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import (
    Any,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Deque,
    Iterable,
    List,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)

import grpc
import grpc.aio

from copydesk import _convert
from copydesk._connection import connection
from copydesk._convert import DocumentLike
from copydesk.client import DEFAULT_TIMEOUT, _batch_items
from copydesk.errors import CopydeskError, RetryPolicy, from_rpc_error
from copydesk.types import Annotation, BatchResult
from copydesk.v1 import annotator_pb2, annotator_pb2_grpc, common_pb2

__all__ = ["AsyncClient"]

T = TypeVar("T")
Documents = Union[Iterable[DocumentLike], AsyncIterable[DocumentLike]]


class AsyncClient:
    """A connection to a gateway for asyncio code (FastAPI, aiohttp): the
    arguments of :class:`copydesk.Client`. Create it inside the running
    event loop (grpc.aio channels belong to one loop)."""

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
        self._channel: grpc.aio.Channel = self._connection.channel(grpc.aio)
        self._metadata = self._connection.metadata
        # The generated service stub is untyped; the methods using it are typed.
        self._stub: Any = annotator_pb2_grpc.AnnotatorStub(self._channel)  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self._channel.close(None)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def annotate(
        self,
        text: str,
        *,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        id: str = "",
        content_type: str = "text",
    ) -> Annotation:
        """As :meth:`copydesk.Client.annotate`."""
        req = _convert.text_request(text, features, encoding, language, id, content_type)
        response: annotator_pb2.AnnotateResponse = await self._call(self._stub.Annotate, req)
        return _convert.annotation(response)

    async def annotate_many(
        self,
        documents: Documents,
        *,
        concurrency: int = 4,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
    ) -> AsyncIterator[BatchResult]:
        """As :meth:`copydesk.Client.annotate_many`: one call per document,
        ``concurrency`` in flight, results in input order."""
        opts = _convert.options(features, encoding, language)
        in_flight: Deque[Tuple[int, str, "asyncio.Task[annotator_pb2.AnnotateResponse]"]] = collections.deque()
        try:
            async for index, doc in _documents(documents, opts.language, skip):
                task = asyncio.ensure_future(self._call(self._stub.Annotate, _convert.request(doc, opts)))
                in_flight.append((index, doc.id, task))
                if len(in_flight) >= max(1, concurrency):
                    yield await _unary_result(*in_flight.popleft())
            while in_flight:
                yield await _unary_result(*in_flight.popleft())
        finally:
            for _, _, task in in_flight:
                task.cancel()

    async def annotate_batches(
        self,
        documents: Documents,
        *,
        batch_size: int = 16,
        concurrency: int = 4,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
    ) -> AsyncIterator[BatchResult]:
        """As :meth:`copydesk.Client.annotate_batches`."""
        opts = _convert.options(features, encoding, language)
        size = max(1, batch_size)
        in_flight: Deque[Tuple[List[Tuple[int, str]], "asyncio.Task[annotator_pb2.BatchAnnotateResponse]"]] = (
            collections.deque()
        )
        chunk: List[Tuple[int, common_pb2.Document]] = []

        def send() -> None:
            req = _convert.batch_request([doc for _, doc in chunk], opts)
            task = asyncio.ensure_future(self._call(self._stub.BatchAnnotate, req))
            in_flight.append(([(i, doc.id) for i, doc in chunk], task))
            chunk.clear()

        try:
            async for item in _documents(documents, opts.language, skip):
                chunk.append(item)
                if len(chunk) >= size:
                    send()
                    if len(in_flight) >= max(1, concurrency):
                        for result in await _batch_results(*in_flight.popleft()):
                            yield result
            if chunk:
                send()
            while in_flight:
                for result in await _batch_results(*in_flight.popleft()):
                    yield result
        finally:
            for _, task in in_flight:
                task.cancel()

    async def annotate_stream(
        self,
        documents: Documents,
        *,
        window: int = 32,
        features: Optional[Sequence[str]] = None,
        encoding: str = "utf32",
        language: str = "",
        skip: Iterable[str] = (),
        timeout: Optional[float] = None,
    ) -> AsyncIterator[BatchResult]:
        """As :meth:`copydesk.Client.annotate_stream`: one bidirectional
        stream, at most ``window`` documents unanswered."""
        opts = _convert.options(features, encoding, language)
        slots = asyncio.Semaphore(max(1, window))
        sent: Deque[Tuple[int, str]] = collections.deque()
        failure: List[BaseException] = []

        async def requests() -> AsyncIterator[annotator_pb2.AnnotateRequest]:
            try:
                async for index, doc in _documents(documents, opts.language, skip):
                    await slots.acquire()
                    sent.append((index, doc.id))
                    yield _convert.request(doc, opts)
            except Exception as error:
                failure.append(error)
                raise

        call = self._stub.AnnotateStream(requests(), timeout=timeout, metadata=self._metadata)
        try:
            async for result in call:
                index, doc_id = sent.popleft()
                slots.release()
                yield _convert.batch_result(index, doc_id, result)
        except grpc.RpcError as error:
            if failure:
                raise failure[0] from None
            raise from_rpc_error(error) from None
        finally:
            call.cancel()
        if failure:
            raise failure[0]

    async def _call(self, method: Callable[..., Awaitable[T]], req: Any) -> T:
        """Calls ``method`` until it answers, retrying as :attr:`retry`
        says within the client's deadline."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        delays = self.retry.delays()
        while True:
            remaining = None if deadline is None else max(0.001, deadline - time.monotonic())
            try:
                return await method(req, timeout=remaining, metadata=self._metadata)
            except grpc.RpcError as rpc_error:
                error = from_rpc_error(rpc_error)
            delay = next(delays, None)
            if not self.retry.retries(error) or delay is None:
                raise error
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise error
            await asyncio.sleep(delay)


async def _documents(
    documents: Documents, language: str, skip: Iterable[str]
) -> AsyncIterator[Tuple[int, common_pb2.Document]]:
    done = set(skip)
    index = 0
    if isinstance(documents, AsyncIterable):
        async for item in documents:
            doc = _convert.document(index, item, language)
            if doc.id not in done:
                yield index, doc
            index += 1
    else:
        for item in documents:
            doc = _convert.document(index, item, language)
            if doc.id not in done:
                yield index, doc
            index += 1


async def _unary_result(index: int, doc_id: str, task: "asyncio.Task[annotator_pb2.AnnotateResponse]") -> BatchResult:
    try:
        return BatchResult(index, doc_id, annotation=_convert.annotation(await task))
    except CopydeskError as error:
        return BatchResult(index, doc_id, error=error)


async def _batch_results(
    ids: List[Tuple[int, str]], task: "asyncio.Task[annotator_pb2.BatchAnnotateResponse]"
) -> List[BatchResult]:
    try:
        response = await task
    except CopydeskError as error:
        return [BatchResult(index, doc_id, error=error) for index, doc_id in ids]
    return list(_batch_items(ids, response.results))
