#!/usr/bin/env bash
# The main job on embedded defaults: export the torchvision zoo (random weights, no download),
# generate a set of random networks (Table IV), analyze both (Table III), benchmark this machine
# (the HRM reference set on two platforms), fit its HRM vectors against the shipped model, and
# predict the zoo on them, simulate the cluster, and ask the scheduler extender where deadline
# pods would go on this machine's platforms.
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
echo "== fitting this machine's HRM vectors against the shipped model (models/default) -> build/report/hrm-*.json"
for p in torch-frozen-2t opencv-2t; do
  "$BIN" hrm --data build/report/reference.csv --platform "$p" --out "build/report/hrm-$p.json"
done
echo "== predicting the zoo on them (batch 1) -> build/report/zoo-predictions.json"
"$BIN" predict --hrm build/report/hrm-torch-frozen-2t.json --hrm build/report/hrm-opencv-2t.json build/zoo/*.onnx
"$BIN" predict --hrm build/report/hrm-torch-frozen-2t.json --hrm build/report/hrm-opencv-2t.json build/zoo/*.onnx --json \
  > build/report/zoo-predictions.json
echo "== simulating the default 10-node cluster, four policies (100 s of arrivals; docs/policy.md has the full 400 s sweep) -> build/report/simulation"
"$BIN" simulate --rates 10,20,40,70 --duration 100 --out-dir build/report/simulation
echo "== the same cluster with zoo tasks run as measured batches of 16 (docs/simulation/zoo-batch16.yaml) -> build/report/simulation-zoo"
"$BIN" simulate --cluster docs/simulation/zoo-batch16.yaml --rates 1,2,3 --duration 100 --out-dir build/report/simulation-zoo
echo "== the scheduler extender on this machine's two platforms as nodes: where deadline pods go -> build/report/extender"
/usr/bin/python3 scripts/extender-demo.py build/bin/acesniper-extender build/report/extender \
  build/report/hrm-torch-frozen-2t.json build/report/hrm-opencv-2t.json
echo "done: build/report/"
