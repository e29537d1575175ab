#!/usr/bin/env bash
# Collects the measured dataset (docs/dataset.md) on every platform of PLATFORMS: the HRM
# reference set, generated networks (seed 1) in chunks of 100, a second pass over the first 300
# for the noise floor, and the zoo at batch 1 and 16; with --extended N, first the networks
# genx-1-0..N-1 of the generator's extended space (docs/generator.md). Resumable: rerun it and it continues where it stopped
# (each store skips what it has). `--publish` writes the feature table of every stored network
# and compresses it and the stores into data/ for committing; a fresh checkout starts from those.
#   scripts/collect-dataset.sh [--networks N] [--until HH:MM] [--publish] [--host TAG]
#                              [--noise N (0: none)] [--no-zoo] [--extended N]
# --host TAG measures another machine: its platforms are named NAME-TAG (same configurations,
# another fingerprint; platforms file data/TAG/platforms.json), its stores are data/work-TAG/*.csv
# and publish to data/TAG/. The fingerprint tells machines apart (the store keys rows by it), but
# the latency model keys platforms by name, so two machines must not share platform names.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin/acesniper
PLATFORMS=${PLATFORMS:-torch-eager-1t,torch-eager-2t,torch-frozen-2t,torch-noonednn-2t,torch-refblas-2t,opencv-2t}
NETWORKS=5000
CHUNK=100
NOISE=300
ZOO=1
EXTENDED=0
UNTIL=""
PUBLISH=0
HOST=""
while [ $# -gt 0 ]; do
  case "$1" in
    --networks) NETWORKS=$2; shift 2 ;;
    --until) UNTIL=$2; shift 2 ;;
    --publish) PUBLISH=1; shift ;;
    --host) HOST=$2; shift 2 ;;
    --noise) NOISE=$2; shift 2 ;;
    --no-zoo) ZOO=0; shift ;;
    --extended) EXTENDED=$2; shift 2 ;;
    *) echo "collect-dataset.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -z "$UNTIL" ] || [[ "$UNTIL" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]] || { echo "collect-dataset.sh: --until '$UNTIL': expected HH:MM (UTC)" >&2; exit 2; }
[[ "$NOISE" =~ ^[0-9]+$ ]] && [ $((NOISE % CHUNK)) -eq 0 ] || { echo "collect-dataset.sh: --noise must be a multiple of $CHUNK" >&2; exit 2; }
[[ "$EXTENDED" =~ ^[0-9]+$ ]] && [ $((EXTENDED % CHUNK)) -eq 0 ] || { echo "collect-dataset.sh: --extended must be a multiple of $CHUNK" >&2; exit 2; }
WORK=data/work
PUBLISHED=data
PLATFORMS_ARGS=()
if [ -n "$HOST" ]; then
  [[ "$HOST" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "collect-dataset.sh: --host '$HOST': lower-case letters, digits and '-' only" >&2; exit 2; }
  WORK=data/work-$HOST
  PUBLISHED=data/$HOST
  mkdir -p "$PUBLISHED"
  if [ ! -f "$PUBLISHED/platforms.json" ]; then
    # The built-in configurations of PLATFORMS, renamed NAME-HOST.
    "$BIN" platforms --json | /usr/bin/python3 -c '
import json, sys
names, host = sys.argv[1].split(","), sys.argv[2]
builtin = {p["name"]: p for p in json.load(sys.stdin)}
missing = [n for n in names if n not in builtin]
if missing: sys.exit("collect-dataset.sh: unknown platforms: " + ", ".join(missing))
out = []
for n in names:
    p = {k: v for k, v in builtin[n].items() if k != "available"}
    p["name"], p["description"] = n + "-" + host, p["description"] + " (machine " + host + ")"
    out.append(p)
json.dump({"platforms": out}, sys.stdout, indent=1)
print()' "$PLATFORMS" "$HOST" >"$PUBLISHED/platforms.json.tmp"
    mv "$PUBLISHED/platforms.json.tmp" "$PUBLISHED/platforms.json"
  fi
  PLATFORMS_ARGS=(--platforms-file "$PUBLISHED/platforms.json")
  PLATFORMS=$(/usr/bin/python3 -c 'import json, sys; print(",".join(p["name"] for p in json.load(open(sys.argv[1]))["platforms"]))' "$PUBLISHED/platforms.json")
fi
mkdir -p "$WORK"
STORES="reference zoo generated noise-pass2 extended"

features() {  # the feature table of every stored network (DNN -> features, for training)
  # One table for every machine: a host's networks join the main table (rows already there are kept).
  if [ -n "$HOST" ]; then mkdir -p data/work; [ -f data/work/features.csv ] || gunzip -c data/features.csv.gz >data/work/features.csv; fi
  "$BIN" features $(for s in $STORES; do [ -f "$WORK/$s.csv" ] && echo --store "$WORK/$s.csv"; done) \
    --models build/zoo --out data/work/features.csv
}
publish() {
  features
  gzip -9 -n -c data/work/features.csv >data/features.csv.gz.tmp && mv data/features.csv.gz.tmp data/features.csv.gz
  for s in $STORES; do
    [ -f "$WORK/$s.csv" ] || continue
    gzip -9 -n -c "$WORK/$s.csv" >"$PUBLISHED/$s.csv.gz.tmp" && mv "$PUBLISHED/$s.csv.gz.tmp" "$PUBLISHED/$s.csv.gz"
    cp "$WORK/$s.csv.platforms.jsonl" "$PUBLISHED/$s.platforms.jsonl"
  done
  echo "published: $(ls data/features.csv.gz $PUBLISHED/*.csv.gz | tr '\n' ' ')"
}
if [ $PUBLISH = 1 ]; then publish; exit 0; fi

# A fresh checkout continues from the committed stores.
for s in $STORES; do
  if [ ! -f "$WORK/$s.csv" ] && [ -f "$PUBLISHED/$s.csv.gz" ]; then
    gunzip -c "$PUBLISHED/$s.csv.gz" >"$WORK/$s.csv"
    cp "$PUBLISHED/$s.platforms.jsonl" "$WORK/$s.csv.platforms.jsonl"
  fi
done
if [ ! -f data/work/features.csv ] && [ -f data/features.csv.gz ]; then mkdir -p data/work; gunzip -c data/features.csv.gz >data/work/features.csv; fi

# --until HH:MM (UTC) is the next such time: before now means tomorrow (a run may cross midnight).
DEADLINE=""
if [ -n "$UNTIL" ]; then
  DEADLINE=$(date -u -d "$UNTIL" +%s 2>/dev/null) || { echo "collect-dataset.sh: --until '$UNTIL': expected HH:MM (UTC)" >&2; exit 2; }
  [ "$DEADLINE" -gt "$(date -u +%s)" ] || DEADLINE=$((DEADLINE + 86400))
fi
time_left() {  # false once the --until time has passed
  [ -z "$DEADLINE" ] && return 0
  [ "$(date -u +%s)" -lt "$DEADLINE" ]
}
measure() {  # measure STORE ARGS...: resumes STORE, logs its summary lines
  local store=$1
  shift
  local resume=""
  [ -s "$WORK/$store.csv" ] && resume=--resume
  "$BIN" measure --platform "$PLATFORMS" "${PLATFORMS_ARGS[@]}" --out "$WORK/$store.csv" $resume "$@" 2>>"$WORK/progress.log" | tee -a "$WORK/summary.log"
}
chunk_done() {  # chunk_done STORE PREFIX FIRST COUNT: every platform has a batch-1 row (any status) for
  # each of PREFIX-FIRST..PREFIX-(FIRST+COUNT-1), so measure would skip them all. Saves starting
  # measure on each done chunk (seconds each, minutes for a rerun late in the dataset). A network
  # with an earlier twin's structure is stored under the twin's name only: its chunk is not done
  # by this count, and measure itself skips it.
  local f="$WORK/$1.csv"
  [ -f "$f" ] || return 1
  awk -F, -v prefix="$2-" -v first="$3" -v count="$4" -v plats="$PLATFORMS" '
    BEGIN { n = split(plats, p, ","); for (i = 1; i <= n; i++) want[p[i]] = 1 }
    NR > 1 && ($1 in want) && $5 == 1 && index($3, prefix) == 1 {
      k = substr($3, length(prefix) + 1)
      if (k ~ /^[0-9]+$/ && k + 0 >= first && k + 0 < first + count && !seen[$1 SUBSEP k]++) done++
    }
    END { exit !(done == n * count) }' "$f"
}

same_machine() {  # refuse to extend stores that another machine (or other libraries) measured
  local first=${PLATFORMS%%,*} known tmp id
  known=$(cat "$WORK"/*.platforms.jsonl 2>/dev/null | /usr/bin/python3 -c '
import json, sys
ids = {json.loads(l)["platform_id"] for l in sys.stdin if l.strip() and json.loads(l)["platform"] == sys.argv[1]}
print(" ".join(sorted(ids)))' "$first")
  [ -n "$known" ] || return 0
  tmp=$(mktemp -d)
  "$BIN" measure --platform "$first" "${PLATFORMS_ARGS[@]}" --generate 1 --seed 1 --out "$tmp/probe.csv" >/dev/null 2>&1
  id=$(sed -n 2p "$tmp/probe.csv" 2>/dev/null | cut -d, -f2)
  rm -rf "$tmp"
  [ -n "$id" ] || { echo "collect-dataset.sh: could not measure a probe network on $first" >&2; exit 1; }
  case " $known " in *" $id "*) return 0 ;; esac
  echo "collect-dataset.sh: $first has fingerprint $id here, but $WORK holds it as $known: this is another" >&2
  echo "  machine or other libraries. Measure it under its own platform names: --host TAG (docs/dataset.md)." >&2
  exit 1
}
same_machine
echo "== $(date -u +%FT%TZ) collect-dataset: platforms $PLATFORMS" | tee -a "$WORK/summary.log"
measure reference --reference-set
for ((first = 0; first < EXTENDED; first += CHUNK)); do
  time_left || break
  chunk_done extended genx-1 $first $CHUNK || measure extended --generate $CHUNK --first $first --seed 1 --extended
done
first=0
while [ $first -lt "$NETWORKS" ] && time_left; do
  chunk_done generated gen-1 $first $CHUNK || measure generated --generate $CHUNK --first $first --seed 1
  first=$((first + CHUNK))
  if [ $first -eq $NOISE ]; then
    # The noise floor: the first NOISE networks again, in a separate pass.
    [ "$NOISE" -gt 0 ] && time_left && { chunk_done noise-pass2 gen-1 0 "$NOISE" || measure noise-pass2 --generate $NOISE --first 0 --seed 1; }
    # The zoo, batch 1 and 16 (the paper schedules with batch 16).
    [ $ZOO = 1 ] || continue
    if [ ! -f build/zoo/manifest.json ]; then /usr/bin/python3 predictor/tools/export_zoo.py build/zoo --skip-existing; fi
    time_left && measure zoo --models build/zoo --batch 1 --batch 16 --timeout 900
  fi
done
echo "== $(date -u +%FT%TZ) stopped at network $first of $NETWORKS" | tee -a "$WORK/summary.log"
