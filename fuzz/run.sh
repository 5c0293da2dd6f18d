#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer's coverage instrumentation on the
# stable toolchain and fuzzes each for SECONDS (default 20), after running
# every committed seed and the generated hostile inputs whole.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Ends with "fuzz: N passed, M failed" (targets without and with a finding).
# Findings are written to target/fuzz/artifacts/TARGET/; the corpus each run
# grows is kept in target/fuzz/corpus/TARGET/ and read again next time;
# libFuzzer's output goes to target/fuzz/logs/TARGET.log (its last lines are
# printed, all of it when a target fails).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(segment html json_request proto_request)

host="$(rustc -vV | sed -n 's/^host: //p')"
# What cargo-fuzz passes with --sanitizer none: SanitizerCoverage through
# LLVM's sancov pass, which stable rustc runs with -C passes (no -Z flags,
# so no nightly and no RUSTC_BOOTSTRAP). Rust code forbids unsafe, so
# AddressSanitizer (nightly-only) would add little.
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 -Cllvm-args=-sanitizer-coverage-stack-depth \
 -Cforce-frame-pointers \
 --cfg fuzzing"
# --target keeps the instrumentation off build scripts and proc macros,
# which run inside cargo and rustc where libFuzzer is not linked.
# Not --locked: the path crates' manifests change under this lock file, which
# cargo then updates as little as it can.
cargo build --release --target "$host" --bins
bin="../target/fuzz/$host/release"
work="../target/fuzz"

python3 hostile.py "$work/hostile"

passed=0
failed=0
for target in "${targets[@]}"; do
    echo "== fuzz $target for ${seconds}s"
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target/"
    log="$work/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$work/logs"
    : >"$log"
    ok=1
    # The big hostile inputs are run whole, once: given as files, libFuzzer
    # runs them without truncating them to -max_len.
    hostile=("$work/hostile/$target"/*)
    if [ -e "${hostile[0]}" ]; then
        "$bin/$target" -artifact_prefix="$artifacts" -timeout=60 -rss_limit_mb=4096 \
            "${hostile[@]}" >>"$log" 2>&1 || ok=0
    fi
    if [ "$ok" = 1 ]; then
        "$bin/$target" -artifact_prefix="$artifacts" -max_total_time="$seconds" \
            -max_len=65536 -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 \
            "$corpus" "seeds/$target" >>"$log" 2>&1 || ok=0
    fi
    grep -E '^(Executed|stat::)' "$log" | sed "s/^/$target: /" || true
    if [ "$ok" = 1 ]; then
        passed=$((passed + 1))
    else
        tail -n 60 "$log"
        echo "fuzz: $target found a failure; the input is in $artifacts" >&2
        failed=$((failed + 1))
    fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
