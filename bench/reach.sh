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

build() { # build REPO LAYOUT
  local REPO=$1 layout=$2
  [ -f "$REPO/.git/complete" ] && return
  rm -rf "$REPO"
  git clone -q "$CORPUS/typical" "$REPO"
  # The same staged change as the typical repository.
  (cd "$CORPUS/typical" && git diff --cached --binary) | git -C "$REPO" apply --index
  # Grow the working tree to 50,000 files: the package tree as a git-ignored
  # local cache (as agents' working directories often have), plus small files.
  if [ "$layout" = flat ]; then
    printf 'local-cache/\n' >> "$REPO/.git/info/exclude"
    cp -r "$CORPUS/tree" "$REPO/local-cache"
    gen="$REPO/local-cache/generated"
  else
    printf 'node_modules/\n.venv/\nvendor/\n' >> "$REPO/.git/info/exclude"
    cp -r "$CORPUS/tree/js" "$REPO/node_modules"
    mkdir -p "$REPO/.venv/lib/python3.12"
    cp -r "$CORPUS/tree/python" "$REPO/.venv/lib/python3.12/site-packages"
    cp -r "$CORPUS/tree/rust/vendor" "$REPO/vendor"
    gen="$REPO/node_modules/.cache/generated"
  fi
  have=$(find "$REPO" -path "$REPO/.git" -prune -o -type f -print | wc -l)
  python3 - "$gen" $((50000 - have)) <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(max(0, n)):
    d = os.path.join(root, f"d{i // 500:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.txt"), "w") as f:
        f.write(f"generated file {i}\nvalue = {i * 7919 % 104729}\n")
PY
  touch "$REPO/.git/complete"
}

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

build "$CORPUS/reach50k-deps" deps
build "$CORPUS/reach50k-flat" flat
measure "$CORPUS/reach50k-deps" "dependencies in node_modules/.venv/vendor"
measure "$CORPUS/reach50k-flat" "every file walked (worst case)"
