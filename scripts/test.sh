#!/usr/bin/env bash
# Builds (if needed) and runs every test through CTest. The zoo tests export one torchvision model
# of each family into build/zoo on first use (30 s, 1.4 GB). Pass ctest arguments through, e.g.
#   bash scripts/test.sh -L unit        # only the fast unit tests
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 1800 "$@"
