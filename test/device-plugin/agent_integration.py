#!/usr/bin/env python3
"""Runs the real acesniper-device-plugin binary against a local HTTP server that checks what the
API server would check: the bearer token, the PATCH content type, a merge-patch body that carries
the resourceVersion it read (stale ones answered 409 Conflict), and Kubernetes' annotation size
limit. The node's platform is an exec runner around fake_accelerator.sh, so a full reference-set
benchmark (120 networks, real ONNX files, the real measuring worker) takes seconds.
Covers: first benchmark and publication, nothing republished when nothing changed, conflicts
retried, an outage (the vector kept and published on a later run), a driver upgrade (new
fingerprint: re-benchmark), a restart mid-benchmark (resumes), wrong token, kubeconfig, corrupt
state, oversized annotations and bad configuration.

usage: agent_integration.py AGENT_BINARY ACESNIPER_BINARY REPO_DIR
"""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, finish  # noqa: E402

AGENT, ACESNIPER, REPO = sys.argv[1], sys.argv[2], sys.argv[3]
FIXTURES = os.path.join(REPO, "test", "fixtures", "kubernetes")
TOOL = os.path.join(REPO, "test", "device-plugin", "fake_accelerator.sh")
MODEL = os.path.join(REPO, "models", "default", "latency-model.json")
TOKEN = "agent-token-123"


class NodeApiServer:
    """GET and PATCH /api/v1/nodes/NAME, as the API server answers them."""

    def __init__(self, name):
        node = json.load(open(os.path.join(FIXTURES, "core.v1.Node.json")))
        node["metadata"].update(name=name, resourceVersion="100", annotations={"other.io/keep": "yes"})
        self.node = node
        self.lock = threading.Lock()
        self.requests = []       # (method, path, headers, body)
        self.down = False        # answer 503 to everything
        self.inject_conflicts = 0  # the next N PATCHes lose a race with another writer
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def status(self, code, message):
                self.reply(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code,
                                  "message": message})

            def handle_any(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                with outer.lock:
                    outer.requests.append((method, self.path, dict(self.headers), body))
                    if outer.down:
                        return self.status(503, "the server is shutting down")
                    if self.headers.get("Authorization") != "Bearer " + TOKEN:
                        return self.status(401, "Unauthorized")
                    if self.path != "/api/v1/nodes/" + outer.node["metadata"]["name"]:
                        return self.status(404, "nodes not found")
                    if method == "GET":
                        return self.reply(200, outer.node)
                    if self.headers.get("Content-Type") != "application/merge-patch+json":
                        return self.status(415, "unsupported media type")
                    try:
                        patch = json.loads(body)
                    except ValueError:
                        return self.status(400, "the patch is not JSON")
                    meta = patch.get("metadata", {})
                    if set(patch) != {"metadata"} or not set(meta) <= {"resourceVersion", "annotations", "labels"}:
                        return self.status(422, "the agent may only patch its annotations and labels")
                    if outer.inject_conflicts > 0:
                        outer.inject_conflicts -= 1
                        outer.bump(labels={"other.io/writer": "raced"})
                    if meta.get("resourceVersion") != outer.node["metadata"]["resourceVersion"]:
                        return self.status(409, "Operation cannot be fulfilled on nodes: the object has been modified")
                    ann = dict(outer.node["metadata"].get("annotations") or {})
                    ann.update(meta.get("annotations", {}))
                    if sum(len(k) + len(v) for k, v in ann.items()) > 256 * 1024:
                        return self.status(422, "metadata.annotations: Too long: must have at most 262144 bytes")
                    outer.bump(annotations=meta.get("annotations", {}), labels=meta.get("labels", {}))
                    return self.reply(200, outer.node)

            def do_GET(self):
                self.handle_any("GET")

            def do_PATCH(self):
                self.handle_any("PATCH")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bump(self, annotations=None, labels=None):
        m = self.node["metadata"]
        m.setdefault("annotations", {}).update(annotations or {})
        m.setdefault("labels", {}).update(labels or {})
        m["resourceVersion"] = str(int(m["resourceVersion"]) + 1)

    def take(self):
        with self.lock:
            r, self.requests = self.requests, []
        return r


def write_config(work, server_url, state, extra=""):
    with open(os.path.join(work, "token"), "w") as f:
        f.write(TOKEN + "\n")
    with open(os.path.join(work, "platforms.json"), "w") as f:
        json.dump({"platforms": [{
            "name": "fake-npu", "runner": "exec", "command": TOOL + " {onnx}",
            "latency_regex": "median = ([0-9.]+) ms",
            "version_command": "cat " + os.path.join(work, "driver-version"),
            "command_timeout_seconds": 30,
            "timing": {"visits": 1, "warmup_runs": 0, "warmup_seconds": 0, "min_runs": 1, "max_runs": 1}}]}, f)
    path = os.path.join(work, "agent.yaml")
    with open(path, "w") as f:
        f.write(f"""nodeName: edge-npu-1
apiServer: {{url: "{server_url}", tokenFile: {work}/token, timeoutSeconds: 5}}
platform: fake-npu
platformsFile: {work}/platforms.json
platformLabel: cambricon-mlu220-fake
extraLabels: {{acesniper.io/accelerator: npu}}
worker: [{ACESNIPER}, measure-worker]
model: {MODEL}
stateDir: {state}
checkSeconds: 0.5
retry: {{attempts: 3, initialSeconds: 0.05, maxSeconds: 0.2}}
{extra}""")
    return path


def run_agent(config, *args, timeout=300, env=None):
    p = subprocess.run([AGENT, "--config", config, *args], capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    events = []
    for line in p.stderr.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    return p, events


def names(events):
    return [e.get("event") for e in events]


def store_rows(state):
    rows = []
    for f in os.listdir(state):
        if f.startswith("reference-") and f.endswith(".csv"):
            rows += open(os.path.join(state, f)).read().splitlines()[1:]
    return rows


def main():
    work = tempfile.mkdtemp(prefix="agent-it-")
    try:
        with open(os.path.join(work, "driver-version"), "w") as f:
            f.write("fake-npu-driver 1.0\n")
        api = NodeApiServer("edge-npu-1")
        state = os.path.join(work, "state")
        config = write_config(work, api.url, state)

        # Bad configuration: exit 2, the key named.
        for text, expect in [("nodeName: [1\n", "not valid YAML"),
                             ("nodeName: n\napiServer: in-cluster\nplatfrom: x\n", "platfrom: unknown key"),
                             ("nodeName: n\n", "apiServer is required"),
                             ("nodeName: n\napiServer: in-cluster\nplatformLabel: 'has spaces'\n", "platformLabel"),
                             ("nodeName: n\napiServer: in-cluster\nextraLabels: {'Bad_Prefix/x': y}\n", "DNS subdomain"),
                             ("nodeName: n\napiServer: {url: ftp://x}\n", "apiServer.url"),
                             ("apiServer: in-cluster\n", "NODE_NAME"),
                             ("nodeName: n\napiServer: in-cluster\nretry: {attempts: 0}\n", "retry.attempts")]:
            bad = os.path.join(work, "bad.yaml")
            with open(bad, "w") as f:
                f.write(text)
            p, _ = run_agent(bad, "--check-config", env={"NODE_NAME": ""})
            check(p.returncode == 2 and expect in p.stderr, f"bad config rejected naming '{expect}' (exit {p.returncode})")
        p, _ = run_agent(config, "--check-config")
        check(p.returncode == 0, "the test configuration is valid")
        p, _ = run_agent(os.path.join(REPO, "device-plugin", "config", "example.yaml"), "--check-config",
                         env={"NODE_NAME": "node-a"})
        check(p.returncode == 0 and "node node-a" in p.stdout, "the shipped example configuration is valid")

        # 1. First run: benchmark the reference set, fit, publish once.
        t0 = time.time()
        p, ev = run_agent(config, "--once")
        secs = time.time() - t0
        check(p.returncode == 0, f"first run succeeds (exit {p.returncode}, {secs:.1f} s){'' if p.returncode == 0 else ': ' + p.stderr[-800:]}")
        check("benchmark-start" in names(ev) and "hrm-fitted" in names(ev) and "published" in names(ev),
              "first run benchmarks, fits and publishes: " + ",".join(names(ev)))
        rows = store_rows(state)
        check(len(rows) == 120, f"the store holds the 120 reference networks ({len(rows)})")
        reqs = api.take()
        patches = [r for r in reqs if r[0] == "PATCH"]
        check(len(patches) == 1, f"exactly one PATCH ({len(patches)})")
        check(all(r[2].get("Authorization") == "Bearer " + TOKEN for r in reqs), "every request carries the bearer token")
        if patches:
            body = json.loads(patches[0][3])
            check(patches[0][2].get("Content-Type") == "application/merge-patch+json", "PATCH content type is merge-patch")
            check(body["metadata"]["resourceVersion"] == "100", "the patch carries the resourceVersion it read")
            check(set(body["metadata"]["annotations"]) == {"acesniper.io/hrm"}, "the patch sets only our annotation")
        meta = api.node["metadata"]
        hrm = json.loads(meta["annotations"].get("acesniper.io/hrm", "{}"))
        check(hrm.get("schema") == "acesniper.hrm/v1" and hrm.get("platform") == "fake-npu" and hrm.get("measured") == 120,
              "the Node carries a v1 HRM vector fitted on 120 reference networks")
        check(meta["annotations"].get("other.io/keep") == "yes", "other annotations are kept")
        labels = meta["labels"]
        check(labels.get("acesniper.io/platform") == "cambricon-mlu220-fake" and labels.get("acesniper.io/hrm-version") == "v1"
              and len(labels.get("acesniper.io/hrm-spec", "")) == 16 and labels.get("acesniper.io/accelerator") == "npu",
              "labels: platform, hrm-spec, hrm-version and the extra label")
        st = json.load(open(os.path.join(state, "state.json")))
        check(st["published_hrm"] == st["hrm"] == meta["annotations"]["acesniper.io/hrm"], "state records what was published")
        first_hrm = st["hrm"]

        # 2. Nothing changed: no benchmark, no PATCH.
        p, ev = run_agent(config, "--once")
        reqs = api.take()
        check(p.returncode == 0 and "benchmark-start" not in names(ev) and "up-to-date" in names(ev),
              "second run: no benchmark, node up to date")
        check([r[0] for r in reqs] == ["GET"], f"second run only reads the Node ({[r[0] for r in reqs]})")

        # 3. Someone removed our annotation; the next PATCH loses a race (409) and is retried.
        del api.node["metadata"]["annotations"]["acesniper.io/hrm"]
        api.inject_conflicts = 1
        p, ev = run_agent(config, "--once")
        reqs = api.take()
        pub = [e for e in ev if e.get("event") == "published"]
        check(p.returncode == 0 and pub and pub[0].get("conflicts") == 1, "a 409 Conflict is retried with a fresh read")
        check([r[0] for r in reqs] == ["GET", "PATCH", "GET", "PATCH"], f"conflict: GET PATCH GET PATCH ({[r[0] for r in reqs]})")
        check(api.node["metadata"]["annotations"].get("acesniper.io/hrm") == first_hrm
              and api.node["metadata"]["labels"].get("other.io/writer") == "raced", "both writers' changes survive")

        # 4. Driver upgrade during an API outage: re-benchmark, keep the vector, publish later.
        with open(os.path.join(work, "driver-version"), "w") as f:
            f.write("fake-npu-driver 2.0\n")
        api.down = True
        p, ev = run_agent(config, "--once")
        reqs = api.take()
        check(p.returncode == 1 and "fingerprint changed" in json.dumps(ev), "a new fingerprint triggers a benchmark")
        check(len(reqs) == 3 and "pass-failed" in names(ev) and "gave up after 3 attempts" in p.stderr,
              f"outage: 3 attempts with backoff, then a clear failure ({len(reqs)} requests)")
        st = json.load(open(os.path.join(state, "state.json")))
        check(st["hrm"] and st["published_hrm"] != st["hrm"], "the new vector is kept locally, marked unpublished")
        api.down = False
        p, ev = run_agent(config, "--once")
        check(p.returncode == 0 and "benchmark-start" not in names(ev) and "published" in names(ev)
              and api.node["metadata"]["annotations"]["acesniper.io/hrm"] == st["hrm"],
              "after the outage the kept vector is published without benchmarking again")
        api.take()

        # 5. Wrong token: 401, no retries, the reason printed.
        with open(os.path.join(work, "token"), "w") as f:
            f.write("wrong\n")
        p, ev = run_agent(config, "--once")
        reqs = api.take()
        check(p.returncode == 1 and "401" in p.stderr and len(reqs) == 1, f"401 fails at once ({len(reqs)} requests)")
        with open(os.path.join(work, "token"), "w") as f:
            f.write(TOKEN + "\n")

        # 6. The same through a kubeconfig.
        kc = os.path.join(work, "kubeconfig")
        with open(kc, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
current-context: edge
contexts: [{{name: edge, context: {{cluster: c, user: u}}}}]
clusters: [{{name: c, cluster: {{server: "{api.url}"}}}}]
users: [{{name: u, user: {{token: {TOKEN}}}}}]
""")
        kc_config = write_config(work, api.url, state).replace("agent.yaml", "agent.yaml")
        text = open(kc_config).read().replace(f'apiServer: {{url: "{api.url}", tokenFile: {work}/token, timeoutSeconds: 5}}',
                                              f"apiServer: {{kubeconfig: {kc}}}")
        kc_config = os.path.join(work, "agent-kubeconfig.yaml")
        with open(kc_config, "w") as f:
            f.write(text)
        del api.node["metadata"]["annotations"]["acesniper.io/hrm"]
        p, ev = run_agent(kc_config, "--once")
        reqs = api.take()
        check(p.returncode == 0 and "published" in names(ev) and reqs
              and reqs[0][2].get("Authorization") == "Bearer " + TOKEN, "kubeconfig: token user, publishes")

        # 7. A corrupt state file is moved aside; the store spares a second benchmark.
        with open(os.path.join(state, "state.json"), "w") as f:
            f.write("{not json")
        p, ev = run_agent(config, "--once")
        check(p.returncode == 0 and "state-corrupt" in names(ev) and os.path.exists(os.path.join(state, "state.json.corrupt")),
              "a corrupt state file is kept aside and the agent recovers")
        prog = [e for e in ev if e.get("event") == "benchmark-progress"]
        fitted = [e for e in ev if e.get("event") == "hrm-fitted"]
        check(fitted and fitted[0]["measured"] == 120 and (not prog or prog[-1]["done"] == 120),
              "the refit reuses the stored measurements")
        api.take()

        # 8. Interrupted benchmark: kill -9 mid-way, restart, it resumes.
        state2 = os.path.join(work, "state2")
        config2 = write_config(work, api.url, state2)
        env = dict(os.environ, FAKE_ACCELERATOR_SLEEP="0.05")
        proc = subprocess.Popen([AGENT, "--config", config2, "--once"], stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline and len(store_rows(state2) if os.path.isdir(state2) else []) < 15:
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        before = len(store_rows(state2))
        check(15 <= before < 120, f"killed mid-benchmark with {before} of 120 measured")
        p, ev = run_agent(config2, "--once", env={"FAKE_ACCELERATOR_SLEEP": "0"})
        rows = store_rows(state2)
        nets = [r.split(",")[2] for r in rows]
        check(p.returncode == 0 and len(rows) == 120 and len(set(nets)) == 120,
              f"restart resumes: 120 rows, no duplicates ({len(rows)} rows, {len(set(nets))} networks)")
        api.take()

        # 9. Kubernetes' 256 KiB annotation budget: refused before sending, with the reason.
        api.node["metadata"]["annotations"]["other.io/huge"] = "x" * (256 * 1024 - 100)
        del api.node["metadata"]["annotations"]["acesniper.io/hrm"]
        p, ev = run_agent(config, "--once")
        reqs = api.take()
        check(p.returncode == 1 and "262144-byte limit" in p.stderr and all(r[0] == "GET" for r in reqs),
              "an annotation over the size limit is refused with the reason, nothing sent")
        del api.node["metadata"]["annotations"]["other.io/huge"]

        # 10. The daemon mode: publishes, then exits cleanly on SIGTERM.
        proc = subprocess.Popen([AGENT, "--config", config], stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and "acesniper.io/hrm" not in api.node["metadata"]["annotations"]:
            time.sleep(0.1)
        time.sleep(1.2)  # at least two more checks
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = None
        patches = [r for r in api.take() if r[0] == "PATCH"]
        check(rc == 0 and len(patches) == 1, f"daemon: one PATCH over several checks, clean exit on SIGTERM (rc {rc}, {len(patches)} PATCHes)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
