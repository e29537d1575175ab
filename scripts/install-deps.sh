#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages (nothing else is fetched).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  build-essential cmake ninja-build pkg-config \
  libtorch-dev \
  libonnx-dev libprotobuf-dev \
  nlohmann-json3-dev libcli11-dev catch2 \
  python3 python3-torch python3-torchvision python3-onnx
