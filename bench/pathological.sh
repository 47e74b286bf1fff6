#!/usr/bin/env bash
# Bounded time and memory on pathological input: each case must finish in
# under 2 s with under 300 MB peak RSS, and cost must grow linearly in bytes.
#  - a modified 200 MB staged file (pre-commit);
#  - a 20 MB single-line minified bundle, a 100,000-line lockfile and a 5 MB
#    line of base64 (scan).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# Every input is made at full size and at half size (in half/): the cost of
# the full one over the half one shows whether it grows linearly (2x).
for scale in 1 2; do
dest="$W"; [ "$scale" = 2 ] && dest="$W/half"
mkdir -p "$dest"
python3 - "$dest" "$scale" <<'PY'
import base64, os, random, sys
w = sys.argv[1]; div = int(sys.argv[2]); random.seed(7)
os.makedirs(f"{w}/files", exist_ok=True)
# A 20 MB minified bundle on one line.
chunk = "function a(b,c){return b.map(function(d){return d*c+1})};var x={key:\"value\",n:42,s:\"abc\"};"
with open(f"{w}/files/bundle.min.js", "w") as f:
    n = 0
    while n < (20 << 20) // div:
        f.write(chunk); n += len(chunk)
# A lockfile of 100,000 lines with integrity hashes.
with open(f"{w}/files/package-lock.json", "w") as f:
    f.write("{\n")
    for i in range(100000 // 4 // div):
        h = base64.b64encode(random.randbytes(64)).decode()
        f.write(f'  "node_modules/pkg-{i}": {{\n    "version": "1.{i % 97}.0",\n    "integrity": "sha512-{h}"\n  }},\n')
    f.write("}\n")
# A 5 MB line of base64.
with open(f"{w}/files/blob.b64", "w") as f:
    f.write("data = \"" + base64.b64encode(random.randbytes((5 << 20) * 3 // 4 // div)).decode() + "\"\n")
# A 200 MB text file, and its modified version.
os.makedirs(f"{w}/repo", exist_ok=True)
with open(f"{w}/repo/big.log", "w") as f:
    line = "2026-01-01T00:00:00Z INFO request handled path=/api/v1/items status=200 ms={}\n"
    n = 0; i = 0
    while n < (200 << 20) // div:
        s = line.format(i % 997); f.write(s); n += len(s); i += 1
PY
(cd "$dest/repo" && git init -q && git add big.log && git commit -q -m base && printf 'one more line\n' >> big.log && git add big.log)
done

measure() { # measure LABEL DIR CMD... (DIR relative to the work dir)
  local label=$1 dir=$2; shift 2
  (cd "$W/$dir" && /usr/bin/time -v "$@" > /dev/null 2> "$W/time.txt") || true
  (cd "$W/half/$dir" && /usr/bin/time -v "$@" > /dev/null 2> "$W/time-half.txt") || true
  python3 - "$W/time.txt" "$W/time-half.txt" "$label" <<'PY'
import re, sys
def read(path):
    t = open(path).read()
    wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss): ")[1].split("\n")[0]
    secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return secs, rss
(secs, rss), (half, _) = read(sys.argv[1]), read(sys.argv[2])
ok = "ok" if secs < 2 and rss < 300 else "OVER BUDGET"
growth = f"{secs / half:4.1f}x" if half >= 0.05 else "  - "
print(f"{sys.argv[3]:<40} {secs:6.2f} s  peak RSS {rss:6.0f} MB  {ok}   (half the bytes: {half:5.2f} s, {growth})")
PY
}
measure "pre-commit, modified 200 MB file" repo "$BW" pre-commit -q --no-baseline
measure "scan, 20 MB single-line bundle" files "$BW" scan bundle.min.js -q --format json --max-file-size 1000000000
measure "scan, 100,000-line lockfile" files "$BW" scan package-lock.json -q --format json
measure "scan, 5 MB line of base64" files "$BW" scan blob.b64 -q --format json
