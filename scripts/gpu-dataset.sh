#!/usr/bin/env bash
# The GPU platforms of the dataset (docs/dataset.md, "GPU platforms"): the same reference set,
# generated networks (seed 1, first 300) and zoo as the CPU stores, timed with PyTorch CUDA.
#   scripts/gpu-dataset.sh pack      # here: TorchScript with zeroed weights, gzip (~12 MB) -> build/gpu-set/packed
#   (on the GPU machine, from the repository root, with build/gpu-set/packed copied along)
#   python3 predictor/tools/measure_cuda.py build/gpu-set/packed OUT --visits 3 \
#       --resume-from data/gpu.csv.gz [--deadline S]   # platform names end in the GPU's model (h100, h200)
#   scripts/gpu-dataset.sh publish OUT/gpu.csv...  # here: merged into data/work/gpu.csv (a new row
#                                                  # replaces the old one of its key) -> data/gpu.csv.gz
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
    shift
    [ $# -gt 0 ] || { echo "usage: gpu-dataset.sh publish PATH/gpu.csv..." >&2; exit 2; }
    W=data/work/gpu.csv
    mkdir -p data/work
    if [ ! -f "$W" ] && [ -f data/gpu.csv.gz ]; then
      gunzip -c data/gpu.csv.gz >"$W" && cp data/gpu.platforms.jsonl "$W.platforms.jsonl"
    fi
    for src in "$@"; do /usr/bin/python3 predictor/tools/merge_store.py "$W" "$src"; done
    "$BIN" hrm --data "$W" --platform torch-cuda-fp32-h100 >/dev/null  # the C++ reader must accept it
    gzip -9 -n -c "$W" >data/gpu.csv.gz.tmp && mv data/gpu.csv.gz.tmp data/gpu.csv.gz
    cp "$W.platforms.jsonl" data/gpu.platforms.jsonl
    echo "published data/gpu.csv.gz ($(($(gunzip -c data/gpu.csv.gz | wc -l) - 1)) rows)"
    ;;
  *) echo "usage: scripts/gpu-dataset.sh pack | publish PATH/gpu.csv..." >&2; exit 2 ;;
esac
