"""Turns tools/fine_types/dev.txt into dev.jsonl, in the format of
tools/news_ner/dev.jsonl (id, text, entities with code-point start, end
and fine_type), so that eval.sh scores either.

    python3 tools/fine_types/dev_set.py
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT",
          "WORK_OF_ART", "LANGUAGE"}
NAME = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)\]")


def parse(line):
    text, entities, pos = [], [], 0
    for m in NAME.finditer(line):
        text.append(line[pos:m.start()])
        start = sum(len(t) for t in text)
        surface, label = m.group(1), m.group(2)
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} in {line!r}")
        text.append(surface)
        entities.append({"start": start, "end": start + len(surface), "fine_type": label})
        pos = m.end()
    text.append(line[pos:])
    joined = "".join(text)
    if "[" in joined or "]" in joined:
        raise ValueError(f"unbalanced brackets in {line!r}")
    return joined, entities


def main():
    docs = []
    with open(os.path.join(HERE, "dev.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                text, entities = parse(line)
                docs.append({"id": f"f{len(docs) + 1:02d}", "text": text, "entities": entities})
    with open(os.path.join(HERE, "dev.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    n = sum(len(d["entities"]) for d in docs)
    print(f"wrote {len(docs)} documents, {n} names to tools/fine_types/dev.jsonl", file=sys.stderr)


if __name__ == "__main__":
    main()
