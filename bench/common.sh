# Shared by the bench scripts: build the release binary and the corpus.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SHARED="${BLASTWALL_SHARED:-$ROOT/../shared}"
CORPUS=/tmp/corpus
BW="${BW:-$ROOT/target/release/blastwall}"
# An earlier build to time beside this one in the same run (before/after).
BW_BEFORE="${BW_BEFORE:-}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: '$1' is required (apt-get install $2)" >&2; exit 2; }; }
need hyperfine hyperfine
need rg ripgrep

(cd "$ROOT" && cargo build --release --quiet)
if [ ! -f "$CORPUS/tree/.complete" ] || [ ! -f "$CORPUS/typical/.git/complete" ] || [ ! -f "$CORPUS/repo/.git/complete" ]; then
  echo "bench: building the benchmark corpus with $SHARED/bench/make_corpus.sh (downloads registry packages once)"
  bash "$SHARED/bench/make_corpus.sh"
fi

# Median of hyperfine's runs, in seconds, from its JSON export.
median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$1"; }

# The 50,000-file working trees of the reach benchmark (see reach.sh): the
# typical repository with its staged change, grown by a package tree.
build_reach() { # build_reach REPO LAYOUT
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

