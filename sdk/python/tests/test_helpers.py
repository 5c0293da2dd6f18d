"""The batch and stream helpers, sync and asyncio, against the real suite:
order, per-document errors, skip, and flow control (a generator is read as
results come back, never ahead by more than the window)."""

import asyncio
import itertools
from typing import Iterator, List

import pytest

from copydesk import AsyncClient, BatchResult, Client, InvalidArgument
from conftest import MAX_DOCUMENT_BYTES


def corpus(n: int) -> List[tuple]:
    docs = [(f"doc-{i}", f"Story {i}: Apple hired {i} engineers in London last week.") for i in range(n)]
    docs[5] = ("doc-5", "too long " * MAX_DOCUMENT_BYTES)
    return docs


def check(results: List[BatchResult], documents: List[tuple], skipped: str) -> None:
    expected = [(i, d) for i, (d, _) in enumerate(documents) if d != skipped]
    assert [(r.index, r.id) for r in results] == expected
    failed = [r for r in results if not r.ok]
    assert [r.id for r in failed] == ["doc-5"]
    assert isinstance(failed[0].error, InvalidArgument)
    assert failed[0].annotation is None
    ok = [r for r in results if r.ok]
    assert all(r.annotation is not None and r.annotation.document_id == r.id for r in ok)
    assert any(e.name == "London" and e.type == "LOCATION" for e in ok[0].annotation.entities)


@pytest.fixture(scope="module")
def client(gateway):
    with Client(gateway) as client:
        yield client


@pytest.mark.parametrize("helper", ["annotate_many", "annotate_batches", "annotate_stream"])
def test_sync_helpers_keep_order_report_per_document_and_skip(client, helper):
    documents = corpus(23)
    options = {"annotate_batches": {"batch_size": 4}, "annotate_stream": {"window": 3}}.get(helper, {})
    results = list(getattr(client, helper)(documents, skip={"doc-2"}, language="en", features=["entities"], **options))
    check(results, documents, "doc-2")


@pytest.mark.parametrize("helper", ["annotate_many", "annotate_batches", "annotate_stream"])
def test_async_helpers_keep_order_report_per_document_and_skip(gateway, helper):
    documents = corpus(23)

    async def source():
        for document in documents:
            await asyncio.sleep(0)
            yield document

    async def run() -> List[BatchResult]:
        async with AsyncClient(gateway) as client:
            options = {"annotate_batches": {"batch_size": 4}, "annotate_stream": {"window": 3}}.get(helper, {})
            method = getattr(client, helper)
            return [r async for r in method(source(), skip={"doc-2"}, language="en", features=["entities"], **options)]

    check(asyncio.run(run()), documents, "doc-2")


class Counting:
    """An endless generator of documents that counts what was read."""

    def __init__(self) -> None:
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for i in itertools.count():
            self.read += 1
            yield f"Bulletin {i}: Reuters reported from Berlin."


def test_the_stream_reads_an_endless_generator_only_as_far_as_its_window(client):
    source = Counting()
    window = 8
    taken = 0
    for result in client.annotate_stream(source, window=window, features=["segmentation"], language="en"):
        assert result.ok and result.index == taken
        taken += 1
        # Never more than the window ahead of what came back (+1: the
        # generator may have produced the next one and be waiting on a slot).
        assert source.read <= taken + window + 1, (source.read, taken)
        if taken == 60:
            break
    assert taken == 60


def test_the_async_stream_reads_an_endless_generator_only_as_far_as_its_window(gateway):
    source = Counting()
    window = 8

    async def run() -> int:
        taken = 0
        async with AsyncClient(gateway) as client:
            async for result in client.annotate_stream(source, window=window, features=["segmentation"], language="en"):
                assert result.ok and result.index == taken
                taken += 1
                assert source.read <= taken + window + 1, (source.read, taken)
                if taken == 60:
                    break
        return taken

    assert asyncio.run(run()) == 60


def test_batches_read_at_most_batch_size_times_concurrency_ahead(client):
    source = Counting()
    taken = 0
    for result in client.annotate_batches(source, batch_size=4, concurrency=2, features=["segmentation"]):
        taken += 1
        assert source.read <= taken + 4 * 2 + 4, (source.read, taken)
        if taken == 30:
            break


def test_an_error_raised_by_the_documents_reaches_the_caller(client):
    def broken():
        yield "Fine text about Paris."
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(client.annotate_stream(broken(), features=["segmentation"]))


def test_the_async_client_annotates_with_the_same_types(gateway):
    async def run():
        async with AsyncClient(gateway) as client:
            return await client.annotate("Angela Merkel met Emmanuel Macron in Paris.", language="en")

    annotation = asyncio.run(run())
    with Client(gateway) as client:
        sync = client.annotate("Angela Merkel met Emmanuel Macron in Paris.", language="en")
    # Same conversion: equal but for the timings the gateway measured.
    assert annotation.entities == sync.entities and annotation.sentences == sync.sentences
    assert annotation.document_sentiment == sync.document_sentiment


def test_async_errors_have_the_same_classes(gateway):
    async def run():
        async with AsyncClient(gateway) as client:
            await client.annotate("word " * MAX_DOCUMENT_BYTES)

    with pytest.raises(InvalidArgument) as refused:
        asyncio.run(run())
    assert refused.value.field == "document.text"
