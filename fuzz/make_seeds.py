#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into fuzz/seeds/<target>/.

Seeds are valid inputs of each kind, drawn from this repository's own data
(rules.toml's fabricated examples, the README's config snippets, the agent
hook fixtures), so libFuzzer starts from inputs that reach deep code paths.
Run from the repository root: python3 fuzz/make_seeds.py
"""
import hashlib
import json
import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def main():
    rules = tomllib.loads((ROOT / "rules.toml").read_text())["rule"]
    # Every fourth rule's examples: enough to reach every classifier and
    # the keyword automaton's buckets without thousands of files.
    for r in rules[::4]:
        for ex in r.get("examples", []) + r.get("negative_examples", []):
            text = ex if isinstance(ex, str) else ex["text"]
            path = ".env" if isinstance(ex, str) else ex.get("path", ".env")
            put("engine", f"{path}\n{text}\n")
            key, _, value = text.partition("=")
            # classify: selector byte, name, NUL, secret
            sel = len(text) % 5 | 0x40
            put("classify", bytes([sel]) + key.encode()[:40] + b"\0" + value.encode())
    # a whole rules file, and single rules cut from it
    text = (ROOT / "rules.toml").read_text()
    for block in re.split(r"\n(?=\[\[rule\]\])", text)[1:40]:
        put("rules", block)
    # configs: every ```toml block in the README
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
        put("config", block)
    put("config", (ROOT / ".blastwall.toml").read_text())
    # baselines
    for f in (ROOT / "fuzz" / "seeds-src").glob("baseline*.json"):
        put("baseline", f.read_bytes())
    put("baseline", "{}")
    put("baseline", "")
    # pre-push / pre-receive input
    z, a = "0" * 40, "a" * 40
    put("prepush", f"refs/heads/main {a} refs/heads/main {z}\n")
    put("prepush", f"{z} {a} refs/heads/main\n{a} {z} refs/tags/v1\n")
    put("prepush", f"(delete) {z} refs/heads/old {a}\n")
    # agent hook events
    for f in (ROOT / "tests" / "fixtures" / "agents").rglob("*.json"):
        put("agent_event", f.read_bytes())


if __name__ == "__main__":
    main()
