#!/usr/bin/env python3
"""Write the development texts one a line for the embedding tool.

Usage: python3 tools/sentiment_embed/prepare.py OUT_DIR

Writes OUT_DIR/{tweets,movieReviewSnippets,amazonReviewSnippets,newsDev}.tsv
(rating TAB text) and .txt (text only). The three review and tweet sets come
from the vaderSentiment 3.3.2 source archive through
tools/sentiment_train/train.py's fetch_dev_sets, which opens those three
members only: the NYT editorial snippets (the held-out news test) are never
read.
"""
import importlib.util
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(os.path.dirname(HERE), "sentiment_train", "train.py")


def load_train():
    spec = importlib.util.spec_from_file_location("sentiment_train", TRAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    train = load_train()
    with tempfile.TemporaryDirectory() as tmp:
        sets = train.fetch_dev_sets(tmp)
    sets["newsDev"] = [(y, text) for y, text, _part in train.read_news_dev()]
    for name, rows in sets.items():
        with open(os.path.join(out, f"{name}.tsv"), "w", encoding="utf-8") as tsv, \
                open(os.path.join(out, f"{name}.txt"), "w", encoding="utf-8") as txt:
            for y, text in rows:
                text = " ".join(text.split())
                tsv.write(f"{y!r}\t{text}\n")
                txt.write(f"{text}\n")
        print(f"{name}: {len(rows)} texts")


if __name__ == "__main__":
    main()
