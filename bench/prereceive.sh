#!/usr/bin/env bash
# Server-side cost: `blastwall pre-receive` as git runs it (a real `git push`
# into a bare repository with `blastwall install --server`, objects in
# quarantine), for
#  - a typical push: 20 commits of about 100 added lines each, into the
#    5,000-file repository;
#  - a new branch of 2,000 commits (the history benchmark's repository),
#    pushed to an empty server.
# Each push is timed whole (git's own work included) next to the same push
# into a server without the hook, in one run; the difference is blastwall's.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# A clone of the typical repository with 20 new commits on top of its HEAD.
git clone -q "$CORPUS/typical" "$W/typical"
(cd "$W/typical"
 git reset -q --hard
 for i in $(seq 1 20); do
   python3 - "$i" <<'PY'
import sys, random
import os
i = int(sys.argv[1]); random.seed(i)
os.makedirs("app", exist_ok=True)
with open(f"app/feature_{i % 7}.py", "a") as f:
    for n in range(100):
        f.write(f"def handler_{i}_{n}(request):\n    return {{'id': {random.randint(0, 10**6)}, 'ok': True}}\n" if n % 2 else f"# step {i}.{n}\n")
PY
   git add -A && git commit -q -m "feature step $i"
 done)

server() { # server DIR HOOKED
  rm -rf "$1"; git init -q --bare "$1"
  if [ "$2" = yes ]; then (cd "$1" && "$BW" install --server >/dev/null); fi
}
base=$(git -C "$W/typical" rev-parse HEAD~20)
tmp=$(mktemp -d)
# The server already has the base; each run pushes the 20 new commits.
prep_typical() { for h in hooked plain; do server "$W/srv-$h" $([ $h = hooked ] && echo yes || echo no)
  git -C "$W/typical" push -q --no-verify "$W/srv-$h" "$base:refs/heads/main" 2>/dev/null; done; }
prep_typical
hyperfine -N -i --runs "${RUNS:-10}" \
  --prepare "bash -c 'for h in hooked plain; do git -C $W/srv-\$h update-ref refs/heads/main $base; done'" \
  --export-json "$tmp/typical.json" \
  "git -C $W/typical push -q --no-verify --force $W/srv-hooked HEAD:refs/heads/main" \
  "git -C $W/typical push -q --no-verify --force $W/srv-plain HEAD:refs/heads/main" >/dev/null

# 2,000 commits as a new branch into an empty server, with the time budget
# raised so that the scan's own time is measured (the default 4.5 s budget
# rejects such a push, as it should on GitHub Enterprise Server).
HIST="$CORPUS/history"
if [ ! -f "$HIST/.git/complete" ]; then bash "$BENCH_DIR/history.sh" >/dev/null; fi
hyperfine -N -i --runs "${RUNS_BIG:-3}" \
  --prepare "bash -c 'rm -rf $W/big-hooked $W/big-plain; git init -q --bare $W/big-hooked; git init -q --bare $W/big-plain; cd $W/big-hooked && $BW install --server >/dev/null && printf \"[server]\\ntimeout = 600\\n\" > blastwall.toml'" \
  --export-json "$tmp/big.json" \
  "git -C $HIST push -q --no-verify $W/big-hooked main" \
  "git -C $HIST push -q --no-verify $W/big-plain main" >/dev/null

python3 - "$tmp/typical.json" "$tmp/big.json" <<'PY'
import json, sys
for path, what in zip(sys.argv[1:], ["20-commit push (typical)", "2,000-commit new branch"]):
    r = json.load(open(path))["results"]
    hooked, plain = r[0]["median"], r[1]["median"]
    print(f"{what}: push with pre-receive {hooked:.3f} s, without {plain:.3f} s: blastwall adds {hooked - plain:.3f} s (median)")
PY
# What the hook reported on the last typical push (and that it accepted).
server "$W/srv-hooked" yes
git -C "$W/typical" push --no-verify "$W/srv-hooked" HEAD:refs/heads/main 2>&1 | grep -E "blastwall pre-receive:" | tail -1 || true
rm -rf "$tmp"
