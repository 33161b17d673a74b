#!/usr/bin/env bash
# Builds the release binaries and packs them for a GitHub release (docs/ci.md, "Releases"):
#
#   scripts/package-release.sh VERSION [OUTDIR]
#
# writes OUTDIR/placer-linux-ARCH.tar.gz (ARCH from `uname -m`: x86_64, aarch64) and its
# .sha256 (OUTDIR defaults to dist/). The archive holds one folder, placer-linux-ARCH/, with
#   placer, placer-worker    the executables, stripped; `placer execute` starts placer-worker
#                            from the folder placer is in, so keep them together
#   *.resources/             the catalog's profiles and the on-prem defaults, which placer reads
#                            from the folder it is in
#   VERSION, README.md, ci.md
# The Swift runtime and Foundation are linked in (--static-swift-stdlib); what stays dynamic is
# the C libraries Placer and FoundationNetworking build against: libcsv (libcsv3), SQLite
# (libsqlite3-0), libcurl (libcurl4), and the C/C++ runtime. Build on the oldest glibc you want
# to run on (the release workflow uses Ubuntu 22.04's).
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: scripts/package-release.sh VERSION [OUTDIR]" >&2
    exit 2
fi
version=$1
out=${2:-dist}
cd "$(dirname "$0")/.."
mkdir -p "$out"
out=$(cd "$out" && pwd)

scripts/setup.sh
# FoundationNetworking linked statically needs libcurl's development files to link against.
if ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libcurl4-openssl-dev >/dev/null
fi

flags=(-c release --static-swift-stdlib)
swift build "${flags[@]}" --product placer >&2
swift build "${flags[@]}" --product placer-worker >&2
bin=$(swift build "${flags[@]}" --show-bin-path)

arch=$(uname -m)
name="placer-linux-$arch"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
for executable in placer placer-worker; do
    cp "$bin/$executable" "$stage/$name/"
    strip "$stage/$name/$executable"
done
# Every resource bundle of the products (a test target's bundle is no part of them).
for bundle in "$bin"/*.resources; do
    case "$bundle" in *Tests.resources) continue ;; esac
    cp -R "$bundle" "$stage/$name/"
done
echo "$version" >"$stage/$name/VERSION"
cp README.md "$stage/$name/README.md"
cp docs/ci.md "$stage/$name/ci.md"

# Sorted names, no owner, one time: the archive differs only where the files do.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
    -C "$stage" -cf - "$name" | gzip -9n >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
