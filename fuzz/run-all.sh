#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another,
# starting from the committed seeds; prints one line per target with its
# run length, executions and crashes. Crash inputs land in
# fuzz/artifacts/TARGET/; turn each into a regression test.
#   usage: bash fuzz/run-all.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cargo +nightly fuzz list))
mkdir -p fuzz/logs
# Built once, then run directly: a source change during a long run does not
# trigger a rebuild inside a target's time.
cargo +nightly fuzz build -O >/dev/null 2>&1 || { echo "fuzz build failed"; exit 2; }
bin=fuzz/target/x86_64-unknown-linux-gnu/release
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  start=$(date +%s)
  "$bin/$t" "fuzz/corpus/$t" "fuzz/seeds/$t" \
    -artifact_prefix="fuzz/artifacts/$t/" \
    -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    > "fuzz/logs/$t.log" 2>&1
  rc=$?
  end=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$t.log" | grep -o '[0-9]*$')
  crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | wc -l)
  echo "$t: $((end - start)) s, ${execs:-?} executions, exit $rc, $crashes crash inputs"
done
