"""The news NER development set: parse it, export it, score systems on it.

    news_ner.py export                  rewrite dev.jsonl and heldout.jsonl from news_ner.txt
    news_ner.py texts DIR [--split S]   write each document's text to DIR/<id>.txt
    news_ner.py score PREDICTIONS [--split S] [--spacy] [--show-errors]

news_ner.txt is the annotated source (format in README.md); dev.jsonl and
heldout.jsonl are exports of it with character spans. `score` reads the
Copydesk engine's mentions (the output of the news_ner_predict example:
document, start byte, end byte, type, entity index, tab-separated) and, with
--spacy, runs spaCy en_core_web_sm (bench/spacy_bench.py's model and label
mapping) on the same texts. Scores are entity-level: a mention is right when
its span (exact characters) and its CoNLL type both match.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = os.path.join(HERE, "news_ner.txt")

FINE_TO_COARSE = {
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
COARSE = {"PER", "ORG", "LOC", "MISC"}
FAMILIES = [
    "title",
    "institution",
    "credit",
    "lone",
    "coord",
    "surname",
    "headline",
    "kicker",
    "grouping",
    "plain",
]
SPLITS = ("dev", "heldout")
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+(?:/[A-Z_]+)?)(?:=([a-z0-9]+))?\]")
# A line that does not end a sentence stands alone (headline, kicker,
# credit): a blank line follows it, as in copy pasted from a page.
SENTENCE_END = tuple('.!?"\')')


def parse(path=SOURCE):
    """Documents: id, split, text, sentences (start, end, families) and
    entities (start, end, coarse, fine, key, sentence index)."""
    docs, doc = [], None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = f"{path}:{number}"
            if not line.strip() or line.startswith("# "):
                continue
            if line.startswith("## "):
                ident, split = line[3:].split()
                if split not in SPLITS:
                    raise ValueError(f"{where}: split {split!r}")
                doc = {"id": ident, "split": split, "text": "", "sentences": [], "entities": []}
                docs.append(doc)
                continue
            if doc is None or " :: " not in line:
                raise ValueError(f"{where}: not 'families :: text'")
            tags, marked = line.split(" :: ", 1)
            families = tags.split(",")
            for family in families:
                if family not in FAMILIES:
                    raise ValueError(f"{where}: family {family!r}")
            text, entities, last = "", [], 0
            for m in MARK.finditer(marked):
                text += marked[last : m.start()]
                surface, label, key = m.group(1), m.group(2), m.group(3)
                coarse, _, fine = label.rpartition("/")
                coarse = coarse or FINE_TO_COARSE.get(fine)
                if fine not in FINE_TO_COARSE or coarse not in COARSE:
                    raise ValueError(f"{where}: type {label!r}")
                if surface != surface.strip():
                    raise ValueError(f"{where}: spaces around {surface!r}")
                entities.append((len(text), len(text) + len(surface), coarse, fine, key))
                text += surface
                last = m.end()
            text += marked[last:]
            if "[" in text or "]" in text or "|" in text:
                raise ValueError(f"{where}: unbalanced markup")
            if doc["sentences"]:
                previous = doc["text"].rstrip()
                doc["text"] += " " if previous.endswith(SENTENCE_END) else "\n\n"
            offset = len(doc["text"])
            index = len(doc["sentences"])
            doc["sentences"].append(
                {"start": offset, "end": offset + len(text), "families": families}
            )
            for s, e, coarse, fine, key in entities:
                doc["entities"].append(
                    {
                        "start": offset + s,
                        "end": offset + e,
                        "type": coarse,
                        "fine_type": fine,
                        "key": key,
                        "sentence": index,
                    }
                )
            doc["text"] += text
    ids = [d["id"] for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate document ids")
    return docs


def select(docs, split):
    return [d for d in docs if split == "all" or d["split"] == split]


def export(docs):
    for split in SPLITS:
        with open(os.path.join(HERE, f"{split}.jsonl"), "w", encoding="utf-8") as f:
            for d in select(docs, split):
                out = {
                    "id": d["id"],
                    "text": d["text"],
                    "sentences": d["sentences"],
                    "entities": [
                        {k: e[k] for k in ("start", "end", "type", "fine_type", "key")}
                        for e in d["entities"]
                    ],
                }
                f.write(json.dumps(out, ensure_ascii=False) + "\n")
    counts = {
        s: (len(select(docs, s)), sum(len(d["sentences"]) for d in select(docs, s)),
            sum(len(d["entities"]) for d in select(docs, s)))
        for s in SPLITS
    }
    for s, (n, sentences, entities) in counts.items():
        print(f"{s}: {n} documents, {sentences} sentences, {entities} entities")


def write_texts(docs, out):
    os.makedirs(out, exist_ok=True)
    for d in docs:
        with open(os.path.join(out, d["id"] + ".txt"), "w", encoding="utf-8") as f:
            f.write(d["text"])


def copydesk_predictions(docs, path):
    """{doc id: [(start, end, type, entity index)]} in characters."""
    by_id = {d["id"]: d for d in docs}
    found = {d["id"]: [] for d in docs}
    with open(path, encoding="utf-8") as f:
        for line in f:
            ident, start, end, label, entity = line.rstrip("\n").split("\t")
            doc = by_id.get(ident)
            if doc is None:
                continue
            data = doc["text"].encode("utf-8")
            s = len(data[: int(start)].decode("utf-8"))
            e = len(data[: int(end)].decode("utf-8"))
            found[ident].append((s, e, label, int(entity)))
    return found


def spacy_predictions(docs):
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from spacy_bench import LABELS, load  # the bench's model and mapping

    nlp = load("full")
    found = {}
    for d, doc in zip(docs, nlp.pipe(d["text"] for d in docs)):
        found[d["id"]] = [
            (e.start_char, e.end_char, LABELS[e.label_], None)
            for e in doc.ents
            if e.label_ in LABELS
        ]
    return found


def sentence_of(doc, start):
    for i, s in enumerate(doc["sentences"]):
        if s["start"] <= start < s["end"] + 1:
            return i
    return len(doc["sentences"]) - 1


class Counts:
    def __init__(self):
        self.gold = self.found = self.correct = 0

    def prf(self):
        p = self.correct / self.found if self.found else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def without_determiner(text, start, end):
    """The span without a leading "the": OntoNotes (spaCy) puts it in names
    ("the Executive Yuan"), CoNLL and this set do not; a guideline
    difference, not an error."""
    for the in ("the ", "The ", "THE "):
        if text.startswith(the, start) and end - start > len(the):
            return start + len(the)
    return start


def score(docs, found, errors=None):
    """Overall and per-family Counts for one system."""
    overall = Counts()
    families = {f: Counts() for f in FAMILIES}
    for d in docs:
        gold = {(e["start"], e["end"], e["type"]) for e in d["entities"]}
        pred = {
            (without_determiner(d["text"], s, e), e, t)
            for s, e, t, _ in found.get(d["id"], [])
        }
        for items, attr in ((gold, "gold"), (pred, "found"), (gold & pred, "correct")):
            for item in items:
                setattr(overall, attr, getattr(overall, attr) + 1)
                for family in d["sentences"][sentence_of(d, item[0])]["families"]:
                    c = families[family]
                    setattr(c, attr, getattr(c, attr) + 1)
        if errors is not None:
            text = d["text"]
            for s, e, t in sorted(gold - pred):
                errors.append(f"{d['id']} missed  {t:4} {text[s:e]!r}")
            for s, e, t in sorted(pred - gold):
                errors.append(f"{d['id']} spurious {t:4} {text[s:e]!r}")
    return overall, families


def grouping(docs, found):
    """Pairwise link precision/recall over the gold mentions that carry an
    entity key: a pair is linked in the gold when the keys are equal, and
    by the system when it found both spans exactly and put them in one
    entity."""
    c = Counts()
    for d in docs:
        keyed = [e for e in d["entities"] if e["key"]]
        entity_of = {(s, e): k for s, e, _, k in found.get(d["id"], [])}
        for i in range(len(keyed)):
            for j in range(i + 1, len(keyed)):
                a, b = keyed[i], keyed[j]
                same_gold = a["key"] == b["key"]
                ea = entity_of.get((a["start"], a["end"]))
                eb = entity_of.get((b["start"], b["end"]))
                same_system = ea is not None and ea == eb
                c.gold += same_gold
                c.found += same_system
                c.correct += same_gold and same_system
    return c


def report(docs, systems, split):
    sentences = sum(len(d["sentences"]) for d in docs)
    gold = sum(len(d["entities"]) for d in docs)
    print(f"== news NER {split}: {len(docs)} documents, {sentences} sentences, {gold} entities"
          " (exact span + CoNLL type)")
    scored = {name: score(docs, found) for name, found in systems.items()}
    names = list(systems)
    print("| family | sentences | gold | " + " | ".join(f"{n} P / R / F1" for n in names) + " |")
    print("|---|--:|--:|" + "--:|" * len(names))

    def cells(counts):
        return " | ".join("{:.3f} / {:.3f} / **{:.3f}**".format(*c.prf()) for c in counts)

    print(f"| **all** | {sentences} | {gold} | " + cells(scored[n][0] for n in names) + " |")
    for family in FAMILIES:
        n_sent = sum(family in s["families"] for d in docs for s in d["sentences"])
        if not n_sent:
            continue
        g = scored[names[0]][1][family].gold
        print(f"| {family} | {n_sent} | {g} | " + cells(scored[n][1][family] for n in names) + " |")
    if "Copydesk" in systems:
        p, r, f = grouping(docs, systems["Copydesk"]).prf()
        print(f"\nCopydesk grouping (pairs of keyed gold mentions in one entity): "
              f"P {p:.3f} R {r:.3f} F1 {f:.3f}")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("export")
    t = sub.add_parser("texts")
    t.add_argument("dir")
    t.add_argument("--split", choices=SPLITS + ("all",), default="all")
    s = sub.add_parser("score")
    s.add_argument("predictions")
    s.add_argument("--split", choices=SPLITS + ("all",), default="dev")
    s.add_argument("--spacy", action="store_true")
    s.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    docs = parse()
    if args.command == "export":
        export(docs)
    elif args.command == "texts":
        write_texts(select(docs, args.split), args.dir)
    else:
        docs = select(docs, args.split)
        systems = {"Copydesk": copydesk_predictions(docs, args.predictions)}
        if args.spacy:
            systems["spaCy"] = spacy_predictions(docs)
        report(docs, systems, args.split)
        if args.show_errors:
            for name, found in systems.items():
                errors = []
                score(docs, found, errors)
                print(f"\n{name} errors:")
                print("\n".join(errors))


if __name__ == "__main__":
    sys.exit(main())
