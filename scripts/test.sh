#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test, then fuzzes every
# parser briefly (FUZZ_SECONDS per target, default 10; 0 skips it; docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test
fuzz_seconds="${FUZZ_SECONDS:-10}"
if [ "$fuzz_seconds" != 0 ]; then scripts/fuzz.sh "$fuzz_seconds"; fi
