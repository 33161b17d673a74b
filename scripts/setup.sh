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
