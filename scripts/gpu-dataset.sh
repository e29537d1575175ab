#!/usr/bin/env bash
# The GPU platforms of the dataset (docs/dataset.md, "GPU platforms"): the same reference set,
# generated networks (seed 1, first 300) and zoo as the CPU stores, timed with PyTorch CUDA.
#   scripts/gpu-dataset.sh pack      # here: TorchScript with zeroed weights, gzip (~12 MB) -> build/gpu-set/packed
#   (on the GPU machine, from the repository root, with build/gpu-set/packed copied along)
#   python3 predictor/tools/measure_cuda.py build/gpu-set/packed OUT --visits 3 [--deadline S]
#   scripts/gpu-dataset.sh publish OUT/gpu.csv   # here: -> data/gpu.csv.gz + data/gpu.platforms.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
G=build/gpu-set
case "${1:-}" in
  pack)
    [ -f data/work/zoo.csv ] || { echo "gpu-dataset.sh: data/work/zoo.csv (the zoo's hashes) is missing: run scripts/collect-dataset.sh first" >&2; exit 1; }
    [ -f build/zoo/manifest.json ] || /usr/bin/python3 predictor/tools/export_zoo.py build/zoo --skip-existing
    rm -rf "$G/reference" "$G/generated" "$G/packed"
    "$BIN" generate --count 120 --seed 20261126 --min-flops 20e6 --max-flops 4e9 --out "$G/reference" --format torchscript
    "$BIN" generate --count 300 --seed 1 --out "$G/generated" --format torchscript
    /usr/bin/python3 predictor/tools/pack_weightless.py "$G/packed" --index "reference:$G/reference" \
      --index "generated:$G/generated" --zoo build/zoo --zoo-store data/work/zoo.csv
    ;;
  publish)
    src=${2:?usage: gpu-dataset.sh publish PATH/gpu.csv}
    "$BIN" hrm --data "$src" --platform torch-cuda-fp32-h100 >/dev/null  # the store must parse
    gzip -9 -n -c "$src" >data/gpu.csv.gz.tmp && mv data/gpu.csv.gz.tmp data/gpu.csv.gz
    cp "$src.platforms.jsonl" data/gpu.platforms.jsonl
    echo "published data/gpu.csv.gz ($(($(gunzip -c data/gpu.csv.gz | wc -l) - 1)) rows)"
    ;;
  *) echo "usage: scripts/gpu-dataset.sh pack | publish PATH/gpu.csv" >&2; exit 2 ;;
esac
