#!/usr/bin/env bash
# Evaluates the sentiment engine against the human ratings of the VADER paper
# (Hutto and Gilbert, ICWSM 2014), shipped in the vaderSentiment 3.3.2 source
# archive, fetched here with pip download. Prints Pearson r per development
# set for the reference VADER (Python, pip-installed) and for this engine.
#
# With --nyt it also prints the held-out NEWS TEST figure (NYT editorial
# snippets). Nothing in the engine was fitted, tuned or chosen on that set;
# run it to report, never to tune.
#
# It also scores the original news development set written and rated here
# (tools/sentiment_train/news_dev.tsv): its fit part (stage 2 of the
# calibration was fitted on it) and its check part (every third line).
#
# And EmoBank dev (../shared/data/emobank/emobank.csv or $COPYDESK_EMOBANK;
# the calibration's EmoBank model was fitted on its train split): its news
# sentences (newspaper and SemEval headlines) and all of it, ratings
# 2 * (V - 3); and the document tone of EmoBank documents against the mean
# rating of their sentences.
#
# Usage: tools/sentiment_eval.sh [--nyt]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m pip download -q --no-deps --no-binary :all: vaderSentiment==3.3.2 -d "$work"
tar -xzf "$work/vaderSentiment-3.3.2.tar.gz" -C "$work"
tar -xzf "$work/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$work"
data="$work/hutto_ICWSM_2014"

sets=(tweets movieReviewSnippets amazonReviewSnippets)

# The news development set in the ground-truth format: id, rating, text.
awk -F'\t' -v d="$data" '{ f = (NR % 3 == 0) ? "newsDevCheck" : "newsDevFit"; print NR "\t" $1 "\t" $3 > (d "/" f "_GroundTruth.txt") }' \
  "$root/tools/sentiment_train/news_dev.tsv"

emobank="${COPYDESK_EMOBANK:-$root/../shared/data/emobank/emobank.csv}"
python3 - "$emobank" "$data" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")) if r["split"] == "dev"]
for name, keep in [("emobankDevNews", lambda r: r["category"] in ("newspaper", "SemEval")), ("emobankDevAll", lambda r: True)]:
    with open(f"{sys.argv[2]}/{name}_GroundTruth.txt", "w", encoding="utf-8") as f:
        for r in rows:
            if keep(r):
                f.write(f"{r['id']}\t{2 * (float(r['V']) - 3)}\t{' '.join(r['text'].split())}\n")
# Documents: a document's dev sentences in text order (ids end in start_end offsets).
def start(r):
    try:
        return int(r["id"].rsplit("_", 2)[-2])
    except ValueError:
        return 0
with open(f"{sys.argv[2]}/emobankDevDocuments.tsv", "w", encoding="utf-8") as f:
    for r in sorted(rows, key=lambda r: (r["document"], start(r))):
        if r["document"] != "SemEval":  # headlines are not a document
            f.write(f"{r['document']}\t{2 * (float(r['V']) - 3)}\t{' '.join(r['text'].split())}\n")
PY

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q vaderSentiment==3.3.2
reference() {
  "$work/venv/bin/python" - "$data" "$@" <<'PY'
import sys, math
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
a = SentimentIntensityAnalyzer()
def pearson(x, y):
    n = len(x); mx = sum(x) / n; my = sum(y) / n
    sxy = sum((p - mx) * (q - my) for p, q in zip(x, y))
    sxx = sum((p - mx) ** 2 for p in x); syy = sum((q - my) ** 2 for q in y)
    return sxy / math.sqrt(sxx * syy)
for s in sys.argv[2:]:
    human, score = [], []
    for line in open(f"{sys.argv[1]}/{s}_GroundTruth.txt", encoding="utf-8", errors="replace"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 3: continue
        human.append(float(f[1])); score.append(a.polarity_scores(f[2])["compound"])
    print(f"{s:22} n={len(human):5}  reference VADER (Python 3.3.2) compound r={pearson(score, human):.3f}")
PY
}

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build -q --release -p copydesk-sentiment --example sentiment_eval --example document_tone)
ours="$CARGO_TARGET_DIR/release/examples/sentiment_eval"

echo "== development sets (the review model, 0.3 of the calibration, was fitted on these; see tools/sentiment_train/train.py for leave-one-set-out figures)"
reference "${sets[@]}"
"$ours" "$data" "${sets[@]}"
echo
echo "== news development set (written and rated here; the review model's stage 2 and the EmoBank model's scale were fitted on its fit part only)"
reference newsDevFit newsDevCheck
"$ours" "$data" newsDevFit newsDevCheck

echo
echo "== EmoBank dev (the calibration's EmoBank model was fitted on EmoBank train; choices made on this and the news development set)"
reference emobankDevNews emobankDevAll
"$ours" "$data" emobankDevNews emobankDevAll
echo "== EmoBank dev documents: document tone against its sentences"
"$CARGO_TARGET_DIR/release/examples/document_tone" "$data/emobankDevDocuments.tsv"

if [[ "${1:-}" == "--nyt" ]]; then
  echo
  echo "== HELD-OUT NEWS TEST: NYT editorial snippets (never used to fit, tune or choose anything)"
  reference nytEditorialSnippets
  "$ours" "$data" nytEditorialSnippets
fi
