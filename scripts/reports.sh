#!/usr/bin/env bash
# Regenerates the example reports in reports/ from datasets/ with `placer advise` (every catalog
# target, the example deployment's requirements), and records what they were made from:
#   reports/azure2019.md, reports/azure2019-*.svg   the report and its charts
#   reports/azure2019.json.gz                        the result JSON it renders from (gzip -n: same bytes)
#   reports/azure2019.inputs.sha256                  checksums of the trace, deployment, profiles, placement
#                                                    defaults and this script
# The CLI tests fail when these are stale. PLACER names the binary (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
placer=${PLACER:-.build/release/placer}
rm -f reports/azure2019.md reports/azure2019-*.svg reports/azure2019.json reports/azure2019.json.gz
"$placer" advise datasets/azure2019 --deployment docs/examples/lockin.yaml --seed 1 \
    --out reports/azure2019.md --json reports/azure2019.json
gzip -9nf reports/azure2019.json
sha256sum datasets/azure2019/* docs/examples/lockin.yaml Sources/Pricing/Profiles/*.yaml Sources/Placement/Data/* scripts/reports.sh \
    > reports/azure2019.inputs.sha256
