#!/usr/bin/env bash
# End-to-end checks of `acesniper simulate` on the committed evaluation results (the default
# latency table): outputs, determinism, and bad cluster files and options.
# Usage: simulate_test.sh path/to/acesniper
set -u
BIN=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

expect "short sweep" ok "fluid upper bound" -- "$BIN" simulate --rates 5,20 --duration 60 --new-network-share 0,1 --share-rate 20 --out-dir "$work/a"
for f in simulation.json simulation.md cluster.yaml fig11-tps.svg fig11-awt.svg fig11-load-std.svg fig12-tps.svg fig12-awt.svg; do
  expect "wrote $f" ok "" -- test -s "$work/a/$f"
done
expect "json: 4 policies x 2 rates" ok "" -- /usr/bin/python3 -c "
import json, sys
j = json.load(open('$work/a/simulation.json'))
assert len(j['by_rate']) == 8 and len(j['by_new_network_share']) == 8, j.keys()
assert {r['policy'] for r in j['by_rate']} == {'polling', 'edf', 'slo', 'ace-sniper'}
assert all(r['tasks'] > 0 and 0 <= r['deadline_attainment'] <= 1 for r in j['by_rate'])
assert j['fluid_bound_tps'] > 0
"
"$BIN" simulate --rates 20 --duration 60 --json > "$work/b1.json" 2>/dev/null
"$BIN" simulate --rates 20 --duration 60 --json > "$work/b2.json" 2>/dev/null
expect "same seed, same results" ok "" -- /usr/bin/python3 -c "
import json
a, b = (json.load(open('$work/' + n)) for n in ('b1.json', 'b2.json'))
assert a['by_rate'] == b['by_rate']
"
cat > "$work/cluster.yaml" <<'YAML'
nodes:
  - {name: cpu, platform: torch-eager-2t, count: 3}
  - {name: fast, platform: torch-frozen-2t, bandwidth_mbps: 100}
tasks: {inferences: 4}
YAML
expect "own cluster file" ok "4 nodes" -- "$BIN" simulate --cluster "$work/cluster.yaml" --rates 10 --duration 30 --policies slo,ace-sniper
printf 'nodes:\n  - {name: x, platform: jetson-orin}\n' > "$work/bad-platform.yaml"
expect "unknown platform" error "jetson-orin" -- "$BIN" simulate --cluster "$work/bad-platform.yaml" --rates 10 --duration 10
printf 'nodes: [\n' > "$work/not-yaml.yaml"
expect "not YAML" error "not YAML" -- "$BIN" simulate --cluster "$work/not-yaml.yaml" --rates 10 --duration 10
printf 'nodes:\n  - {name: x, platform: opencv-2t, link_latency_ms: -3}\n' > "$work/bad-link.yaml"
expect "negative link latency" error "link_latency_ms" -- "$BIN" simulate --cluster "$work/bad-link.yaml" --rates 10 --duration 10
expect "missing cluster file" error "cannot" -- "$BIN" simulate --cluster "$work/none.yaml" --rates 10
expect "bad rates" error "rates" -- "$BIN" simulate --rates 5:x:5
expect "zero rate" error "> 0" -- "$BIN" simulate --rates 0
expect "absurd task count" error "more than" -- "$BIN" simulate --rates 1e9 --duration 1e9
expect "bad share" error "share" -- "$BIN" simulate --rates 5 --new-network-share 2
expect "unknown policy" error "fifo" -- "$BIN" simulate --rates 5 --policies fifo
echo '{"results": []}' > "$work/empty.json"
expect "latencies without results" error "no results" -- "$BIN" simulate --latencies "$work/empty.json" --rates 5
echo '{' > "$work/broken.json"
expect "latencies not JSON" error "not JSON" -- "$BIN" simulate --latencies "$work/broken.json" --rates 5

# Zoo tasks run as measured batches of 16 (the committed data/zoo.csv.gz), and its bad inputs.
zoo="$(dirname "$0")/../../docs/simulation/zoo-batch16.yaml"
expect "zoo tasks at batch 16" ok "measured at batch 16; 11 networks" -- "$BIN" simulate --cluster "$zoo" --rates 1 --duration 30
# Fractional rates are printed as given, in the table and in the share sweep's heading.
expect "fractional rate in the table" ok "| 0.25 | ace-sniper |" -- "$BIN" simulate --cluster "$zoo" --rates 0.25 --duration 30 --new-network-share 0 --share-rate 3.25
cp "$work/out" "$work/fractional.md"
expect "fractional share rate" ok "At 3.25 tasks/s" -- cat "$work/fractional.md"
expect "batch store missing" error "none.csv.gz" -- "$BIN" simulate --cluster "$zoo" --batch-latencies "$work/none.csv.gz" --rates 1
echo "platform,platform_id,network,network_hash,batch,status,median_ms,mad_ms,min_ms,cv,runs,rejected,visits,visit_spread,flops,measured_at,message" > "$work/no-batch16.csv"
expect "no batch-16 rows" error "measured at batch 16" -- "$BIN" simulate --cluster "$zoo" --batch-latencies "$work/no-batch16.csv" --rates 1
printf 'nodes:\n  - {name: x, platform: opencv-2t}\ntasks: {networks: imagenet}\n' > "$work/bad-set.yaml"
expect "unknown network set" error "imagenet" -- "$BIN" simulate --cluster "$work/bad-set.yaml" --rates 1

# CPU and GPU platforms come from two evaluations (docs/evaluation and docs/evaluation/gpu).
docs="$(dirname "$0")/../../docs"
both="$docs/evaluation/evaluation.json,$docs/evaluation/gpu/evaluation.json"
expect "CPU and GPU latency tables side by side" ok "evaluation.json (method NNS+HRM, d = 50) + " -- "$BIN" simulate --cluster "$docs/simulation/cpu-gpu.yaml" --latencies "$both" --rates 10 --duration 30
expect "GPU nodes need the GPU table" error "torch-cuda-fp32-h100" -- "$BIN" simulate --cluster "$docs/simulation/cpu-gpu.yaml" --rates 10 --duration 30
expect "a platform in two tables" error "is in two latency tables" -- "$BIN" simulate --latencies "$docs/evaluation/evaluation.json,$docs/evaluation/evaluation.json" --rates 10
expect "one of the tables missing" error "none.json" -- "$BIN" simulate --latencies "$docs/evaluation/evaluation.json,$work/none.json" --rates 10
data="$(dirname "$0")/../../data"
expect "two batch stores" ok "measured at batch 16; 11 networks" -- "$BIN" simulate --cluster "$zoo" --batch-latencies "$data/zoo.csv.gz,$data/gpu.csv.gz" --rates 1 --duration 30
expect "one of the batch stores missing" error "none.csv.gz" -- "$BIN" simulate --cluster "$zoo" --batch-latencies "$data/zoo.csv.gz,$work/none.csv.gz" --rates 1

echo "simulate_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
