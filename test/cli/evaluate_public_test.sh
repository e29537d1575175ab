#!/usr/bin/env bash
# acesniper evaluate-public on a small synthetic NAS-Bench-201 table: three made-up devices whose
# latency prices every edge of the cell (as NB201's InferCell runs it, "none" included), HELP's
# protocol end to end, the two cell forms against each other, and bad input.
# Usage: evaluate_public_test.sh path/to/acesniper
set -u
BIN=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

/usr/bin/python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
rng = random.Random(7)
ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
price = {"a": [0.05, 0.0, 0.3, 1.0, 0.2], "b": [0.1, 0.0, 0.4, 0.5, 0.4], "c": [0.08, 0.0, 0.35, 0.8, 0.3]}
with open(f"{work}/nb201.csv", "w") as f:
    f.write("nb201_index,arch_str,help:a,help:b,help:c\n")
    for i in range(120):
        edges = [[rng.choice(ops) for _ in range(node)] for node in (1, 2, 3)]
        arch = "+".join("|" + "|".join(f"{op}~{j}" for j, op in enumerate(node)) + "|" for node in edges)
        flat = [op for node in edges for op in node]
        lat = [2.0 + 15 * sum(price[d][ops.index(op)] for op in flat) for d in "abc"]
        f.write(f"{i},{arch}," + ",".join(f"{v * (1 + rng.uniform(-0.02, 0.02)):.4f}" for v in lat) + "\n")
json.dump({"nasbench201": [3, 70, 75, 80, 85, 90, 95, 100, 105, 110]}, open(f"{work}/index.json", "w"))
PY
run() {  # run NAME FORM: evaluate-public with 60 pool networks, a and b train, c held out
  "$BIN" evaluate-public --nb201 "$work/nb201.csv" --embedding-index "$work/index.json" --train-devices a,b \
    --test-devices c --methods LayerCost+HRM --pool 60 --nb201-cell "$2" --out-dir "$work/$1"
}
rho() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["spearman"])' "$1"; }

expect "evaluate-public, every edge" ok "wrote" -- run every every-edge
expect "evaluate-public report names the cell form" ok "nb201-cell every-edge" -- cat "$work/every/evaluation-public.md"
expect "evaluate-public, live only" ok "wrote" -- run live live-only
every=$(rho "$work/every/evaluation-public.json")
live=$(rho "$work/live/evaluation-public.json")
echo "held-out device c, LayerCost+HRM Spearman: every-edge $every, live-only $live"
expect "the form the devices run ranks the held-out device well" ok "" -- \
  /usr/bin/python3 -c "import sys; sys.exit(0 if $every >= 0.95 else 1)"
expect "dropping the work the devices run ranks it worse" ok "" -- \
  /usr/bin/python3 -c "import sys; sys.exit(0 if $every > $live + 0.02 else 1)"

expect "unknown cell form" error "--nb201-cell must be every-edge or live-only, not 'dead'" -- run bad dead
printf 'index,arch\n0,x\n' > "$work/wrong-header.csv"
expect "not an NB201 table" error "header must start nb201_index,arch_str" -- \
  "$BIN" evaluate-public --nb201 "$work/wrong-header.csv" --embedding-index "$work/index.json" --out-dir "$work/x"
{ head -3 "$work/nb201.csv"; echo "3,|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|,1,1,1"; } > "$work/bad-op.csv"
expect "an unknown op names the line" error "line 4: .*unknown op 'conv'" -- \
  "$BIN" evaluate-public --nb201 "$work/bad-op.csv" --embedding-index "$work/index.json" --train-devices a,b \
  --test-devices c --out-dir "$work/x"
expect "a device column that is missing" error "no column help:zz" -- \
  "$BIN" evaluate-public --nb201 "$work/nb201.csv" --embedding-index "$work/index.json" --train-devices a,zz \
  --test-devices c --out-dir "$work/x"
echo '{"nasbench201": [3, 500]}' > "$work/far.json"
expect "a reference index beyond the table" error "out of range" -- \
  "$BIN" evaluate-public --nb201 "$work/nb201.csv" --embedding-index "$work/far.json" --train-devices a,b \
  --test-devices c --out-dir "$work/x"

echo "evaluate-public: $pass passed, $fail failed"
[ $fail -eq 0 ]
