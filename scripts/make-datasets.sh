#!/bin/sh
# Regenerates every sample in datasets/ with the exact commands listed in datasets/README.md.
# The same commands give the same bytes (a test checks two of them), so a diff after running this
# means the generator changed.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product placer
placer=.build/release/placer
rm -rf datasets/azure2019 datasets/azure2021 datasets/huawei datasets/lambda-log datasets/lambda-insights datasets/invocations datasets/invocations-week
$placer generate --preset azure2019 --functions 200 --days 2 --seed 2019 --out datasets/azure2019
$placer generate --preset azure2021 --functions 60 --days 1 --seed 4 --max-daily-rate 150 --out datasets/azure2021
$placer generate --preset huawei --functions 60 --days 1 --seed 2023 --out datasets/huawei
$placer generate --preset lambda-log --functions 8 --days 1 --seed 2024 --max-daily-rate 300 --out datasets/lambda-log
$placer generate --preset lambda-insights --functions 20 --days 1 --seed 2024 --max-daily-rate 300 --out datasets/lambda-insights
$placer generate --preset invocations --functions 40 --days 1 --seed 7 --max-daily-rate 500 --out datasets/invocations
$placer generate --preset invocations --functions 10 --days 7 --seed 8 --max-daily-rate 100 --out datasets/invocations-week
