"""Scores fine types on a hand-annotated set (run by tools/fine_types/eval.sh).

    eval.py GOLD.jsonl OURS.jsonl SPACY.jsonl --weights models/fine-types/weights.txt

GOLD: documents with `id`, `text` and `entities` (`start`, `end` in code
points, `fine_type`: PERSON, NORP, ORG, GPE, LOC, FAC, EVENT, LAW, PRODUCT,
WORK_OF_ART, LANGUAGE), as tools/news_ner/dev.jsonl. OURS: the Rust example
fine_type_spans --fine-types on the same documents; SPACY: spacy_labels.py
on them.

A gold name is found by a system when one of its spans covers it exactly or
largely (character Jaccard >= 0.6, as for the silver data); the system's
fine type for it is that span's (ours: its entity's), PERSON and non-name
labels counting as no fine type ("NONE"), and a name not found counts as
"NONE" too. Two views: every gold name (end to end: finding the name is
part of it), and the names both systems found (the fine types alone).

Also recomputes our fine types in Python from the weights file and the
features of features.py, and says how many entities agree with Rust.
"""

import argparse
import collections
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402

FINE = ["NORP", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "ORG"]
MIN_JACCARD = 0.6


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def best_match(start, end, spans):
    """The span (start, end, value) with the largest Jaccard >= 0.6."""
    best, best_j = None, 0.0
    for a, b, value in spans:
        inter = min(end, b) - max(start, a)
        if inter <= 0:
            continue
        j = inter / (max(end, b) - min(start, a))
        if j > best_j:
            best, best_j = value, j
    return best if best_j >= MIN_JACCARD else None


def fine(label):
    return label if label in FINE else "NONE"


def table(title, rows, systems):
    print(f"\n{title}: {len(rows)} names")
    print("| system | accuracy | fine types given | precision | recall | F1 |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, key in systems:
        gold = [r["gold"] for r in rows]
        pred = [r[key] for r in rows]
        acc = sum(g == p for g, p in zip(gold, pred)) / len(rows)
        tp = sum(1 for g, p in zip(gold, pred) if p != "NONE" and g == p)
        given = sum(1 for p in pred if p != "NONE")
        wanted = sum(1 for g in gold if g != "NONE")
        prec = tp / given if given else 0.0
        rec = tp / wanted if wanted else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"| {name} | {acc:.3f} | {given} | {prec:.3f} | {rec:.3f} | {f1:.3f} |")
    header = "| label | gold |" + "".join(f" {n} P | {n} R |" for n, _ in systems)
    print("\n" + header)
    print("|---|--:|" + "--:|--:|" * len(systems))
    for label in FINE + ["NONE"]:
        wanted = sum(1 for r in rows if r["gold"] == label)
        cells = []
        for _, key in systems:
            given = sum(1 for r in rows if r[key] == label)
            tp = sum(1 for r in rows if r[key] == label == r["gold"])
            p = f"{tp / given:.2f} ({tp}/{given})" if given else "-"
            q = f"{tp / wanted:.2f} ({tp}/{wanted})" if wanted else "-"
            cells.append(f" {p} | {q} |")
        if wanted or any(r[k] == label for r in rows for _, k in systems):
            print(f"| {label} | {wanted} |" + "".join(cells))


def load_weights(path):
    allow, rows, bias = {}, {}, None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        key, _, rest = line.partition(" ")
        if key == "dim":
            dim = int(rest)
        elif key == "classes":
            classes = rest.split(" ")
        elif key == "threshold":
            threshold = float(rest)
        elif key == "allow":
            parts = rest.split(" ")
            allow[parts[0]] = parts[1:]
        elif key == "bias":
            bias = np.array([float(v) for v in rest.split(" ")], dtype=np.float32)
        elif key != "version":
            rows[int(key)] = np.array([float(v) for v in rest.split(" ")], dtype=np.float32)
    return dim, classes, threshold, allow, bias, rows


def python_fine_type(span, model):
    dim, classes, threshold, allow, bias, rows = model
    allowed = allow.get(span["coarse"], [])
    if not allowed:
        return None
    s = bias.copy()
    for i in features.feature_indices(span["coarse"], span["words"], span["before"], span["after"], dim):
        if i in rows:
            s += rows[i]
    p = np.exp(s - s.max())
    p /= p.sum()
    ok = [k for k, c in enumerate(classes) if c == "NONE" or c in allowed]
    q = p[ok] / p[ok].sum()
    k = ok[int(np.argmax(q))]
    return classes[k] if classes[k] != "NONE" and q.max() >= threshold else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("ours")
    ap.add_argument("spacy")
    ap.add_argument("--weights", required=True)
    args = ap.parse_args()

    ours = collections.defaultdict(list)
    ours_lines = read_jsonl(args.ours)
    for m in ours_lines:
        ours[m["doc"]].append((m["start"], m["end"], fine(m["fine"])))
    spacy = {d["doc"]: [(a, b, fine(l)) for a, b, l in d["ents"]] for d in read_jsonl(args.spacy)}

    rows = []
    for doc in read_jsonl(args.gold):
        for e in doc["entities"]:
            ours_fine = best_match(e["start"], e["end"], ours[doc["id"]])
            spacy_fine = best_match(e["start"], e["end"], spacy.get(doc["id"], []))
            rows.append({
                "gold": fine(e["fine_type"]),
                "ours": ours_fine or "NONE",
                "spacy": spacy_fine or "NONE",
                "both": ours_fine is not None and spacy_fine is not None,
            })
    systems = [("Copydesk", "ours"), ("spaCy sm", "spacy")]
    table("Every gold name (a name not found has no fine type)", rows, systems)
    table("Names both systems found (span Jaccard >= 0.6)", [r for r in rows if r["both"]], systems)

    model = load_weights(args.weights)
    canon = [m for m in ours_lines if m["canonical"]]
    agree = sum(1 for m in canon if python_fine_type(m, model) == m["fine"])
    print(f"\nPython (features.py + weights file) and Rust agree on the fine type of {agree} of {len(canon)} entities")


if __name__ == "__main__":
    main()
