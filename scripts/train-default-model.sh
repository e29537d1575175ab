#!/usr/bin/env bash
# Trains the shipped model (models/default/latency-model.json) on the committed dataset of both
# CPU machines (data/ and data/zen4/: thirteen platforms) and fits the HRM vector of every
# measured platform (models/default/hrm/<platform>.json). Run after scripts/collect-dataset.sh
# --publish. Deterministic for a given dataset and seed. Training on both machines' platforms
# gives a new node's HRM mixture thirteen cost models to draw on instead of six (docs/model.md,
# "Training on both machines").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
OUT=models/default
mkdir -p "$OUT/hrm"
stores=""
for s in data/reference data/generated data/zoo data/zen4/reference data/zen4/generated data/zen4/extended data/zen4/zoo; do
  [ -f "$s.csv.gz" ] && stores="$stores --data $s.csv.gz"
done
# shellcheck disable=SC2086
"$BIN" train $stores --features data/features.csv.gz --out "$OUT/latency-model.json" --seed 1 --threads 2
for refs in data/reference.csv.gz data/zen4/reference.csv.gz; do
  [ -f "$refs" ] || continue
  for p in $(/usr/bin/python3 -c "
import csv, gzip, sys
print(' '.join(sorted({r['platform'] for r in csv.DictReader(gzip.open(sys.argv[1], 'rt'))})))" "$refs"); do
    "$BIN" hrm --model "$OUT/latency-model.json" --data "$refs" --platform "$p" --out "$OUT/hrm/$p.json"
  done
done
