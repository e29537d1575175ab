#!/usr/bin/env bash
# Bad arguments to scripts/collect-dataset.sh: each is refused with its reason before anything is
# measured or written (the script exits before it creates data/ directories). Then its chunk_done
# rule (which chunks a rerun passes over) on small made-up stores.
# Usage: collect_dataset_test.sh path/to/repository
set -u
REPO=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"
SCRIPT=$REPO/scripts/collect-dataset.sh

expect "unknown argument" error "unknown argument '--fast'" -- bash "$SCRIPT" --fast
expect "--noise not a multiple of the chunk" error "multiple of 100" -- bash "$SCRIPT" --noise 150
expect "--extended not a multiple of the chunk" error "--extended must be a multiple of 100" -- bash "$SCRIPT" --extended 50
expect "--extended not a number" error "--extended must be a multiple of 100" -- bash "$SCRIPT" --extended many
expect "--host with capitals and '_'" error "lower-case letters, digits and '-' only" -- bash "$SCRIPT" --host Bad_Tag
expect "--host starting with '-'" error "lower-case letters" -- bash "$SCRIPT" --host -zen4
expect "--until not HH:MM" error "expected HH:MM (UTC)" -- bash "$SCRIPT" --until 9:00
expect "--until past 23:59" error "expected HH:MM (UTC)" -- bash "$SCRIPT" --until 24:10
test ! -e "$REPO/data/Bad_Tag" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: a refused --host created data/Bad_Tag"; }

# chunk_done: a chunk counts as done only when every platform has a batch-1 row for each of its names.
eval "$(sed -n '/^chunk_done() {/,/^}/p' "$SCRIPT")"
declare -F chunk_done >/dev/null || { echo "FAIL: chunk_done not found in $SCRIPT"; exit 1; }
WORK=$work PLATFORMS=p1,p2
header=platform,platform_id,network,network_hash,batch,status,median_ms
row() { echo "$1,id-$1,$2,hash-$2,${3:-1},${4:-ok},1.0"; }
check() {  # check NAME yes|no STORE PREFIX FIRST COUNT
  local name=$1 want=$2 got=no
  shift 2
  chunk_done "$@" && got=yes
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: chunk_done $name: got $got, want $want"; fi
}
{ echo $header; for p in p1 p2; do for i in 0 1 2; do row $p gen-1-$i; done; done; } >"$work/full.csv"
check "every platform, every name" yes full gen-1 0 3
check "a name past the chunk" no full gen-1 0 4
check "another chunk" no full gen-1 3 3
check "another prefix" no full genx-1 0 3
check "no store" no missing gen-1 0 3
{ echo $header; row p1 gen-1-1 1 failed; for i in 0 2; do row p1 gen-1-$i; done; for i in 0 1 2; do row p2 gen-1-$i; done; } >"$work/failed.csv"
check "a failed row counts (measure skips it too)" yes failed gen-1 0 3
{ echo $header; for i in 0 1 2; do row p1 gen-1-$i; done; for i in 0 1 1 2; do row p2 gen-1-$i; done; row p2 gen-1-1 16; } >"$work/twice.csv"
check "rows counted once per name" yes twice gen-1 0 3
{ echo $header; for i in 0 1 2; do row p1 gen-1-$i; row p2 gen-1-$i 16; done; row p2 gen-1-0; row p2 gen-1-1; row p2 gen-1-1; row p3 gen-1-2; } >"$work/gaps.csv"
check "batch 16, a repeated name and another platform do not fill a gap" no gaps gen-1 0 3
{ echo $header; for p in p1 p2; do for i in 0 1 2; do row $p gen-10-$i; row $p gen-1-1$i; done; done; } >"$work/lookalike.csv"
check "gen-10-* and gen-1-1* are not gen-1-0..2" no lookalike gen-1 0 3

echo "collect-dataset arguments and chunk_done: $pass passed, $fail failed"
[ $fail -eq 0 ]
