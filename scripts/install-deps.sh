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
  libopencv-dnn-dev libssl-dev \
  nlohmann-json3-dev libcli11-dev catch2 libeigen3-dev zlib1g-dev libyaml-cpp-dev libglpk-dev \
  libboost-dev clang libclang-rt-14-dev wrk curl openssl \
  python3 python3-torch python3-torchvision python3-onnx python3-yaml python3-kubernetes
# The BLAS behind LibTorch is part of the platform (docs/measurement.md). Debian's LibTorch loads
# libblas.so.3, which the alternatives system points at the reference (netlib) BLAS unless
# OpenBLAS is installed. We install OpenBLAS deliberately (vit_b_32 runs ~10x faster on it), and
# keep the reference BLAS (libblas3, a LibTorch dependency) as the separate platform
# torch-refblas-2t; each measuring worker selects its library by path.
$SUDO apt-get install -y -q --no-install-recommends libopenblas0-pthread libblas3 liblapack3
