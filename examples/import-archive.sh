#!/usr/bin/env bash
# Import a newsroom archive with the CLI: every file under ARCHIVE_DIR,
# annotations appended to OUTPUT.jsonl ({"id": path, "annotation": ...}),
# resumable (run it again after an interruption: files already in the
# output are skipped). Exit 0: all imported; 1: some files failed (listed
# on stderr, run again to retry them); 2: bad arguments or no gateway.
#
#   copydesk up &
#   examples/import-archive.sh ~/archive annotations.jsonl
set -euo pipefail
archive="${1:?usage: import-archive.sh ARCHIVE_DIR OUTPUT.jsonl}"
output="${2:?usage: import-archive.sh ARCHIVE_DIR OUTPUT.jsonl}"
copydesk="${COPYDESK:-copydesk}"
# The output is also the journal: a line with an "annotation" marks its
# file done, a line with an "error" does not (the next run retries it).
status=0
"$copydesk" analyze --jsonl --resume "$output" --features entities,document-sentiment \
    --concurrency 4 --batch-size 16 "$archive" >> "$output" || status=$?
exit "$status"
