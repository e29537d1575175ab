#!/bin/sh
# Behaves like a vendor benchmark tool (trtexec, a Cambricon tool) for the exec runner's tests:
#   fake_vendor_tool.sh MODEL.onnx NAME
# It checks that the model file exists, then acts by the network's name:
#   *-1 prints garbage, *-2 fails with status 3, *-3 says the network is unsupported,
#   *-4 hangs, *-5 kills the measuring worker (an ancestor) with SIGKILL, as the OOM killer would;
#   anything else prints a trtexec-like line with a latency (ms) derived from the file size.
model="$1"
name="$2"
if [ ! -f "$model" ]; then
  echo "error: cannot open model file '$model'" >&2
  exit 2
fi
case "$name" in
  *-1) echo "lorem ipsum, no numbers here" ;;
  *-2) echo "[E] engine build failed: out of memory" >&2; exit 3 ;;
  *-3) echo "[E] Error: layer 'roll' is not supported on this device"; exit 1 ;;
  *-4) sleep 30 ;;
  *-5)  # find the measuring worker among our ancestors and crash it
    pid=$$
    while [ "$pid" -gt 1 ]; do
      pid=$(awk '{print $4}' "/proc/$pid/stat")
      if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q measure-worker; then kill -KILL "$pid"; break; fi
    done
    sleep 5 ;;
  *)
    size=$(wc -c < "$model")
    echo "[I] Starting inference"
    echo "[I] Latency: min = 0.9 ms, max = 2.0 ms, mean = 1.1 ms, median = $((size % 97 + 3)).25 ms"
    ;;
esac
