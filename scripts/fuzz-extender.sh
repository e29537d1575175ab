#!/usr/bin/env bash
# Builds the extender's request-decoder fuzzer with clang (libFuzzer + AddressSanitizer) in
# build-fuzz/ and runs it for a bounded time on a seed corpus of real-shaped requests.
#   scripts/fuzz-extender.sh [SECONDS]      (default 30; CTest runs it as fuzz.extender_args)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DACESNIPER_FUZZ=ON > /dev/null
fi
cmake --build build-fuzz --target extender_args_fuzzer > /dev/null
corpus=build-fuzz/extender-corpus
mkdir -p "$corpus"
/usr/bin/python3 - "$corpus" test/fixtures/kubernetes <<'PY'
import json, os, sys
out, fixtures = sys.argv[1], sys.argv[2]
pod = json.load(open(os.path.join(fixtures, "core.v1.Pod.json")))
node = json.load(open(os.path.join(fixtures, "core.v1.Node.json")))
pod["metadata"]["annotations"] = {"acesniper.io/deadline-ms": "250", "acesniper.io/network": "resnet50",
                                  "acesniper.io/inferences": "16", "acesniper.io/batch-size": "16"}
node["metadata"]["annotations"]["acesniper.io/hrm"] = '{"schema":"acesniper.hrm/v1","spec":"0123456789abcdef"}'
seeds = {"nodes": {"Pod": pod, "Nodes": {"items": [node]}, "NodeNames": None},
         "names": {"pod": pod, "nodenames": ["a", "b"]},
         "inline": {"Pod": {"metadata": {"annotations": {"acesniper.io/deadline-ms": "1",
                    "acesniper.io/network-features": '{"schema":"acesniper.nns/v4","features":{}}'}}}, "NodeNames": []}}
for name, obj in seeds.items():
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(obj, f)
PY
build-fuzz/bin/extender_args_fuzzer -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 "$corpus" 2>&1 | tail -12
