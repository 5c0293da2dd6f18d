#!/usr/bin/env bash
# Python VADER against the Rust scorers, on the same ten sentences
# (services/sentiment/engine/benches/sentences.txt), measured the same way
# (best of 5 x 2 s) and pinned to the same core, in alternating rounds so
# that a busy neighbour on a shared host slows both sides alike. Prints each
# round and the ratio of the best rates.
#
# Usage: tools/sentiment_speed.sh [ROUNDS]   (default 3; run on an idle machine)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
venv="$root/target/vader-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import vaderSentiment' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q vaderSentiment==3.3.2
fi
cargo build -q --release -p copydesk-sentiment --example speed
speed="$root/target/release/examples/speed"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for round in $(seq "$rounds"); do
  echo "round $round"
  taskset -c 0 "$venv/bin/python" tools/vader_parity/python_speed.py | tee -a "$log"
  taskset -c 0 "$speed" | tee -a "$log"
done
awk '
  /^Python/ { if ($4 + 0 > py) py = $4 + 0 }
  /^Rust VADER/ { if ($4 + 0 > v) v = $4 + 0 }
  /^Rust calibrated/ { if ($5 + 0 > c) c = $5 + 0 }
  END {
    printf "best: Python %d, Rust VADER %d (%.1fx), Rust calibrated %d (%.1fx) sentences/s\n", py, v, v / py, c, c / py
  }' < <(sed 's/,//g' "$log")
