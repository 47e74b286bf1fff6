#!/usr/bin/env bash
# install.sh [REPO]: build blastwall, put it on PATH, install its git hooks in
# a repository and scan it.
#
# Needs only the Rust toolchain and git. Installs the release binary with
# `cargo install` (into ~/.cargo/bin, which rustup puts on PATH), installs the
# pre-commit and pre-push hooks into REPO (default: the current repository;
# existing hooks are kept and run first), then scans REPO.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:-$PWD}"

command -v cargo >/dev/null 2>&1 || { echo "install.sh: cargo not found; install Rust from https://rustup.rs" >&2; exit 2; }
command -v git >/dev/null 2>&1 || { echo "install.sh: git not found" >&2; exit 2; }

echo "==> building and installing blastwall (release)"
cargo install --quiet --locked --force --path "$here"
bin="$(command -v blastwall || true)"
if [ -z "$bin" ]; then
  bin="${CARGO_HOME:-$HOME/.cargo}/bin/blastwall"
  echo "note: $(dirname "$bin") is not on PATH; add it, e.g. export PATH=\"$(dirname "$bin"):\$PATH\""
fi
echo "    installed: $bin ($("$bin" --version))"

repo="$(git -C "$target" rev-parse --show-toplevel 2>/dev/null || true)"
if [ -z "$repo" ]; then
  echo "install.sh: $target is not inside a git repository; no hooks installed, scanning it as a directory"
  repo="$target"
else
  echo "==> installing the git hooks in $repo"
  (cd "$repo" && "$bin" install)
fi

echo "==> scanning $repo (tree, including git-ignored files an agent can read)"
set +e
(cd "$repo" && "$bin" scan)
status=$?
set -e
case $status in
  0) echo "==> done: nothing at or above the block tier." ;;
  1) echo "==> done: findings above need attention (see why/fix for each)." ;;
  *) echo "==> scan failed (exit $status)"; exit $status ;;
esac
