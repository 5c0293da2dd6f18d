#!/usr/bin/env bash
# Fine types on a hand-annotated set, Copydesk and spaCy's en_core_web_sm
# 3.8.0 side by side on the same names:
#
#   tools/fine_types/eval.sh                               tools/news_ner/dev.jsonl
#   tools/fine_types/eval.sh tools/news_ner/heldout.jsonl  another set, same format
#
# Runs the Rust example fine_type_spans --fine-types (the engine as the
# entities service runs it, with models/fine-types) and spacy_labels.py
# (in target/bench/spacy-venv; tools/fine_types/build.sh or
# bench/side_by_side.sh makes it) over the set's documents, then eval.py.
# COPYDESK_MODELS_DIR picks another models directory (both models are read
# from it), e.g. to compare two builds of the fine types.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
gold="${1:-tools/news_ner/dev.jsonl}"
work=target/fine-types
mkdir -p "$work"
name="$(basename "$gold" .jsonl)"
spacy_venv=target/bench/spacy-venv
train_venv=target/fine-types-venv
for venv in "$spacy_venv" "$train_venv"; do
  if [ ! -x "$venv/bin/python" ]; then
    echo "error: no $venv; run tools/fine_types/build.sh first" >&2
    exit 2
  fi
done

cargo build --quiet --release --locked -p copydesk-entities --example fine_type_spans
target/release/examples/fine_type_spans --fine-types --jsonl "$gold" > "$work/ours_$name.jsonl"
"$spacy_venv/bin/python" tools/fine_types/spacy_labels.py --jsonl "$gold" > "$work/spacy_$name.jsonl" 2> "$work/spacy_$name.log"
echo "== fine types on $gold; $(head -1 "$work/spacy_$name.log")"
"$train_venv/bin/python" tools/fine_types/eval.py "$gold" "$work/ours_$name.jsonl" "$work/spacy_$name.jsonl" \
  --weights "${COPYDESK_MODELS_DIR:-models}/fine-types/weights.txt"
