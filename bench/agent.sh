#!/usr/bin/env bash
# Agent-hook decision latency: `blastwall agent-hook claude` answering typical
# events in the 5,000-file repository (warm reach cache), next to `true` in
# the same run. Agents run the hook before every tool call.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REPO="$CORPUS/typical"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ev() { # ev NAME TOOL JSON-INPUT
  python3 -c "import json,sys; print(json.dumps({'session_id':'s','cwd':sys.argv[1],'hook_event_name':'PreToolUse','tool_name':sys.argv[2],'tool_input':json.loads(sys.argv[3])}))" "$REPO" "$2" "$3" > "$tmp/$1.json"
}
ev read-clean Read "{\"file_path\": \"$REPO/README.md\"}"
ev read-secret Read "{\"file_path\": \"$REPO/app/integrations/payments.py\"}"
ev bash-cat Bash '{"command": "cat README.md | head -20"}'
ev bash-grep-r Bash '{"command": "grep -rn TODO ."}'
ev write Write "{\"file_path\": \"$REPO/app/new.py\", \"content\": \"def f():\\n    return 1\\n\"}"
python3 -c "import json,sys; print(json.dumps({'session_id':'s','cwd':sys.argv[1],'hook_event_name':'UserPromptSubmit','prompt':'Refactor the payment module, see @app/integrations/notify.py'}))" "$REPO" > "$tmp/prompt.json"
# Warm the reach cache the way a commit would.
(cd "$REPO" && "$BW" pre-commit -q >/dev/null 2>&1 || true)
# hyperfine 1.15 has no --input: each command reads its event through
# `sh -c '… < file'`, and the baseline is `sh -c 'true < file'`, the same way.
args=("sh -c 'true < $tmp/read-clean.json'")
for e in read-clean read-secret bash-cat bash-grep-r write prompt; do
  args+=("sh -c '$BW agent-hook claude < $tmp/$e.json > /dev/null 2>&1'")
done
(cd "$REPO" && hyperfine -N -i --warmup 3 --runs "${RUNS:-30}" --export-json "$tmp/agent.json" "${args[@]}" >/dev/null)
python3 - "$tmp/agent.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
names = ["read-clean", "read-secret", "bash-cat", "bash-grep-r", "write", "prompt"]
for name, x in zip(names, r[1:]):
    print(f"agent-hook {name:<12} median {x['median']*1000:6.1f} ms  ({1000*(x['median']-base):5.1f} ms over `true`, {base*1000:.1f} ms)")
PY
