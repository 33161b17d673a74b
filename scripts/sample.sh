#!/usr/bin/env bash
# The main job on the bundled sample data: installs what is missing, builds, ingests the Azure 2019
# sample into placer.db and inspects it, then inspects every other sample. What it prints is also
# written to reports/sample-inspect.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release
placer=.build/release/placer
rm -f placer.db placer.db-journal
{
    echo "== placer ingest --db placer.db datasets/azure2019"
    "$placer" ingest --db placer.db datasets/azure2019
    echo
    echo "== placer inspect placer.db"
    "$placer" inspect placer.db
    for sample in azure2021 huawei lambda-log lambda-insights invocations invocations-week; do
        [ -d "datasets/$sample" ] || continue
        echo
        echo "== placer inspect datasets/$sample"
        "$placer" inspect "datasets/$sample"
    done
} | tee reports/sample-inspect.txt
