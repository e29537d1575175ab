#!/usr/bin/env bash
# End-to-end checks of `acesniper platforms` and `acesniper measure`: real runners on small
# networks, an exec platform driven by a fake vendor tool that misbehaves on purpose (garbage,
# failure, unsupported, hang, worker crash), resume, a kill mid-run, and bad input.
# Usage: measure_test.sh path/to/acesniper path/to/fake_vendor_tool.sh
set -u
BIN=$1
TOOL=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"
check() {  # check NAME PYTHON-EXPRESSION [STORE]: the expression over rows (csv.DictReader of STORE, default $work/m.csv)
  local name=$1 expr=$2 file=${3:-$work/m.csv}
  expect "$name" ok "" -- /usr/bin/python3 -c "
import csv, sys
rows = list(csv.DictReader(open('$file')))
ok = $expr
if not ok:
    for r in rows: print(r['platform'], r['network'], r['status'], r['message'][:80])
sys.exit(0 if ok else 1)"
}

cat >"$work/platforms.json" <<JSON
{"platforms": [
  {"name": "fake-npu", "runner": "exec", "command": "$TOOL {onnx} {name}",
   "latency_regex": "median = ([0-9.]+) ms", "unsupported_regex": "is not supported",
   "command_timeout_seconds": 60, "timing": {"warmup_runs": 0, "warmup_seconds": 0, "min_runs": 1, "max_runs": 1}},
  {"name": "slow-tool", "runner": "exec", "command": "sleep 0.2; echo 'median = 5 ms'",
   "latency_regex": "median = ([0-9.]+) ms", "timing": {"warmup_runs": 0, "warmup_seconds": 0, "min_runs": 1, "max_runs": 1}}
]}
JSON

expect "platforms lists built-ins" ok "torch-eager-1t" -- "$BIN" platforms
expect "platforms lists file platforms" ok "fake-npu" -- "$BIN" platforms --platforms-file "$work/platforms.json"
expect "platforms json" ok '"available"' -- "$BIN" platforms --json
printf '{"platforms": [{"name": "x", "runner": "tpu"}]}' >"$work/bad-platforms.json"
expect "bad platforms file" error "'runner' must be" -- "$BIN" platforms --platforms-file "$work/bad-platforms.json"

# Real runners on small networks: every row ok, one fingerprint per platform.
expect "real runners" ok "opencv-1t" -- "$BIN" measure --platform torch-eager-1t,torch-frozen-1t,torch-refblas-2t,opencv-1t \
  --generate 3 --seed 4 --max-flops 5e7 --out "$work/real.csv"
check "real runners: 12 ok rows" "len(rows) == 12 and all(r['status'] == 'ok' and float(r['median_ms']) > 0 for r in rows)" "$work/real.csv"
expect "one fingerprint per platform" ok "" -- test "$(wc -l <"$work/real.csv.platforms.jsonl")" -eq 4
expect "refblas worker really loads the reference BLAS" ok "" -- grep -q '/blas/libblas.so' "$work/real.csv.platforms.jsonl"

# The fake vendor tool: network -0 and -6 ok, -1 garbage, -2 fails, -3 unsupported, -4 hangs
# (network timeout 3 s), -5 kills the worker.
expect "exec runner run goes on after every kind of failure" ok "2 ok, 1 unsupported, 2 failed, 1 timed out, 1 crashed" -- \
  "$BIN" measure --platform fake-npu --platforms-file "$work/platforms.json" --generate 7 --seed 1 --max-flops 1e8 \
  --timeout 3 --out "$work/m.csv"
check "statuses by network" "[r['status'] for r in rows] == ['ok', 'failed', 'failed', 'unsupported', 'timeout', 'crashed', 'ok']"
check "messages say what happened" "'no latency' in rows[1]['message'] and 'status 3' in rows[2]['message'] and 'signal 9' in rows[5]['message']"
expect "existing store without --resume" error "pass --resume" -- \
  "$BIN" measure --platform fake-npu --platforms-file "$work/platforms.json" --generate 7 --seed 1 --max-flops 1e8 --out "$work/m.csv"
expect "resume skips everything done" ok "7 already measured" -- \
  "$BIN" measure --platform fake-npu --platforms-file "$work/platforms.json" --generate 7 --seed 1 --max-flops 1e8 \
  --out "$work/m.csv" --resume
check "no duplicate rows after resume" "len(rows) == 7"

# Kill the whole run mid-way, then resume: every network exactly once. The workers' scratch
# directory goes under $TMPDIR, and a killed run leaves it there.
mkdir "$work/tmp"
TMPDIR="$work/tmp" "$BIN" measure --platform slow-tool --platforms-file "$work/platforms.json" --generate 30 --seed 2 \
  --max-flops 1e8 --out "$work/k.csv" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1200); do  # kill once a few rows are in (rows land per block of 24 after 3 visits: slow under load)
  [ -f "$work/k.csv" ] && [ "$(wc -l <"$work/k.csv")" -gt 3 ] && break
  sleep 0.1
done
kill -9 $victim
wait $victim 2>/dev/null
expect "killed run kept some rows" ok "" -- test "$(wc -l <"$work/k.csv")" -gt 2
expect "scratch directory under TMPDIR" ok "acesniper-measure-" -- ls "$work/tmp"
expect "resume after kill" ok "slow-tool" -- "$BIN" measure --platform slow-tool --platforms-file "$work/platforms.json" \
  --generate 30 --seed 2 --max-flops 1e8 --out "$work/k.csv" --resume
check "30 networks exactly once" "len(rows) == 30 and len({r['network_hash'] for r in rows}) == 30" "$work/k.csv"

# Bad input.
expect "no source" error "exactly one of" -- "$BIN" measure --platform torch-eager-1t --out "$work/x.csv"
expect "TMPDIR not a directory" error "TMPDIR '$work/k.csv' is not a directory" -- \
  env TMPDIR="$work/k.csv" "$BIN" measure --platform fake-npu --platforms-file "$work/platforms.json" --generate 1 --out "$work/t.csv"
expect "unknown platform" error "no platform 'tpu'" -- "$BIN" measure --platform tpu --generate 1 --out "$work/x.csv"
# torch-bf16-2t needs avx512_bf16 or amx_bf16: refused with the reason where the CPU lacks them,
# measured where it has them (an AMD EPYC Zen 4 does).
if grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then
  expect "bf16 platform on a CPU that has it" ok "1 ok" -- "$BIN" measure --platform torch-bf16-2t --generate 1 --out "$work/bf.csv"
else
  expect "unavailable platform" error "bfloat16" -- "$BIN" measure --platform torch-bf16-2t --generate 1 --out "$work/bf.csv"
fi
mkdir -p "$work/models"
head -c 3000 /dev/urandom >"$work/models/junk.onnx"
expect "corrupt model file" error "junk" -- "$BIN" measure --platform torch-eager-1t --models "$work/models" --out "$work/y.csv"
expect "models dir missing" error "not a directory" -- "$BIN" measure --platform torch-eager-1t --models "$work/none" --out "$work/y.csv"
printf 'name,latency\nresnet,1\n' >"$work/notastore.csv"
expect "not a store" error "not a measurement store" -- "$BIN" measure --platform fake-npu --platforms-file "$work/platforms.json" \
  --generate 1 --out "$work/notastore.csv" --resume
expect "not a store is left alone" ok "" -- grep -q "resnet,1" "$work/notastore.csv"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
