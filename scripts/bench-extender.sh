#!/usr/bin/env bash
# The extender's speed targets (issue 6), measured: wrk against the real binary on loopback, and
# the in-process split (decode vs decide) from acesniper-extender-bench.
#   scripts/bench-extender.sh [DURATION_S]      (default 10 s per wrk run)
# The extender runs pinned to core 0 and wrk (one thread, 4 connections) to core 1, so the
# server has one core; run it on an otherwise idle machine. Figures: docs/extender-benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
bin=build/bin
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
/usr/bin/python3 - "$work" models/default <<'PY'
import json, os, sys
work, model_dir = sys.argv[1], sys.argv[2]
platforms = sorted(f[:-5] for f in os.listdir(os.path.join(model_dir, "hrm")))
hrm = {p: json.dumps(json.load(open(os.path.join(model_dir, "hrm", p + ".json"))), separators=(",", ":")) for p in platforms}

def node(i):
    # A realistic node: conditions, addresses, capacity, 40 cached images, node info (~6 KB).
    p = platforms[i % len(platforms)]
    name = f"edge-{i:04d}"
    return {"kind": "Node", "apiVersion": "v1",
            "metadata": {"name": name, "uid": f"6b1d6c52-3c2f-4b7e-9d4f-{i:012d}", "resourceVersion": str(100000 + i),
                         "creationTimestamp": "2026-11-01T00:00:00Z",
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
                                    "node.kubernetes.io/instance-type": "edge-box", "topology.kubernetes.io/zone": f"zone-{i % 4}",
                                    "acesniper.io/platform": p},
                         "annotations": {"acesniper.io/hrm": hrm[p], "node.alpha.kubernetes.io/ttl": "0",
                                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": {"podCIDR": f"10.{i // 250}.{i % 250}.0/24", "podCIDRs": [f"10.{i // 250}.{i % 250}.0/24"]},
            "status": {"capacity": {"cpu": "4", "memory": "8012344Ki", "pods": "110", "ephemeral-storage": "61255492Ki"},
                       "allocatable": {"cpu": "4", "memory": "7909944Ki", "pods": "110", "ephemeral-storage": "56453061981"},
                       "conditions": [{"type": t, "status": "False" if t != "Ready" else "True",
                                       "lastHeartbeatTime": "2026-11-27T00:00:00Z", "lastTransitionTime": "2026-11-01T00:00:00Z",
                                       "reason": "Kubelet" + t, "message": "kubelet has sufficient " + t}
                                      for t in ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]],
                       "addresses": [{"type": "InternalIP", "address": f"192.168.{i // 250}.{i % 250}"},
                                     {"type": "Hostname", "address": name}],
                       "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                       "nodeInfo": {"machineID": "f" * 32, "systemUUID": "e" * 36, "bootID": "d" * 36,
                                    "kernelVersion": "6.1.0-27-amd64", "osImage": "Debian GNU/Linux 12 (bookworm)",
                                    "containerRuntimeVersion": "containerd://1.6.20", "kubeletVersion": "v1.29.0",
                                    "kubeProxyVersion": "v1.29.0", "operatingSystem": "linux", "architecture": "amd64"},
                       "images": [{"names": [f"registry.example.com/ml/model-server-{k}@sha256:{'a' * 64}",
                                             f"registry.example.com/ml/model-server-{k}:v1.{k}"], "sizeBytes": 123456789 + k}
                                  for k in range(40)]}}

pod = {"kind": "Pod", "apiVersion": "v1",
       "metadata": {"name": "infer-7f9c", "namespace": "ml", "uid": "0b4e1c8a-1111-2222-3333-444455556666",
                    "creationTimestamp": "2026-11-27T00:00:00Z",
                    "annotations": {"acesniper.io/deadline-ms": "5000", "acesniper.io/network": "resnet50",
                                    "acesniper.io/inferences": "16"}},
       "spec": {"schedulerName": "acesniper", "containers": [{"name": "infer", "image": "registry.example.com/ml/model-server-1:v1.1",
                "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]},
       "status": {"phase": "Pending"}}
nodes = [node(i) for i in range(1000)]
json.dump({"kind": "NodeList", "apiVersion": "v1", "items": nodes}, open(f"{work}/nodes.json", "w"))
json.dump({"Pod": pod, "NodeNames": [n["metadata"]["name"] for n in nodes]}, open(f"{work}/names-1000.json", "w"))
for n in (100, 1000):
    json.dump({"Pod": pod, "Nodes": {"kind": "NodeList", "apiVersion": "v1", "items": nodes[:n]}}, open(f"{work}/nodes-{n}.json", "w"))
print("one node object:", len(json.dumps(nodes[0])), "bytes")
PY
for f in names-1000 nodes-100 nodes-1000; do
  taskset -c 0 $bin/acesniper-extender-bench --model models/default/latency-model.json --catalogue models/default/catalogue.json \
    --nodes-file "$work/nodes.json" --request "$work/$f.json" --repeat 100
done
cat > "$work/extender.yaml" <<YAML
listen: {address: 127.0.0.1, port: 18888}
model: {latencyModel: models/default/latency-model.json, catalogue: models/default/catalogue.json}
cluster: {nodesFile: $work/nodes.json, refreshSeconds: 3600}
server: {logRequests: false}
YAML
cat > "$work/post.lua" <<'LUA'
-- Alternates filter and prioritize with the same ExtenderArgs body, as kube-scheduler does.
local f = io.open(os.getenv("BODY"), "rb"); local body = f:read("*a"); f:close()
local n = 0
request = function()
  n = n + 1
  local verb = (n % 2 == 1) and "/acesniper/filter" or "/acesniper/prioritize"
  return wrk.format("POST", verb, {["Content-Type"] = "application/json"}, body)
end
LUA
start_extender() {  # $1: taskset core list
  taskset -c "$1" $bin/acesniper-extender --config "$work/extender.yaml" 2> "$work/extender.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18888/readyz > /dev/null && break; sleep 0.1; done
}
run_wrk() {  # $1: body, $2: connections, $3: taskset cores for wrk
  BODY="$work/$1.json" taskset -c "$3" wrk -t1 -c"$2" -d"${duration}s" --latency -s "$work/post.lua" http://127.0.0.1:18888 |
    grep -E "50%|90%|99%|Requests/sec|Non-2xx"
}
echo "== latency: the extender on core 0, wrk on core 1 with one connection (kube-scheduler calls one at a time)"
start_extender 0
for f in names-1000 nodes-100 nodes-1000; do
  echo "-- $f: filter and prioritize alternating, ${duration} s"
  run_wrk "$f" 1 1
done
kill $pid; wait $pid 2>/dev/null || true
echo "== throughput: the extender and wrk share both cores, 4 connections"
start_extender 0,1
for f in names-1000 nodes-100; do
  echo "-- $f: filter and prioritize alternating, ${duration} s"
  run_wrk "$f" 4 0,1
done
