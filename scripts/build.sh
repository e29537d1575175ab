#!/usr/bin/env bash
# Configures (once) and builds into build/ with Ninja. Extra arguments go to cmake's configure.
# Release, without debug information: with it the build tree took 1.8 GB, too much for a CI machine
# short of disk (pass -DCMAKE_BUILD_TYPE=RelWithDebInfo for a debuggable build).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build build -j "$(nproc)"
