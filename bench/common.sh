# Shared by the bench scripts: build the release binary and the corpus.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SHARED="${BLASTWALL_SHARED:-$ROOT/../shared}"
CORPUS=/tmp/corpus
BW="$ROOT/target/release/blastwall"

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
