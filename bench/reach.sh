#!/usr/bin/env bash
# Agent-reach cost: `blastwall pre-commit` (staged scan + working-tree check)
# in a 50,000-file working tree with the typical 20-file staged change.
# Cold: no reach cache; warm: the cache from the previous run.
#
# Two layouts of the same 50,000 files:
#  - deps: the package tree where a project keeps it (node_modules/,
#    .venv/, vendor/); node_modules and .venv are skipped by default;
#  - flat: every file walked (the package tree in a git-ignored folder
#    that is not a known dependency folder): the worst case.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

measure() { # measure REPO LABEL
  local REPO=$1
  files=$(find "$REPO" -path "$REPO/.git" -prune -o -type f -print | wc -l)
  echo "== $2: working tree $files files; staged: $(git -C "$REPO" diff --cached --shortstat)"
  tmp=$(mktemp -d)
  (cd "$REPO"
  hyperfine -N -i --runs "${RUNS:-10}" --prepare "rm -f .git/blastwall/reach-cache" \
    --export-json "$tmp/cold.json" "$BW pre-commit -q" >/dev/null 2>&1
  "$BW" pre-commit -q >/dev/null 2>&1 || true
  hyperfine -N -i --warmup 2 --runs "${RUNS:-30}" \
    --export-json "$tmp/warm.json" "$BW pre-commit -q" >/dev/null 2>&1)
  python3 - "$tmp/cold.json" "$tmp/warm.json" <<'PY'
import json, sys
for label, f in (("cold (no cache)", sys.argv[1]), ("warm (cache)", sys.argv[2])):
    r = json.load(open(f))["results"][0]
    print(f"blastwall pre-commit, {label}: median {r['median']*1000:.0f} ms "
          f"(min {r['min']*1000:.0f}, max {r['max']*1000:.0f}, {len(r['times'])} runs)")
PY
  (cd "$REPO" && "$BW" pre-commit 2>&1 | tail -1) || true
  rm -rf "$tmp"
}

build_reach "$CORPUS/reach50k-deps" deps
build_reach "$CORPUS/reach50k-flat" flat
measure "$CORPUS/reach50k-deps" "dependencies in node_modules/.venv/vendor"
measure "$CORPUS/reach50k-flat" "every file walked (worst case)"
