#!/usr/bin/env bash
# Writes the extender's default network catalogue: `acesniper analyze --json` of every ONNX model in
# ZOO_DIR at batch 1 and at batch 16 (entries NAME and NAME@b16; docs/annotations.md).
#   scripts/make-catalogue.sh ACESNIPER ZOO_DIR OUT.json
# ZOO_DIR: the torchvision zoo as predictor/tools/export_zoo.py writes it (the zoo test's build/zoo).
set -euo pipefail
acesniper=$1 zoo=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$acesniper" analyze "$zoo"/*.onnx --json > "$tmp/b1.json"
for f in "$zoo"/*.onnx; do
  # The file's own input shape, batch 16.
  shape=$("$acesniper" analyze "$f" --summary | awk 'NR==2 {print $2}' | tr -d '[]')
  "$acesniper" analyze "$f" --json --input-shape "16,${shape#*,}" > "$tmp/$(basename "$f" .onnx).b16.json"
done
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import glob, json, sys
tmp, out = sys.argv[1], sys.argv[2]
entries = json.load(open(f"{tmp}/b1.json"))
for p in sorted(glob.glob(f"{tmp}/*.b16.json")):
    entries += json.load(open(p))
for e in entries:
    e.pop("file", None)  # a path on the machine that made it
with open(out, "w") as f:
    json.dump(entries, f, indent=0)
    f.write("\n")
print(f"{out}: {len(entries)} entries")
PY
