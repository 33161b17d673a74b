#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test (the Swift suite, then
# the Ray driver's under scripts/ray, docs/scale.md), then fuzzes every
# parser briefly (FUZZ_SECONDS per target, default 10; 0 skips it; docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test
# The Ray driver: its own tests, and a 2-shard job on a local Ray equal to the unsharded run.
PLACER="$(swift build --show-bin-path)/placer" .venv/bin/python -m pytest -q scripts/ray/tests
fuzz_seconds="${FUZZ_SECONDS:-10}"
if [ "$fuzz_seconds" != 0 ]; then scripts/fuzz.sh "$fuzz_seconds"; fi
