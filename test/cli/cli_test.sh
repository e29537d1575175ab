#!/usr/bin/env bash
# End-to-end checks of the acesniper command line: the happy path and every kind of bad input
# (clear message on stderr, non-zero exit, no crash). Usage: cli_test.sh path/to/acesniper
set -u
BIN=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

expect "generate" ok "generated 3 networks" -- "$BIN" generate --count 3 --seed 9 --out "$work/gen"
expect "analyze json" ok "acesniper.nns/v4" -- "$BIN" analyze "$work/gen/gen-9-0.pt" "$work/gen/gen-9-0.onnx" --json
"$BIN" analyze "$work/gen/gen-9-1.pt" "$work/gen/gen-9-1.onnx" --json >"$work/two.json"
expect "json parses, two models, same features" ok "" -- /usr/bin/python3 -c "
import json, sys
a = json.load(open('$work/two.json'))
assert len(a) == 2 and a[0]['features'] == a[1]['features'], 'features differ'
"
expect "layers view" ok "conv" -- "$BIN" analyze "$work/gen/gen-9-2.onnx" --layers
expect "missing file" error "cannot open" -- "$BIN" analyze "$work/none.onnx"
printf 'not a model\n' >"$work/model.txt"
expect "unsupported format" error "unsupported model format" -- "$BIN" analyze "$work/model.txt"
head -c 3000 /dev/urandom >"$work/junk.pt"
expect "random bytes as TorchScript" error "not a readable TorchScript" -- "$BIN" analyze "$work/junk.pt"
head -c 3000 /dev/urandom >"$work/junk.onnx"
expect "random bytes as ONNX" error "onnx" -- "$BIN" analyze "$work/junk.onnx"
head -c 2000 "$work/gen/gen-9-0.onnx" >"$work/cut.onnx"
expect "truncated ONNX" error "" -- "$BIN" analyze "$work/cut.onnx"
head -c 2000 "$work/gen/gen-9-0.pt" >"$work/cut.pt"
expect "truncated TorchScript" error "TorchScript" -- "$BIN" analyze "$work/cut.pt"
expect "one bad file among good ones still fails" error "cannot open" -- "$BIN" analyze "$work/gen/gen-9-0.onnx" "$work/none.pt"
expect "malformed input shape" error "input shape" -- "$BIN" analyze --input-shape 1,3,x,2 "$work/gen/gen-9-0.onnx"
expect "no subcommand" error "" -- "$BIN"
expect "bad count" error "" -- "$BIN" generate --count 0 --out "$work/x"
expect "empty budget" error "budget" -- "$BIN" generate --count 1 --min-flops 2e9 --max-flops 1e9 --out "$work/y"
expect "unknown format" error "" -- "$BIN" generate --count 1 --format tflite --out "$work/z"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
