"""Retries and error classes against a fake Annotator (a Python gRPC
server answering with the codes under test), so the attempts can be
counted."""

import threading
from concurrent import futures
from typing import Iterator, List

import grpc
import pytest

from copydesk import (
    NO_RETRIES,
    AsyncClient,
    Client,
    CopydeskError,
    DeadlineExceeded,
    Overloaded,
    RetryPolicy,
    Unauthenticated,
    Unavailable,
)
from copydesk.errors import InvalidArgument, error_for
from copydesk.v1 import annotator_pb2, annotator_pb2_grpc


class Scripted(annotator_pb2_grpc.AnnotatorServicer):
    """Fails with the scripted codes, then answers."""

    def __init__(self) -> None:
        self.script: List[grpc.StatusCode] = []
        self.calls = 0
        self.lock = threading.Lock()

    def Annotate(self, request, context):
        with self.lock:
            self.calls += 1
            code = self.script.pop(0) if self.script else None
        if code is not None:
            context.abort(code, f"scripted {code.name}")
        return annotator_pb2.AnnotateResponse(document_id=request.document.id)

    def BatchAnnotate(self, request, context):
        with self.lock:
            self.calls += 1
            code = self.script.pop(0) if self.script else None
        if code is not None:
            context.abort(code, f"scripted {code.name}")
        return annotator_pb2.BatchAnnotateResponse(
            results=[
                annotator_pb2.AnnotateResult(index=i, document_id=d.id, response=annotator_pb2.AnnotateResponse(document_id=d.id))
                for i, d in enumerate(request.documents)
            ]
        )


@pytest.fixture
def fake() -> Iterator[tuple]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    servicer = Scripted()
    annotator_pb2_grpc.add_AnnotatorServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}", servicer
    server.stop(None)


FAST = RetryPolicy(attempts=4, initial_backoff=0.001, max_backoff=0.01)


def test_unavailable_and_overloaded_are_retried_then_answered(fake):
    address, servicer = fake
    servicer.script = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.UNAVAILABLE]
    with Client(address, retry=FAST) as client:
        assert client.annotate("x", id="a").document_id == "a"
    assert servicer.calls == 4


def test_retries_give_up_after_the_attempts_with_the_class_of_the_last_error(fake):
    address, servicer = fake
    servicer.script = [grpc.StatusCode.RESOURCE_EXHAUSTED] * 10
    with Client(address, retry=FAST) as client:
        with pytest.raises(Overloaded) as overloaded:
            client.annotate("x")
    assert servicer.calls == 4
    assert overloaded.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_other_codes_are_not_retried(fake):
    address, servicer = fake
    servicer.script = [grpc.StatusCode.UNAUTHENTICATED]
    with Client(address, retry=FAST) as client:
        with pytest.raises(Unauthenticated):
            client.annotate("x")
    assert servicer.calls == 1


def test_no_retries_means_one_attempt(fake):
    address, servicer = fake
    servicer.script = [grpc.StatusCode.UNAVAILABLE]
    with Client(address, retry=NO_RETRIES) as client:
        with pytest.raises(Unavailable):
            client.annotate("x")
    assert servicer.calls == 1


def test_the_helpers_retry_each_call(fake):
    address, servicer = fake
    servicer.script = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAVAILABLE]
    with Client(address, retry=FAST) as client:
        results = list(client.annotate_many(["a", "b", "c"], concurrency=1))
        assert [r.ok for r in results] == [True, True, True]
        servicer.script = [grpc.StatusCode.RESOURCE_EXHAUSTED]
        results = list(client.annotate_batches(["a", "b", "c"], batch_size=2, concurrency=1))
        assert [(r.index, r.ok) for r in results] == [(0, True), (1, True), (2, True)]
        # A call that keeps failing fails each of its documents.
        servicer.script = [grpc.StatusCode.UNAVAILABLE] * 4
        results = list(client.annotate_batches(["a", "b", "c"], batch_size=2, concurrency=1))
        assert [type(r.error) for r in results] == [Unavailable, Unavailable, type(None)]


def test_the_async_client_retries_too(fake):
    import asyncio

    address, servicer = fake
    servicer.script = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED]

    async def run():
        async with AsyncClient(address, retry=FAST) as client:
            return await client.annotate("x", id="b")

    assert asyncio.run(run()).document_id == "b"
    assert servicer.calls == 3


def test_backoff_is_jittered_exponential_and_capped():
    import random

    policy = RetryPolicy(attempts=6, initial_backoff=0.1, multiplier=2, max_backoff=0.5)
    delays = list(policy.delays(random.Random(7)))
    assert len(delays) == 5
    caps = [0.1, 0.2, 0.4, 0.5, 0.5]
    assert all(0 <= d <= cap for d, cap in zip(delays, caps)), delays
    # Jitter: two clients do not wait the same.
    assert delays != list(policy.delays(random.Random(8)))


def test_errors_carry_their_code_and_the_field():
    error = error_for(grpc.StatusCode.INVALID_ARGUMENT, "document.content_type HTML is not supported yet")
    assert isinstance(error, InvalidArgument) and error.field == "document.content_type"
    assert error_for(grpc.StatusCode.INVALID_ARGUMENT, "encoding: unknown value 9").field == "encoding"
    assert error_for(grpc.StatusCode.INVALID_ARGUMENT, "Something else").field is None
    assert type(error_for(grpc.StatusCode.DEADLINE_EXCEEDED, "late")) is DeadlineExceeded
    other = error_for(grpc.StatusCode.INTERNAL, "bug")
    assert type(other) is CopydeskError and other.code_name == "INTERNAL" and str(other) == "INTERNAL: bug"
