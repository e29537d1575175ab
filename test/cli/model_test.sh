#!/usr/bin/env bash
# End-to-end checks of the model commands on a small synthetic dataset: features, train, hrm,
# predict, evaluate, and their bad input (corrupt stores, feature tables, models, HRM vectors).
# The stores are written here from the generator's index (names and structure hashes) with
# latencies of three made-up platforms, so the test needs no measuring.
# Usage: model_test.sh path/to/acesniper
set -u
BIN=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

"$BIN" generate --count 30 --seed 20261126 --max-flops 4e9 --out "$work/ref" --format none >/dev/null
"$BIN" generate --count 6 --seed 20261126 --max-flops 4e9 --extended --out "$work/refx" --format none >/dev/null
"$BIN" generate --count 60 --seed 1 --out "$work/gen" --format none >/dev/null
"$BIN" generate --count 2 --seed 7 --first 3 --out "$work/new" --format onnx >/dev/null
/usr/bin/python3 - "$work" <<'PY'
import json, math, sys
work = sys.argv[1]
header = "platform,platform_id,network,network_hash,batch,status,median_ms,mad_ms,min_ms,cv,runs,rejected,visits,visit_spread,flops,measured_at,message"
platforms = [("cpu-a", "a" * 16, 1.0, 0.9), ("cpu-b", "b" * 16, 0.4, 1.0), ("npu-c", "c" * 16, 3.0, 0.7)]
def rows(index, skip_unsupported=False):
    out = []
    for line in open(index):
        n = json.loads(line)
        for name, pid, scale, power in platforms:
            ms = scale * (n["flops"] / 1e9) ** power + 0.2 * (n["layers"] / 50)
            status = "ok"
            if name == "npu-c" and n["index"] % 17 == 5 and not skip_unsupported:
                status, ms = "unsupported", 0
            out.append(f"{name},{pid},{n['name']},{n['network_hash']},1,{status},{ms:.6f},0,{ms:.6f},0.01,5,0,3,0.01,{n['flops']},2026-11-26T00:00:00Z,")
    return out
open(f"{work}/ref.csv", "w").write("\n".join([header] + rows(f"{work}/ref/index.jsonl", True) + rows(f"{work}/refx/index.jsonl", True)) + "\n")
open(f"{work}/gen.csv", "w").write("\n".join([header] + rows(f"{work}/gen/index.jsonl")) + "\n")
PY
gzip -9 -n -k "$work/gen.csv"

expect "features from stores (one gzipped)" ok "96 networks" -- "$BIN" features --store "$work/ref.csv" --store "$work/gen.csv.gz" --out "$work/features.csv"
expect "features again keeps rows" ok "0 new" -- "$BIN" features --store "$work/ref.csv" --out "$work/features.csv"
expect "features refuses a .gz output" error "plain CSV" -- "$BIN" features --store "$work/ref.csv" --out "$work/f.csv.gz"
sed 's/,ok,/,ok,/; 2s/gen-20261126-0,[0-9a-f]*/gen-20261126-0,0123456789abcdef/' "$work/ref.csv" >"$work/wrong-hash.csv"
expect "features: a hash that does not match the rebuilt network" error "the store says 0123456789abcdef" -- \
  "$BIN" features --store "$work/wrong-hash.csv" --out "$work/f2.csv"
test ! -e "$work/f2.csv" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: a failed features run wrote a table"; }
head -c 300 "$work/gen.csv.gz" >"$work/torn.csv.gz"
expect "a truncated gzip store" error "truncated gzip" -- "$BIN" features --store "$work/torn.csv.gz" --out "$work/f3.csv"

expect "train: the reference set's first d, extended networks among them" ok "reference networks: 30 (6 of the extended space)" -- "$BIN" train --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" \
  --out "$work/model.json" --d 30 --epochs 3 --threads 1
expect "train: unknown platform" error "has no measurements" -- "$BIN" train --data "$work/ref.csv" --features "$work/features.csv" \
  --out "$work/m2.json" --d 30 --platform cpu-z
expect "train: a store missing from the feature table" error "not in the feature table" -- "$BIN" train --data "$work/gen.csv" \
  --features <(head -5 "$work/features.csv") --out "$work/m3.json" --d 30
expect "train --table-iv-references: version 1 of the set" ok "reference networks: 30 (0 of the extended space)" -- \
  "$BIN" train --data "$work/ref.csv" --features "$work/features.csv" --out "$work/m1.json" --d 30 --epochs 0 --table-iv-references
expect "train: d larger than the measured reference set" error "the stores have 36 networks of the reference set" -- "$BIN" train --data "$work/ref.csv" --features "$work/features.csv" \
  --out "$work/m4.json" --d 500

expect "hrm" ok "30 of 30 reference networks" -- "$BIN" hrm --model "$work/model.json" --data "$work/ref.csv" --platform npu-c \
  --out "$work/npu-c.json"
"$BIN" hrm --model "$work/model.json" --data "$work/ref.csv" --platform cpu-a --out "$work/cpu-a.json" >/dev/null
expect "hrm: unknown platform" error "no measurements of platform" -- "$BIN" hrm --model "$work/model.json" --data "$work/ref.csv" --platform tpu
expect "predict" ok "npu-c" -- "$BIN" predict --model "$work/model.json" --hrm "$work/npu-c.json" --hrm "$work/cpu-a.json" "$work/new/gen-7-3.onnx"
expect "predict --json" ok '"latency_ms"' -- "$BIN" predict --model "$work/model.json" --hrm "$work/npu-c.json" --json "$work/new/gen-7-3.onnx"
# Each --hrm takes one file: the model files after the last one are models, not HRM vectors
# (scripts/main-job.sh calls it this way).
expect "predict: --hrm twice, then two model files" ok "gen-7-4 " -- "$BIN" predict --model "$work/model.json" \
  --hrm "$work/npu-c.json" --hrm "$work/cpu-a.json" "$work/new/gen-7-3.onnx" "$work/new/gen-7-4.onnx"
echo '{"schema": "acesniper.hrm/v1"' >"$work/bad-hrm.json"
expect "predict: malformed HRM" error "not valid JSON" -- "$BIN" predict --model "$work/model.json" --hrm "$work/bad-hrm.json" "$work/new/gen-7-3.onnx"
/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); j['spec']='0000000000000000'; json.dump(j, open(sys.argv[2],'w'))" "$work/npu-c.json" "$work/foreign.json"
expect "predict: HRM of another model" error "re-run the reference benchmark" -- "$BIN" predict --model "$work/model.json" --hrm "$work/foreign.json" "$work/new/gen-7-3.onnx"
/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); del j['hc']; json.dump(j, open(sys.argv[2],'w'))" "$work/npu-c.json" "$work/no-hc.json"
expect "predict: HRM without the cost prior's weights" error "wrong number of values" -- "$BIN" predict --model "$work/model.json" --hrm "$work/no-hc.json" "$work/new/gen-7-3.onnx"
/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); j['cost_prior']['weights'][0][0] = -1; json.dump(j, open(sys.argv[2],'w'))" "$work/model.json" "$work/bad-prior.json"
expect "predict: a model with a negative layer cost" error "cost prior: weights must be finite and >= 0" -- "$BIN" predict --model "$work/bad-prior.json" --hrm "$work/npu-c.json" "$work/new/gen-7-3.onnx"
expect "train --pcn-correction" ok "PCN: [0-9]* parameters" -- "$BIN" train --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" \
  --out "$work/model-pcn.json" --d 30 --epochs 3 --threads 1 --pcn-correction
"$BIN" hrm --model "$work/model-pcn.json" --data "$work/ref.csv" --platform npu-c --out "$work/npu-c-pcn.json" >/dev/null
expect "predict with the prior and the PCN" ok "(pcn)" -- "$BIN" predict --model "$work/model-pcn.json" --hrm "$work/npu-c-pcn.json" "$work/new/gen-7-3.onnx"
expect "predict with the default model: the prior" ok "(prior)" -- "$BIN" predict --model "$work/model.json" --hrm "$work/npu-c.json" "$work/new/gen-7-3.onnx"
expect "train --no-cost-prior" ok "key features" -- "$BIN" train --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" \
  --out "$work/model-noprior.json" --d 30 --epochs 3 --threads 1 --no-cost-prior
"$BIN" hrm --model "$work/model-noprior.json" --data "$work/ref.csv" --platform npu-c --out "$work/npu-c-noprior.json" >/dev/null
expect "predict without a cost prior" ok "npu-c" -- "$BIN" predict --model "$work/model-noprior.json" --hrm "$work/npu-c-noprior.json" "$work/new/gen-7-3.onnx"
expect "hrm without a cost prior has no hc" error "" -- grep -q '"hc"' "$work/npu-c-noprior.json"
head -c 2000 "$work/model.json" >"$work/torn-model.json"
expect "predict: a torn model file" error "not valid JSON" -- "$BIN" predict --model "$work/torn-model.json" --hrm "$work/npu-c.json" "$work/new/gen-7-3.onnx"
echo "not a model" >"$work/x.onnx"
expect "predict: a malformed model file" error "x.onnx" -- "$BIN" predict --model "$work/model.json" --hrm "$work/npu-c.json" "$work/x.onnx"

expect "evaluate" ok "wrote" -- "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" \
  --out-dir "$work/eval" --d 10,30 --baseline-d 10 --methods "FLOPs,NNS+HRM,LayerCost+HRM,LayerCost+NNS+HRM" --epochs 2 --drift-from cpu-a --drift-to cpu-b --drift-feedback 0,2
expect "evaluate report" ok "NNS+HRM" -- cat "$work/eval/evaluation.md"
expect "evaluate report: the cost prior with the PCN" ok "LayerCost+NNS+HRM" -- cat "$work/eval/evaluation.md"
expect "evaluate report: the shipped default by d" ok "LayerCost+HRM (the shipped default) by number" -- cat "$work/eval/evaluation.md"
expect "evaluate plots" ok "<svg" -- cat "$work/eval/plots/predicted_vs_measured.svg"
# A new machine: its platform held out while the model trains on fixed platforms only.
expect "evaluate --train-platforms" ok "wrote" -- "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" \
  --features "$work/features.csv" --out-dir "$work/eval3" --d 10 --baseline-d 10 --methods NNS+HRM --epochs 2 \
  --hold-out npu-c --train-platforms cpu-a,cpu-b --drift-from cpu-a --drift-to npu-c --drift-feedback 0,2
cp "$work/eval3/evaluation.md" "$work/eval3.md"
expect "evaluate --train-platforms: the report names them" ok "trains on cpu-a,cpu-b only" -- cat "$work/eval3.md"
expect "evaluate --train-platforms: only the held-out platform is scored" ok "^\\['npu-c'\\]$" -- /usr/bin/python3 -c \
  'import json, sys; print(sorted({r["platform"] for r in json.load(open(sys.argv[1]))["results"]}))' "$work/eval3/evaluation.json"
expect "evaluate: a platform both held out and trained on" error "both held out and a training platform" -- \
  "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" --out-dir "$work/eval4" \
  --d 10 --baseline-d 10 --methods FLOPs --hold-out cpu-a --train-platforms cpu-a,cpu-b
expect "evaluate: an unknown training platform" error "training platform 'cpu-z' is not in the dataset" -- \
  "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" --out-dir "$work/eval5" \
  --d 10 --baseline-d 10 --methods FLOPs --hold-out npu-c --train-platforms cpu-z
expect "evaluate: a drift from a platform to itself is skipped with the reason" ok "the stale and the new platform are the same" -- \
  "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" --features "$work/features.csv" --out-dir "$work/eval6" \
  --d 10 --baseline-d 10 --methods FLOPs --drift-from cpu-a --drift-to cpu-a
# The noise floor: a second pass 8 % slower, in two stores (--noise is repeatable), scored per set
# and shown under each set's table.
/usr/bin/python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/gen.csv")))
for i, part in enumerate((rows[:60], rows[60:])):
    with open(f"{work}/noise{i}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        for r in part:
            if r["status"] == "ok":
                r["median_ms"] = "%.6f" % (1.08 * float(r["median_ms"]))
            w.writerow(r)
PY
expect "evaluate --noise, two stores" ok "wrote" -- "$BIN" evaluate --data "$work/ref.csv" --data "$work/gen.csv" \
  --features "$work/features.csv" --out-dir "$work/eval7" --d 10 --baseline-d 10 --methods FLOPs \
  --noise "$work/noise0.csv" --noise "$work/noise1.csv"
expect "evaluate --noise: the floor under the random networks' table" ok \
  "^| noise floor: a second pass, 3 of the platforms | 8.0 % | 100.0 % | 100.0 % | - |$" -- cat "$work/eval7/evaluation.md"
expect "evaluate --noise: per platform and set in the JSON" ok "^\\[('cpu-a', 'random', 0.08)" -- /usr/bin/python3 -c \
  'import json, sys; print([(n["platform"], n["set"], round(n["mape"], 3)) for n in json.load(open(sys.argv[1]))["noise_floor"]])' \
  "$work/eval7/evaluation.json"
expect "evaluate --noise: overlapping second-pass stores" error "twice" -- "$BIN" evaluate --data "$work/ref.csv" \
  --data "$work/gen.csv" --features "$work/features.csv" --out-dir "$work/eval8" --d 10 --baseline-d 10 --methods FLOPs \
  --noise "$work/noise0.csv" --noise "$work/noise0.csv"
expect "evaluate: unknown method" error "known methods" -- "$BIN" evaluate --data "$work/ref.csv" --features "$work/features.csv" \
  --out-dir "$work/eval2" --methods Magic

echo "model commands: $pass passed, $fail failed"
[ $fail -eq 0 ]
