#!/usr/bin/env bash
# scripts/store-drop.py: drops exactly the rows asked for, keeps the rest byte for byte, and
# refuses what is not a store (missing file, wrong header, a row with the wrong field count)
# without touching it.
# Usage: store_drop_test.sh path/to/repository
set -u
REPO=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"
DROP="/usr/bin/python3 $REPO/scripts/store-drop.py"
H="platform,platform_id,network,network_hash,batch,status,median_ms,mad_ms,min_ms,cv,runs,rejected,visits,visit_spread,flops,measured_at,message"
row() { echo "$1,0123456789abcdef,$2,00000000000000aa,1,ok,1.5,0.01,1.4,0.01,9,0,3,0.02,1e+06,2026-11-28T00:00:00Z,"; }
{ echo "$H"; row opencv-2t genx-1-0; row opencv-2t gen-1-0; row torch-eager-2t genx-1-0; row opencv-2t genx-1-1; } >"$work/s.csv"
cp "$work/s.csv" "$work/orig.csv"

expect "drops opencv genx rows" ok "dropped 2 rows of opencv-2t (prefix 'genx-'), kept 2" -- \
  $DROP "$work/s.csv" --platform opencv-2t --network-prefix genx-
{ echo "$H"; row opencv-2t gen-1-0; row torch-eager-2t genx-1-0; } >"$work/want.csv"
cmp -s "$work/s.csv" "$work/want.csv" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: the kept rows differ"; diff "$work/s.csv" "$work/want.csv"; }
expect "nothing left to drop" ok "dropped 0 rows" -- $DROP "$work/s.csv" --platform opencv-2t --network-prefix genx-

expect "missing store" error "cannot read" -- $DROP "$work/none.csv" --platform opencv-2t
echo "not,a,store" >"$work/bad.csv"
expect "wrong header" error "does not start with the store header" -- $DROP "$work/bad.csv" --platform opencv-2t
{ echo "$H"; row opencv-2t gen-1-0; echo "opencv-2t,short"; } >"$work/torn.csv"
cp "$work/torn.csv" "$work/torn.orig"
expect "row with too few fields" error "line 3: 2 fields" -- $DROP "$work/torn.csv" --platform opencv-2t
cmp -s "$work/torn.csv" "$work/torn.orig" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: a refused store was changed"; }
expect "--platform is required" error "platform" -- $DROP "$work/orig.csv"

echo "store-drop: $pass passed, $fail failed"
[ $fail -eq 0 ]
