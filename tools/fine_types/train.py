"""Trains the fine-type classifier on silver data and writes
models/fine-types/weights.txt (run by tools/fine_types/build.sh, which
makes the two inputs; see models/fine-types/PROVENANCE.md).

    train.py OURS.jsonl SPACY.jsonl --out models/fine-types/weights.txt

OURS: our name mentions (the Rust example fine_type_spans over the BBC
articles). SPACY: spaCy's entities on the same documents
(spacy_labels.py). Silver label of one of our mentions: the label of the
spaCy entity that covers it exactly or largely (character Jaccard >= 0.6),
mapped to a fine type (PERSON, DATE, CARDINAL... -> NONE); NONE when no
spaCy entity touches it; left out when one touches it but no match is good
enough.

Documents are split 80/20 by a hash of their id. The L2 strength C and the
threshold are chosen on the 20% (micro-F1 of the fine types given, on
mentions whose silver label is known); the model written is then trained
on all of it with that C. Prints the held-out figures.
"""

import argparse
import collections
import json
import os
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402

DIM = features.DIM
FINE = ["NORP", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "ORG"]
# Which fine types refine which coarse type: the mapping bench/spacy_bench.py
# uses to compare spaCy's labels with ours, read the other way round.
ALLOW = {
    "PERSON": [],
    "ORGANIZATION": ["ORG"],
    "LOCATION": ["GPE", "LOC", "FAC"],
    "MISC": ["NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"],
}
# Every fine type for every coarse type but PERSON, whose spaCy labels in
# the silver data are mostly ORG (names of firms) and would give a person's
# entity an organisation's fine type.
ANY = {c: ([] if c == "PERSON" else list(FINE)) for c in ALLOW}
MIN_JACCARD = 0.6
# A bucket seen on fewer mentions than this in the training data gets no
# weight, and a bucket whose weights all round below PRUNE is left out of
# the file: the file shrinks by a factor of about eight, the held-out
# figures (computed on the file's weights) barely move.
MIN_COUNT = 3
PRUNE = 0.05
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 .. 0.90
CS = [0.3, 1.0, 3.0]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def silver_label(span, ents):
    """The fine type spaCy gives the span, "NONE", or None (unclear)."""
    s, e = span["start"], span["end"]
    best, best_j, touched = None, 0.0, False
    for a, b, label in ents:
        inter = min(e, b) - max(s, a)
        if inter <= 0:
            continue
        touched = True
        j = inter / (max(e, b) - min(s, a))
        if j > best_j:
            best, best_j = label, j
    if not touched:
        return "NONE"
    if best_j < MIN_JACCARD:
        return None
    return best if best in FINE else "NONE"


def matrix(spans, dim=DIM):
    rows, cols = [], []
    for i, s in enumerate(spans):
        for c in features.feature_indices(s["coarse"], s["words"], s["before"], s["after"], dim):
            rows.append(i)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float64)
    # Duplicates add up, as in Rust.
    return sp.csr_matrix((data, (rows, cols)), shape=(len(spans), dim))


def predict(weights, bias, classes, x, coarse, allow, threshold):
    """The Rust classifier: softmax, renormalised over NONE and the fine
    types the coarse type allows; a fine type at or above the threshold."""
    scores = np.asarray(x @ weights.T) + bias
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    mask = np.array(
        [[name == "NONE" or name in allow.get(c, []) for name in classes] for c in coarse]
    )
    q = p * mask
    q /= q.sum(axis=1, keepdims=True)
    k = q.argmax(axis=1)
    top = q.max(axis=1)
    return [
        classes[j] if classes[j] != "NONE" and m >= threshold else "NONE"
        for j, m in zip(k, top)
    ]


def scores(gold, pred):
    """Micro precision, recall, F1 over fine types (NONE is no answer)."""
    tp = sum(1 for g, p in zip(gold, pred) if p != "NONE" and p == g)
    given = sum(1 for p in pred if p != "NONE")
    wanted = sum(1 for g in gold if g != "NONE")
    prec = tp / given if given else 0.0
    rec = tp / wanted if wanted else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    return prec, rec, f1, acc


def frequent(x):
    """x with the buckets seen on fewer than MIN_COUNT mentions zeroed."""
    counts = np.asarray((x > 0).sum(axis=0)).ravel()
    keep = sp.diags((counts >= MIN_COUNT).astype(np.float64))
    return (x @ keep).tocsr()


def fit(x, y, c):
    model = LogisticRegression(C=c, max_iter=2000, solver="lbfgs")
    model.fit(frequent(x), y)
    return model


def ordered(model):
    """Weights and bias with NONE first, then the fine types in FINE order."""
    names = ["NONE"] + [f for f in FINE if f in model.classes_]
    idx = [list(model.classes_).index(n) for n in names]
    return names, model.coef_[idx], model.intercept_[idx]


def round_weights(w, b):
    """As written to the file (two decimals, small buckets pruned), so that
    the held-out figures are the file's."""
    w = np.round(w, 2)
    w[:, np.abs(w).max(axis=0) < PRUNE] = 0.0
    return w, np.round(b, 2)


def number(v):
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("spacy")
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument(
        "--allow", choices=["refine", "any"], default="refine",
        help="refine: a coarse type takes only the fine types that refine it "
        "(LOCATION: GPE, LOC, FAC...); any: every name but a PERSON may take any",
    )
    args = ap.parse_args()
    allow = ALLOW if args.allow == "refine" else ANY

    ents = {d["doc"]: d["ents"] for d in read_jsonl(args.spacy)}
    spans, labels, dropped, no_doc = [], [], 0, 0
    for s in read_jsonl(args.ours):
        if s["doc"] not in ents:
            no_doc += 1
            continue
        label = silver_label(s, ents[s["doc"]])
        if label is None:
            dropped += 1
            continue
        spans.append(s)
        labels.append(label)
    if no_doc:
        sys.exit(f"{no_doc} mentions in documents spaCy did not label")
    print(f"silver: {len(spans)} mentions labelled, {dropped} left out (partial overlap)")
    table = collections.Counter(zip((s["coarse"] for s in spans), labels))
    for coarse in ALLOW:
        row = ", ".join(f"{l} {n}" for (c, l), n in table.most_common() if c == coarse)
        print(f"  {coarse}: {row}")

    held = np.array([features.fnv1a(s["doc"]) % 5 == 0 for s in spans])
    x = matrix(spans)
    y = np.array(labels)
    coarse = [s["coarse"] for s in spans]
    xt, yt, xh, yh = x[~held], y[~held], x[held], y[held]
    ch = [c for c, h in zip(coarse, held) if h]
    print(f"split by document: {int((~held).sum())} train, {int(held.sum())} held out")

    best = None
    for c in CS:
        names, w, b = ordered(fit(xt, yt, c))
        w, b = round_weights(w, b)
        for t in THRESHOLDS:
            pred = predict(w, b, names, xh, ch, allow, t)
            p, r, f, a = scores(list(yh), pred)
            if best is None or f > best[0]:
                best = (f, c, t, p, r, a)
        print(f"  C={c}: best held-out micro-F1 so far {best[0]:.4f} (C={best[1]}, threshold {best[2]})")
    f, c, t, p, r, a = best
    print(f"chosen: C={c}, threshold {t}: held-out fine-type precision {p:.4f}, recall {r:.4f}, "
          f"F1 {f:.4f}, accuracy (NONE included) {a:.4f}")

    names, w, b = ordered(fit(xt, yt, c))
    w, b = round_weights(w, b)
    pred = predict(w, b, names, xh, ch, allow, t)
    print(f"held-out per label (fine types allowed: {args.allow}):")
    print("| label | silver | given | precision | recall |")
    print("|---|--:|--:|--:|--:|")
    for label in FINE:
        tp = sum(1 for g, q in zip(yh, pred) if g == q == label)
        given = sum(1 for q in pred if q == label)
        wanted = sum(1 for g in yh if g == label)
        if given or wanted:
            print(f"| {label} | {wanted} | {given} | {tp / given if given else 0:.3f} | {tp / wanted if wanted else 0:.3f} |")
    other = ANY if allow is ALLOW else ALLOW
    op, orr, of, _ = scores(list(yh), predict(w, b, names, xh, ch, other, t))
    print(f"with the other --allow, same C and threshold: precision {op:.4f}, "
          f"recall {orr:.4f}, F1 {of:.4f}")

    final = fit(x, y, c)
    names, w, b = ordered(final)
    w, b = round_weights(w, b)
    used = np.flatnonzero(np.abs(w).max(axis=0) > 0)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("copydesk-fine-types 1\n")
        out.write(f"version {args.version}\n")
        out.write(f"dim {DIM}\n")
        out.write("classes " + " ".join(names) + "\n")
        out.write(f"threshold {t}\n")
        for coarse, allowed in allow.items():
            allowed = [a for a in allowed if a in names]
            out.write(" ".join(["allow", coarse] + allowed) + "\n")
        out.write("bias " + " ".join(number(v) for v in b) + "\n")
        for j in used:
            out.write(f"{j} " + " ".join(number(v) for v in w[:, j]) + "\n")
    print(f"wrote {args.out}: {len(names)} classes, {len(used)} of {DIM} buckets, "
          f"{os.path.getsize(args.out):,} bytes")


if __name__ == "__main__":
    main()
