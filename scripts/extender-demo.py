#!/usr/bin/env python3
"""The main job's extender step: runs acesniper-extender on loopback with one node per HRM vector
given (this machine's platforms), asks filter and prioritize for a few deadline pods the way
kube-scheduler does, and writes the answers and the extender's log to OUT_DIR.

usage: extender-demo.py EXTENDER_BINARY OUT_DIR HRM.json...
"""
import http.client
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

binary, out_dir, hrm_files = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out_dir, exist_ok=True)
nodes = []
for path in hrm_files:
    vec = json.load(open(path))
    name = "node-" + vec["platform"]
    nodes.append({"kind": "Node", "apiVersion": "v1",
                  "metadata": {"name": name, "labels": {"acesniper.io/platform": vec["platform"]},
                               "annotations": {"acesniper.io/hrm": json.dumps(vec, separators=(",", ":"))}}})
with open(os.path.join(out_dir, "nodes.json"), "w") as f:
    json.dump({"kind": "NodeList", "apiVersion": "v1", "items": nodes}, f)
with open(os.path.join(out_dir, "extender.yaml"), "w") as f:
    f.write(f"""listen: {{address: 127.0.0.1, port: 0}}
model: {{latencyModel: models/default/latency-model.json, catalogue: models/default/catalogue.json}}
cluster: {{nodesFile: {out_dir}/nodes.json}}
policy: {{maxSlowdown: 0}}
""")
log = open(os.path.join(out_dir, "extender.log"), "w+")
proc = subprocess.Popen([binary, "--config", os.path.join(out_dir, "extender.yaml")], stderr=log)
port = None
for _ in range(200):
    log.seek(0)
    for line in log.read().splitlines():
        if '"event":"listening"' in line:
            port = json.loads(line)["port"]
    if port or proc.poll() is not None:
        break
    time.sleep(0.05)
if port is None:
    sys.exit("acesniper-extender did not start; see " + log.name)


def call(verb, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST" if body is not None else "GET", verb, body=json.dumps(body) if body is not None else None)
    r = c.getresponse()
    return r.status, r.read().decode()


for _ in range(100):
    if call("/readyz", None)[0] == 200:
        break
    time.sleep(0.05)
now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
names = [n["metadata"]["name"] for n in nodes]
results = []
for network, batch, deadline in [("resnet50", "1", "60000"), ("resnet50", "16", "60000"), ("mobilenet_v2", "1", "200"),
                                 ("vgg19", "1", "500")]:
    pod = {"metadata": {"name": f"{network}-b{batch}", "namespace": "demo", "creationTimestamp": now,
                        "annotations": {"acesniper.io/deadline-ms": deadline, "acesniper.io/network": network,
                                        "acesniper.io/batch-size": batch}}}
    _, filt = call("/acesniper/filter", {"Pod": pod, "NodeNames": names})
    _, prio = call("/acesniper/prioritize", {"Pod": pod, "NodeNames": names})
    filt, prio = json.loads(filt), json.loads(prio)
    results.append({"pod": pod["metadata"], "filter": filt, "prioritize": prio})
    print(f"{network} batch {batch}, deadline {deadline} ms: passes {filt['NodeNames']}, "
          f"failed {filt['FailedNodes'] or '{}'}{' error ' + filt['Error'] if filt['Error'] else ''}; "
          f"scores {{{', '.join(h['Host'] + ': ' + str(h['Score']) for h in prio)}}}")
proc.terminate()
proc.wait(timeout=10)
with open(os.path.join(out_dir, "decisions.json"), "w") as f:
    json.dump(results, f, indent=1)
print(f"wrote {out_dir}/decisions.json and {out_dir}/extender.log")
