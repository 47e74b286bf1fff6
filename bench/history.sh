#!/usr/bin/env bash
# History scan: `blastwall scan --history` of a generated repository with
# 2,000+ commits and 200+ MB of unique blob content (the benchmark tree added
# file by file over 2,000 commits, every 10th commit also rewriting a file).
# Reports MB/s of unique blob bytes and peak RSS (GNU time).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
REPO="$CORPUS/history"
if [ ! -f "$REPO/.git/complete" ]; then
  rm -rf "$REPO"; git init -q -b main "$REPO"
  python3 - "$CORPUS/tree" <<'PY' | git -C "$REPO" fast-import --quiet
import os, sys
root = sys.argv[1]
files = []
for d, _, fs in os.walk(root):
    for f in sorted(fs):
        p = os.path.join(d, f)
        if os.path.islink(p) or f == ".complete":
            continue
        files.append(os.path.relpath(p, root))
files.sort()
commits, per = 2000, max(1, len(files) // 2000 + 1)
out = sys.stdout.buffer
mark = 0
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
for c in range(commits):
    chunk = files[c * per:(c + 1) * per]
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.invalid> %d +0000\n" % (1700000000 + c * 60))
    data(b"commit %d" % c)
    if c == 0:
        pass
    for rel in chunk:
        with open(os.path.join(root, rel), "rb") as fh:
            blob = fh.read()
        out.write(b"M 644 inline %s\n" % rel.encode())
        data(blob)
    if c % 10 == 9 and chunk:
        rel = chunk[0]
        with open(os.path.join(root, rel), "rb") as fh:
            blob = fh.read() + b"\n# revision %d\n" % c
        out.write(b"M 644 inline %s\n" % rel.encode())
        data(blob)
    out.write(b"\n")
PY
  git -C "$REPO" reset -q --hard main
  touch "$REPO/.git/complete"
fi
commits=$(git -C "$REPO" rev-list --count HEAD)
tmp=$(mktemp -d)
( cd "$REPO" && /usr/bin/time -v "$BW" scan --history --no-default-skips --format json -q > "$tmp/out.json" 2> "$tmp/time.txt" ) || true
python3 - "$tmp/out.json" "$tmp/time.txt" "$commits" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1])); t = open(sys.argv[2]).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss): ")[1].split("\n")[0]
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
s = j["summary"]
print(f"history: {sys.argv[3]} commits; scanned {s['files']} files/blobs, {s['bytes']/1e6:.1f} MB "
      f"(working tree and unique blobs; {s['skipped']['binary']} binary skipped)")
print(f"blastwall scan --history: {secs:.2f} s, {s['bytes']/1e6/secs:.0f} MB/s, peak RSS {rss:.0f} MB, "
      f"findings {s['findings_by_tier']}")
PY
rm -rf "$tmp"
