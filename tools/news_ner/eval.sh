#!/usr/bin/env bash
# Copydesk's entity engine and spaCy en_core_web_sm 3.8 side by side on the
# news NER development set (tools/news_ner/news_ner.txt): entity-level
# precision, recall and F1 (exact span + CoNLL type) overall and per family,
# and Copydesk's mention grouping.
#
#   tools/news_ner/eval.sh                   the dev split
#   tools/news_ner/eval.sh --split heldout   the held-out split (evaluate once)
#   tools/news_ner/eval.sh --no-spacy        Copydesk only (no venv needed)
#   tools/news_ner/eval.sh --show-errors     also list Copydesk's misses and extras
#   tools/news_ner/eval.sh --pipeline        Copydesk as a gateway answer is: the
#                                            entity engine, then the knowledge stage
#                                            (names the NER missed that the default
#                                            base knows without ambiguity added,
#                                            names the text places typed LOCATION)
#
# Copydesk runs in-process (the news_ner_predict example of
# copydesk-entities, release build, the model under models/); spaCy runs in
# the virtual environment bench/spacy_venv.sh makes (target/bench/spacy-venv),
# with bench/spacy_bench.py's model and label mapping.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
split=dev
spacy=1
pipeline=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --split) split="$2"; shift ;;
    --no-spacy) spacy=0 ;;
    --pipeline) pipeline=1 ;;
    --show-errors) extra+=(--show-errors) ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--split dev|heldout|all] [--no-spacy] [--show-errors] [--pipeline]" >&2; exit 2 ;;
  esac
  shift
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/tools/news_ner/news_ner.py" texts "$work/docs" --split "$split"
if [ "$pipeline" = 1 ]; then
  (cd "$root" && cargo build --quiet --release --locked -p copydesk-knowledge --example news_ner_linked)
  "$root/target/release/examples/news_ner_linked" "$work/docs" > "$work/copydesk.tsv"
else
  (cd "$root" && cargo build --quiet --release --locked -p copydesk-entities --example news_ner_predict)
  "$root/target/release/examples/news_ner_predict" "$work/docs" > "$work/copydesk.tsv"
fi

python=python3
if [ "$spacy" = 1 ]; then
  venv="$("$root/bench/spacy_venv.sh")"
  python="$venv/bin/python"
  extra+=(--spacy)
fi
"$python" "$root/tools/news_ner/news_ner.py" score "$work/copydesk.tsv" --split "$split" "${extra[@]}"
