#!/bin/sh
# A stand-in for a vendor benchmark tool (trtexec on a Jetson, a Cambricon tool) for the node
# agent's tests: fake_accelerator.sh MODEL.onnx. Prints a latency derived from the model file's
# size, after FAKE_ACCELERATOR_SLEEP seconds (so that a test can interrupt a benchmark).
[ -f "$1" ] || { echo "error: cannot open model file '$1'" >&2; exit 2; }
sleep "${FAKE_ACCELERATOR_SLEEP:-0}"
size=$(wc -c < "$1")
echo "[I] median = $((size % 89 + 2)).$((size % 7))5 ms"
