#!/usr/bin/env bash
# The main job on embedded defaults. Today: export the torchvision zoo (random weights, no
# download), generate a set of random networks (Table IV), analyze both (Table III), and
# benchmark this machine: the HRM reference set on two platforms. Later issues extend it to the
# whole local pipeline (HRM, predict, simulate, report).
# Outputs go to build/: zoo/, generated/, report/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
mkdir -p build/report
echo "== exporting the zoo (torchvision $(/usr/bin/python3 -c 'import torchvision; print(torchvision.__version__)'), random weights) into build/zoo"
/usr/bin/python3 predictor/tools/export_zoo.py build/zoo --skip-existing
echo "== generating 100 random networks (seed 1) into build/generated"
rm -rf build/generated
"$BIN" generate --count 100 --seed 1 --out build/generated
echo "== analyzing the zoo (ONNX form) -> build/report/zoo-features.json"
"$BIN" analyze build/zoo/*.onnx --json > build/report/zoo-features.json
"$BIN" analyze build/zoo/*.onnx --summary
echo "== analyzing the generated networks (TorchScript form) -> build/report/generated-features.json"
"$BIN" analyze build/generated/*.pt --json > build/report/generated-features.json
"$BIN" analyze build/generated/gen-1-{0,1,2,3,4}.pt --summary
echo "== benchmarking this machine: the HRM reference set on torch-frozen-2t and opencv-2t -> build/report/reference.csv"
"$BIN" platforms
resume=""
[ -s build/report/reference.csv ] && resume=--resume
"$BIN" measure --platform torch-frozen-2t,opencv-2t --reference-set --out build/report/reference.csv $resume
echo "done: build/report/"
