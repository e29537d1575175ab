#!/usr/bin/env bash
# Trains the shipped model (models/default/latency-model.json) on the committed dataset and fits
# the HRM vector of every measured platform of this machine (models/default/hrm/<platform>.json).
# Run after scripts/collect-dataset.sh --publish. Deterministic for a given dataset and seed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
OUT=models/default
mkdir -p "$OUT/hrm"
stores=""
for s in reference generated zoo; do [ -f "data/$s.csv.gz" ] && stores="$stores --data data/$s.csv.gz"; done
# shellcheck disable=SC2086
"$BIN" train $stores --features data/features.csv.gz --out "$OUT/latency-model.json" --seed 1 --threads 2
for p in $(/usr/bin/python3 -c "
import csv, gzip
print(' '.join(sorted({r['platform'] for r in csv.DictReader(gzip.open('data/reference.csv.gz', 'rt'))})))"); do
  "$BIN" hrm --model "$OUT/latency-model.json" --data data/reference.csv.gz --platform "$p" --out "$OUT/hrm/$p.json"
done
