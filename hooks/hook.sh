#!/bin/sh
# blastwall-managed-hook v1: @HOOK@
# Installed by `blastwall install`; `blastwall uninstall` puts back what was here before.
# Runs `blastwall @HOOK@`, which blocks high-blast-radius credentials in what
# git is about to record or publish. Exit 0: clean, 1: blocked, 2: blastwall
# failed (which blocks too: fail closed).
hook_dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
hook_name=@HOOK@

# Hooks that git feeds on stdin (a push's refs) hand every hook here the same
# input, byte for byte (the '.' keeps trailing newlines through $(...)).
case "$hook_name" in
    pre-push|pre-receive)
        input=$(cat; echo .)
        input=${input%.}
        feed() { printf '%s' "$input" | "$@"; }
        ;;
    *)
        feed() { "$@"; }
        ;;
esac

# The interpreter a shebang line names (`#!/usr/bin/env bash` -> bash).
interpreter() {
    line=${1#\#!}
    set -f
    # shellcheck disable=SC2086
    set -- $line
    set +f
    name=${1##*/}
    if [ "$name" = env ]; then
        shift
        while [ "${1#-}" != "$1" ]; do shift; done
        name=${1##*/}
    fi
    printf '%s' "$name"
}

# Runs a hook that was here before blastwall under its own name, as if git
# had run it from this directory: hook managers (Husky) dispatch on
# `basename "$0"` and find their helpers beside "$0". A shell script is
# sourced by its own shell with $0 set to this hook's path; anything else
# runs directly.
run_chained() {
    chained=$1
    shift
    first=
    IFS= read -r first < "$chained" || true
    case "$first" in
        '#!'*) shell=$(interpreter "$first") ;;
        *) shell=sh ;;
    esac
    case "$shell" in
        sh|bash|dash|zsh|ksh|ash|mksh) ;;
        *) feed "$chained" "$@"; return ;;
    esac
    feed "$shell" -c '__blastwall_hook=$1; shift; . "$__blastwall_hook"' "$hook_dir/$hook_name" "$chained" "$@"
}

for chained in "$hook_dir/blastwall-chained/$hook_name" "$hook_dir/$hook_name.blastwall-chained"; do
    if [ -f "$chained" ] && [ -x "$chained" ]; then
        run_chained "$chained" "$@" || exit $?
    fi
done

# Installed globally (core.hooksPath): git no longer runs the repository's own
# hook, so run it here.
if [ "@SCOPE@" = global ]; then
    common=$(git rev-parse --git-common-dir 2>/dev/null) && common=$(CDPATH= cd -- "$common" && pwd)
    own="$common/hooks/$hook_name"
    if [ -n "$common" ] && [ -x "$own" ] && [ "$common/hooks" != "$hook_dir" ]; then
        # The repository's own hook is blastwall too: it runs the scan.
        if grep -q "blastwall-managed-hook" "$own" 2>/dev/null; then
            feed "$own" "$@"
            exit $?
        fi
        feed "$own" "$@" || exit $?
    fi
fi

bw="${BLASTWALL:-@BLASTWALL@}"
if [ ! -x "$bw" ]; then
    bw=$(command -v blastwall) || {
        echo "blastwall: binary not found (@BLASTWALL@, PATH); blocking (fail closed). Reinstall it, or remove this hook with 'blastwall uninstall'." >&2
        exit 2
    }
fi
feed "$bw" "$hook_name" "$@"
