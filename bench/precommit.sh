#!/usr/bin/env bash
# Pre-commit latency: `blastwall pre-commit` in the 5,000-file repository with
# a typical staged change (20 files, ~2,000 added lines), as git runs it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REPO="$CORPUS/typical"
git -C "$REPO" diff --cached --shortstat
tmp=$(mktemp -d)
# The staged change carries planted fake credentials, so the hook exits 1 (-i).
(cd "$REPO" && hyperfine --warmup 3 --runs "${RUNS:-30}" -i -N \
  --export-json "$tmp/pc.json" "$BW pre-commit -q" >/dev/null)
python3 - "$tmp/pc.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"blastwall pre-commit: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, "
      f"min {r['min']*1000:.1f} ms, max {r['max']*1000:.1f} ms over {len(r['times'])} runs")
PY
(cd "$REPO" && "$BW" pre-commit 2>&1 | tail -1) || true
rm -rf "$tmp"
