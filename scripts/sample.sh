#!/usr/bin/env bash
# The main job on the bundled sample data: installs what is missing, builds, writes the report of
# the Azure 2019 sample with `placer advise` (scripts/reports.sh: reports/azure2019.md, its charts
# and its JSON), then ingests the sample into placer.db and inspects it, simulates it on every cloud
# target and two on-prem ones, prints its lock-in and compliance, places each function (placer
# place), and inspects every other sample. What it prints is written to reports/ (sample-inspect.txt,
# sample-simulate.txt, lockin-azure2019.txt) with the JSON result.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release
placer=.build/release/placer
echo "== placer advise datasets/azure2019 --deployment docs/examples/lockin.yaml --out reports/azure2019.md"
PLACER="$placer" scripts/reports.sh
echo
rm -f placer.db placer.db-journal
targets=(aws-lambda-x86 aws-lambda-arm64 azure-consumption azure-flex gcf-gen1 cloud-run oci-functions knative openfaas)
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
echo
{
    echo "== placer simulate placer.db ${targets[*]/#/--target } --json reports/sample-result.json"
    "$placer" simulate placer.db "${targets[@]/#/--target=}" --json reports/sample-result.json 2>&1
} | tee reports/sample-simulate.txt
echo
{
    echo "== placer lockin placer.db"
    "$placer" lockin placer.db 2>&1
} | tee reports/lockin-azure2019.txt
{
    echo "== placer lockin placer.db --deployment docs/examples/lockin.yaml"
    "$placer" lockin placer.db --deployment docs/examples/lockin.yaml 2>&1 || true
} > reports/lockin-azure2019-deployment.txt
# The CI comparison of the two committed deployment files (docs/ci.md); a breached threshold
# (exit status 1) is the expected outcome here: the change costs more than 10 %.
status=0
PLACER="$placer" scripts/ci-compare.sh datasets/deployments/base.yaml datasets/deployments/head.yaml datasets/invocations \
    reports/compare-deployments.md --fail-on-cost-increase 10% --fail-on-p99-increase 20% --fail-on-new-violation --no-free-tier 2>/dev/null || status=$?
echo "== scripts/ci-compare.sh datasets/deployments/base.yaml datasets/deployments/head.yaml … (exit status $status)"
cat reports/compare-deployments.md
"$placer" simulate datasets/invocations --deployment datasets/deployments/head.yaml --no-free-tier --json reports/compare-head-result.json >/dev/null 2>&1
"$placer" export infracost-usage --json reports/compare-head-result.json --out reports/infracost-usage.yml
{
    echo "== placer place placer.db --json reports/place-result.json"
    "$placer" place placer.db --json reports/place-result.json 2>&1
} | tee reports/place-azure2019.txt
{
    echo "== placer place placer.db --deployment docs/examples/onprem.yaml"
    "$placer" place placer.db --deployment docs/examples/onprem.yaml 2>&1
} > reports/place-azure2019-deployment.txt
