#!/usr/bin/env bash
# Whole-tree scan speed: `blastwall scan` of the 492 MB benchmark tree next to
# ripgrep searching the same tree for one fixed string (the read-speed limit).
# Both read every file (no ignore files, hidden files included); blastwall's
# default dependency-folder skips are turned off so the bytes are the same.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TREE="$CORPUS/tree"
bytes=$(find "$TREE" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
tmp=$(mktemp -d)
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  --export-json "$tmp/rg.json" "rg -uu -F -c BLASTWALL_BENCH_NEEDLE $TREE" >/dev/null
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  --export-json "$tmp/bw.json" "$BW scan $TREE --no-default-skips --format json -q" >/dev/null
rg_s=$(median "$tmp/rg.json"); bw_s=$(median "$tmp/bw.json")
before_s=""
if [ -n "$BW_BEFORE" ]; then
  hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
    --export-json "$tmp/before.json" "$BW_BEFORE scan $TREE --no-default-skips --format json -q" >/dev/null
  before_s=$(median "$tmp/before.json")
fi
# The fastest peer, if ../shared/bench/peers.sh installed it, in the same run.
KF="${KINGFISHER:-/opt/peers/bin/kingfisher}"
kf_s=""
if [ -x "$KF" ]; then
  hyperfine --warmup 1 --runs "${RUNS:-5}" -i --export-json "$tmp/kf.json" \
    "$KF scan --no-validate --no-update-check -q --format json -o $tmp/kf-out.json $TREE" >/dev/null
  kf_s=$(median "$tmp/kf.json")
fi
scanned=$( ("$BW" scan "$TREE" --no-default-skips --format json -q || true) | python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['bytes'], s['files'], s['skipped']['binary'])")
python3 - "$bytes" "$rg_s" "$bw_s" $scanned "$kf_s" "$before_s" <<'PY'
import sys
total, rg, bw, sb, sf, sbin = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
kf = float(sys.argv[7]) if sys.argv[7] else None
before = float(sys.argv[8]) if sys.argv[8] else None
print(f"tree: {total/1e6:.1f} MB on disk; blastwall scanned {sf} text files, {sb/1e6:.1f} MB ({sbin} binary skipped)")
print(f"ripgrep (one fixed string): {rg:.3f} s  {total/1e6/rg:7.0f} MB/s")
print(f"blastwall scan:             {bw:.3f} s  {total/1e6/bw:7.0f} MB/s  ({bw/rg:.1f}x ripgrep)")
if before is not None:
    print(f"blastwall before (BW_BEFORE): {before:.3f} s  {total/1e6/before:7.0f} MB/s  ({before/rg:.1f}x ripgrep; now {bw/before:.2f}x of it)")
if kf is None:
    print("kingfisher: not installed (bash ../shared/bench/peers.sh installs it)")
else:
    print(f"kingfisher scan:            {kf:.3f} s  {total/1e6/kf:7.0f} MB/s  ({kf/rg:.1f}x ripgrep)")
PY
rm -rf "$tmp"
