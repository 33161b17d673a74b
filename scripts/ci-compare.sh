#!/usr/bin/env bash
# What a CI job runs to price a deployment change (docs/ci.md): compares BASE with HEAD over
# TRACE with `placer compare`, writes the markdown comment to OUT — first line a hidden marker
# by which the workflow finds and updates its one comment — and exits as `placer compare` does:
# 0 within thresholds, 1 a threshold breached, 2 usage error, 65 bad input.
# Everything except talking to the code host happens here, so the test suite can run it.
#
#   scripts/ci-compare.sh BASE HEAD TRACE OUT [placer compare options…]
#
# PLACER names the placer binary (default: build a release binary here with swift build).
# On an error (status 2, 65, …) OUT still gets a comment saying what went wrong. With
# --only-if-changed and nothing material, no OUT is written (an old one is removed).
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: scripts/ci-compare.sh BASE HEAD TRACE OUT [placer compare options…]" >&2
    exit 2
fi
base=$1 head=$2 trace=$3 out=$4
shift 4
marker="<!-- placer-compare -->"

if [ -z "${PLACER:-}" ]; then
    cd "$(dirname "$0")/.." && scripts/setup.sh && swift build -c release --product placer >&2
    PLACER="$(swift build -c release --show-bin-path)/placer"
    cd - >/dev/null
fi

body=$(mktemp) errors=$(mktemp)
trap 'rm -f "$body" "$errors"' EXIT
status=0
# GitHub refuses comments over 65,536 characters: fall back to the summary well before that.
"$PLACER" compare "$base" "$head" --trace "$trace" --format markdown --max-size 60000 --out "$body" "$@" 2>"$errors" || status=$?
cat "$errors" >&2

if [ "$status" -eq 0 ] && [ ! -s "$body" ]; then
    rm -f "$out"
    exit 0
fi
{
    echo "$marker"
    if [ "$status" -le 1 ]; then
        cat "$body"
    else
        echo "## Placer could not compare this change (exit status $status)"
        echo
        # Indented: shown as code, so nothing in a message (a file or function name) renders.
        sed 's/^/    /' "$errors"
    fi
} >"$out.tmp"
mv "$out.tmp" "$out"
exit "$status"
