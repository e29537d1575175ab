#!/usr/bin/env bash
# Collects the measured dataset (docs/dataset.md) on every platform of PLATFORMS: the HRM
# reference set, generated networks (seed 1) in chunks of 100, a second pass over the first 300
# for the noise floor, and the zoo at batch 1 and 16. Resumable: rerun it and it continues where it stopped
# (each store skips what it has). `--publish` writes the feature table of every stored network
# and compresses it and the stores into data/ for committing; a fresh checkout starts from those.
#   scripts/collect-dataset.sh [--networks N] [--until HH:MM] [--publish]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
PLATFORMS=${PLATFORMS:-torch-eager-1t,torch-eager-2t,torch-frozen-2t,torch-noonednn-2t,torch-refblas-2t,opencv-2t}
NETWORKS=5000
CHUNK=100
NOISE=300
UNTIL=""
PUBLISH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --networks) NETWORKS=$2; shift 2 ;;
    --until) UNTIL=$2; shift 2 ;;
    --publish) PUBLISH=1; shift ;;
    *) echo "collect-dataset.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
WORK=data/work
mkdir -p "$WORK"
STORES="reference zoo generated noise-pass2"

features() {  # the feature table of every stored network (DNN -> features, for training)
  "$BIN" features $(for s in $STORES; do [ -f "$WORK/$s.csv" ] && echo --store "$WORK/$s.csv"; done) \
    --models build/zoo --out "$WORK/features.csv"
}
publish() {
  features
  gzip -9 -n -c "$WORK/features.csv" >data/features.csv.gz.tmp && mv data/features.csv.gz.tmp data/features.csv.gz
  for s in $STORES; do
    [ -f "$WORK/$s.csv" ] || continue
    gzip -9 -n -c "$WORK/$s.csv" >"data/$s.csv.gz.tmp" && mv "data/$s.csv.gz.tmp" "data/$s.csv.gz"
    cp "$WORK/$s.csv.platforms.jsonl" "data/$s.platforms.jsonl"
  done
  echo "published: $(ls data/*.csv.gz | tr '\n' ' ')"
}
if [ $PUBLISH = 1 ]; then publish; exit 0; fi

# A fresh checkout continues from the committed stores.
for s in $STORES; do
  if [ ! -f "$WORK/$s.csv" ] && [ -f "data/$s.csv.gz" ]; then
    gunzip -c "data/$s.csv.gz" >"$WORK/$s.csv"
    cp "data/$s.platforms.jsonl" "$WORK/$s.csv.platforms.jsonl"
  fi
done
if [ ! -f "$WORK/features.csv" ] && [ -f data/features.csv.gz ]; then gunzip -c data/features.csv.gz >"$WORK/features.csv"; fi

time_left() {  # false once --until HH:MM (UTC) has passed
  [ -z "$UNTIL" ] && return 0
  [ "$(date -u +%H%M)" \< "$(echo "$UNTIL" | tr -d :)" ]
}
measure() {  # measure STORE ARGS...: resumes STORE, logs its summary lines
  local store=$1
  shift
  local resume=""
  [ -s "$WORK/$store.csv" ] && resume=--resume
  "$BIN" measure --platform "$PLATFORMS" --out "$WORK/$store.csv" $resume "$@" 2>>"$WORK/progress.log" | tee -a "$WORK/summary.log"
}

echo "== $(date -u +%FT%TZ) collect-dataset: platforms $PLATFORMS" | tee -a "$WORK/summary.log"
measure reference --reference-set
first=0
while [ $first -lt "$NETWORKS" ] && time_left; do
  measure generated --generate $CHUNK --first $first --seed 1
  first=$((first + CHUNK))
  if [ $first -eq $NOISE ]; then
    # The noise floor: the first NOISE networks again, in a separate pass.
    time_left && measure noise-pass2 --generate $NOISE --first 0 --seed 1
    # The zoo, batch 1 and 16 (the paper schedules with batch 16).
    if [ ! -f build/zoo/manifest.json ]; then /usr/bin/python3 predictor/tools/export_zoo.py build/zoo --skip-existing; fi
    time_left && measure zoo --models build/zoo --batch 1 --batch 16 --timeout 900
  fi
done
echo "== $(date -u +%FT%TZ) stopped at network $first of $NETWORKS" | tee -a "$WORK/summary.log"
