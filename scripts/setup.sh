#!/usr/bin/env bash
# Installs the system libraries Placer builds against, when they are missing (Debian/Ubuntu).
set -euo pipefail
missing=()
for package in libcsv-dev libsqlite3-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: the Swift toolchain (6.0 or later) is not on PATH" >&2; exit 1; }

# The Ray driver of sharded runs (scripts/ray, docs/scale.md) and its tests: Ray and pytest from
# PyPI in .venv beside the repository (about 300 MB, 3 minutes the first time; skipped once there).
ray_version=2.60.0
pytest_version=9.0.2
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
if ! "$venv/bin/python" -c "import ray, pytest, sys; sys.exit(ray.__version__ != '$ray_version')" >/dev/null 2>&1; then
    echo "installing ray $ray_version and pytest into $venv" >&2
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        # Debian and Ubuntu ship venv apart.
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check "ray==$ray_version" "pytest==$pytest_version"
fi
