#!/usr/bin/env python3
"""Starts the real acesniper-extender binary on a loopback port and drives it the way kube-scheduler
does: ExtenderArgs with real-shaped v1.Pod and v1.Node objects (upstream's every-field fixtures with
our annotations set), both node-cache modes, lowercase keys, HTTPS, bad input of every kind, model
and queue reloads, and a silent client that must not block anyone.

usage: extender_integration.py EXTENDER_BINARY REPO_DIR
"""
import http.client
import http.server
import threading
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, finish  # noqa: E402

BINARY, REPO = sys.argv[1], sys.argv[2]
MODEL_DIR = os.path.join(REPO, "models", "default")
FIXTURES = os.path.join(REPO, "test", "fixtures", "kubernetes")


def now_rfc3339():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hrm(platform):
    with open(os.path.join(MODEL_DIR, "hrm", platform + ".json")) as f:
        return json.dumps(json.load(f), separators=(",", ":"))


def node(name, platform):
    n = json.load(open(os.path.join(FIXTURES, "core.v1.Node.json")))
    n["metadata"]["name"] = name
    n["metadata"]["annotations"] = {"annotationsKey": "annotationsValue"}
    if platform:
        n["metadata"]["annotations"]["acesniper.io/hrm"] = hrm(platform)
        n["metadata"]["labels"]["acesniper.io/platform"] = platform
    return n


def pod(name, annotations, created=None):
    p = json.load(open(os.path.join(FIXTURES, "core.v1.Pod.json")))
    p["metadata"]["name"] = name
    p["metadata"]["namespace"] = "ml"
    p["metadata"]["annotations"] = dict(annotations)
    p["metadata"]["creationTimestamp"] = created or now_rfc3339()
    return p


NODES = [node("slow-0", "torch-eager-1t"), node("mid-0", "torch-eager-2t"), node("fast-0", "torch-frozen-2t"),
         node("bare-0", None)]
NAMES = [n["metadata"]["name"] for n in NODES]


class Extender:
    def __init__(self, work, extra_config="", tls=None, cluster=None):
        self.work = work
        self.config = os.path.join(work, "extender.yaml")
        with open(self.config, "w") as f:
            f.write(f"""listen: {{address: 127.0.0.1, port: 0}}
urlPrefix: /acesniper
model: {{latencyModel: {work}/model.json, catalogue: {work}/catalogue.json, reloadSeconds: 0.2}}
{cluster or f"cluster: {{nodesFile: {work}/nodes.json, podsFile: {work}/pods.json, refreshSeconds: 0.2}}"}
server: {{maxBodyBytes: 4194304, readTimeoutSeconds: 1, maxConnections: 16}}
policy: {{maxSlowdown: 0}}
{extra_config}""")
            if tls:
                f.write(f"tls: {{certFile: {tls[0]}, keyFile: {tls[1]}}}\n")
        self.log = open(os.path.join(work, "extender.log"), "w+")
        self.proc = subprocess.Popen([BINARY, "--config", self.config], stderr=self.log, stdout=self.log)
        self.port = None
        for _ in range(200):
            self.log.seek(0)
            for line in self.log.read().splitlines():
                if '"event":"listening"' in line:
                    self.port = json.loads(line)["port"]
            if self.port or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.tls = tls

    def conn(self):
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.tls[0])
            return http.client.HTTPSConnection("localhost", self.port, timeout=5, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)

    def request(self, method, path, body=None, conn=None):
        c = conn or self.conn()
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        out = r.status, r.read()
        if conn is None:
            c.close()
        return out

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=10)


class FakeApiServer:
    """Answers GET /api/v1/nodes and /api/v1/pods as the API server would, checking the bearer token."""

    def __init__(self, token, nodes, pods, tls=None):
        self.seen = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization"), self.headers.get("Accept")))
                if self.headers.get("Authorization") != "Bearer " + token:
                    body, code = b'{"kind":"Status","code":401,"message":"Unauthorized"}', 401
                elif self.path == "/api/v1/nodes":
                    body, code = json.dumps({"kind": "NodeList", "apiVersion": "v1", "items": nodes}).encode(), 200
                elif self.path.startswith("/api/v1/pods?fieldSelector="):
                    body, code = json.dumps({"kind": "PodList", "apiVersion": "v1", "items": pods}).encode(), 200
                else:
                    body, code = b'{"kind":"Status","code":404}', 404
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls[0], tls[1])
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def write(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)  # as a ConfigMap update swaps files


def main():
    work = tempfile.mkdtemp(prefix="extender-it-")
    try:
        shutil.copy(os.path.join(MODEL_DIR, "latency-model.json"), os.path.join(work, "model.json"))
        catalogue = json.load(open(os.path.join(MODEL_DIR, "catalogue.json")))
        write(os.path.join(work, "catalogue.json"), [e for e in catalogue if e["name"] != "vgg16"])
        write(os.path.join(work, "nodes.json"), {"kind": "NodeList", "apiVersion": "v1", "items": NODES})
        write(os.path.join(work, "pods.json"), {"kind": "PodList", "apiVersion": "v1", "items": []})
        ext = Extender(work)
        check(ext.port is not None, "the binary starts and reports its port")
        if ext.port is None:
            ext.log.seek(0)
            print(ext.log.read())
            return
        check(ext.request("GET", "/healthz")[0] == 200, "/healthz answers 200")
        ready = False
        for _ in range(100):
            if ext.request("GET", "/readyz")[0] == 200:
                ready = True
                break
            time.sleep(0.05)
        check(ready, "/readyz answers 200 once the model is loaded")

        loose = {"acesniper.io/deadline-ms": "600000", "acesniper.io/network": "resnet50"}
        node_list = {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": NODES}

        # Nodes mode (nodeCacheCapable: false): survivors echoed whole.
        status, body = ext.request("POST", "/acesniper/filter", {"Pod": pod("p1", loose), "Nodes": node_list, "NodeNames": None})
        r = json.loads(body)
        check(status == 200 and r["Error"] == "", "filter, Nodes mode: 200 without Error")
        check([n["metadata"]["name"] for n in r["Nodes"]["items"]] == NAMES, "all four nodes pass a loose pod (bare node: neutral)")
        check(r["Nodes"]["items"][0] == NODES[0], "surviving Node objects are echoed exactly as they came")
        check(r["NodeNames"] is None, "Nodes mode answers NodeNames null")

        status, body = ext.request("POST", "/acesniper/prioritize", {"Pod": pod("p1", loose), "Nodes": node_list})
        scores = {h["Host"]: h["Score"] for h in json.loads(body)}
        check(status == 200 and set(scores) == set(NAMES), "prioritize scores every candidate")
        check(all(0 <= s <= 10 for s in scores.values()), "scores lie in 0..10")
        check(max(scores.values()) == 10 and scores["bare-0"] == 0, "the fastest node scores 10, the node without HRM 0")
        fastest = max(scores, key=scores.get)

        # NodeNames mode with lowercase keys (node cache from the nodes file).
        status, body = ext.request("POST", "/acesniper/filter", {"pod": pod("p2", loose), "nodenames": NAMES})
        r = json.loads(body)
        check(status == 200 and r["NodeNames"] == NAMES and r["Nodes"] is None, "filter, NodeNames mode with lowercase keys")
        status, body = ext.request("POST", "/acesniper/prioritize", {"pod": pod("p2", loose), "nodeNames": NAMES})
        check({h["Host"]: h["Score"] for h in json.loads(body)} == scores, "both modes score alike")
        status, body = ext.request("POST", "/acesniper/filter", {"Pod": pod("p3", loose), "NodeNames": ["unknown-node"]})
        check(json.loads(body)["NodeNames"] == ["unknown-node"], "a node missing from the cache passes (neutral rule)")

        # A tight deadline: the pod is created now with a deadline only the fastest type meets.
        status, body = ext.request("POST", "/acesniper/filter", {"Pod": pod("t0", {**loose, "acesniper.io/deadline-ms": "1"}),
                                                                 "NodeNames": NAMES[:3]})
        r = json.loads(body)
        check(r["NodeNames"] == NAMES[:3], "a pod no node can serve in time still goes somewhere (no node filtered)")

        # Pods that did not opt in pass untouched; pods with wrong annotations get Error.
        status, body = ext.request("POST", "/acesniper/filter", {"Pod": pod("web", {"app": "web"}), "NodeNames": NAMES})
        check(json.loads(body)["NodeNames"] == NAMES, "a pod without acesniper.io annotations passes everywhere")
        for ann, says in [({"acesniper.io/deadline-ms": "soon", "acesniper.io/network": "resnet50"}, "deadline-ms"),
                          ({"acesniper.io/deadline-ms": "NaN", "acesniper.io/network": "resnet50"}, "deadline-ms"),
                          ({"acesniper.io/deadline-ms": "100", "acesniper.io/network": "vgg16"}, "not in the model catalogue"),
                          ({"acesniper.io/deadline-ms": "100", "acesniper.io/network-features": "{]"}, "network-features"),
                          ({"acesniper.io/network": "resnet50"}, "deadline-ms is missing")]:
            status, body = ext.request("POST", "/acesniper/filter", {"Pod": pod("bad", ann), "NodeNames": NAMES})
            err = json.loads(body)["Error"]
            check(status == 200 and says in err, f"wrong annotations {list(ann.values())[0]!r}...: Error says '{says}'")

        # Undecodable requests: 400, and the next request is served.
        for bad in [b"{", b"[]", b'{"Pod": 3, "NodeNames": []}', b'{"Pod": {}, "NodeNames": [1]}',
                    b'{"Pod": {}, "NodeNames": ["a"], "x": 1e999}', b"\xff\xfe", b'{"Pod": {"metadata": {"annotations": {"a": 1}}}}']:
            status, body = ext.request("POST", "/acesniper/filter", bad)
            check(status == 400 and json.loads(body)["Error"], f"malformed body {bad[:30]!r}: 400 with Error")
            check(ext.request("GET", "/healthz")[0] == 200, "  ... and the server still answers")
        huge = b'{"Pod": {}, "NodeNames": ["' + b"x" * (5 << 20) + b'"]}'
        try:
            status, _ = ext.request("POST", "/acesniper/filter", huge)
        except (ConnectionError, http.client.HTTPException):
            status = "closed"
        check(status in (413, "closed"), f"a 5 MiB body over the 4 MiB cap is refused ({status})")
        check(ext.request("GET", "/healthz")[0] == 200, "  ... and the server still answers")
        check(ext.request("GET", "/acesniper/filter")[0] == 405, "GET on a verb: 405")
        check(ext.request("POST", "/acesniper/bind", {})[0] == 404, "an unknown verb: 404")

        # A silent client neither blocks others nor holds its connection past the read timeout.
        silent = socket.create_connection(("127.0.0.1", ext.port))
        t0 = time.time()
        check(ext.request("POST", "/acesniper/filter", {"Pod": pod("p4", loose), "NodeNames": NAMES})[0] == 200,
              "a request is served while another client sends nothing")
        silent.settimeout(5)
        closed = silent.recv(1) == b""
        check(closed and time.time() - t0 < 3, f"the silent connection is closed after the 1 s read timeout ({time.time() - t0:.1f} s)")
        silent.close()

        # curl-style "Expect: 100-continue" on a large body: answered at once, not after curl's 1 s wait.
        if shutil.which("curl"):
            body_path = os.path.join(work, "large.json")
            with open(body_path, "w") as f:
                json.dump({"Pod": pod("big", loose), "Nodes": node_list}, f)
            t = time.time()
            out = subprocess.run(["curl", "-s", "-H", "Expect: 100-continue", "-H", "Content-Type: application/json",
                                  "--data-binary", "@" + body_path, f"http://127.0.0.1:{ext.port}/acesniper/filter"],
                                 capture_output=True, text=True, timeout=10)
            took = time.time() - t
            check(out.returncode == 0 and json.loads(out.stdout)["Error"] == "" and took < 0.5,
                  f"Expect: 100-continue is honoured ({took * 1000:.0f} ms)")

        # Keep-alive: many requests on one connection, each well inside kube-scheduler's 5 s.
        c = ext.conn()
        worst = 0
        for i in range(50):
            t = time.time()
            status, _ = ext.request("POST", "/acesniper/prioritize", {"Pod": pod(f"k{i}", loose), "Nodes": node_list}, conn=c)
            worst = max(worst, time.time() - t)
        c.close()
        check(worst < 1, f"50 calls on one keep-alive connection, slowest {worst * 1000:.1f} ms")

        # Queue state: the fastest node holds four unfinished acesniper pods -> filtered as full.
        busy = []
        for i in range(4):
            p = pod(f"busy{i}", loose)
            p["spec"]["nodeName"] = fastest
            p["status"]["phase"] = "Pending"
            busy.append(p)
        write(os.path.join(work, "pods.json"), {"kind": "PodList", "items": busy})
        full = False
        for _ in range(50):
            time.sleep(0.1)
            r = json.loads(ext.request("POST", "/acesniper/filter", {"Pod": pod("p5", loose), "NodeNames": NAMES})[1])
            if fastest in r["FailedNodes"]:
                full = "queue full" in r["FailedNodes"][fastest]
                break
        check(full, f"after the pod list shows 4 unfinished pods on {fastest}, it is filtered as full")

        # Model reload: the catalogue gains vgg16; a broken model file keeps the old one.
        write(os.path.join(work, "catalogue.json"), catalogue)
        found = False
        for _ in range(50):
            time.sleep(0.1)
            r = json.loads(ext.request("POST", "/acesniper/filter", {"Pod": pod("v", {**loose, "acesniper.io/network": "vgg16"}),
                                                                      "NodeNames": NAMES})[1])
            if r["Error"] == "":
                found = True
                break
        check(found, "a catalogue change is picked up without a restart")
        with open(os.path.join(work, "model.json.tmp"), "w") as f:
            f.write('{"schema": "acesniper.latency-model/v1", "pcn": ')
        os.replace(os.path.join(work, "model.json.tmp"), os.path.join(work, "model.json"))
        time.sleep(0.8)
        check(ext.request("GET", "/readyz")[0] == 200, "a broken model file leaves the loaded model in service")
        r = json.loads(ext.request("POST", "/acesniper/filter", {"Pod": pod("p6", loose), "NodeNames": NAMES})[1])
        check(r["Error"] == "", "  ... and filter keeps working")

        metrics = ext.request("GET", "/metrics")[1].decode()
        for needle in ['acesniper_extender_requests_total{verb="filter",code="200"}', 'acesniper_extender_requests_total{verb="filter",code="400"}',
                       'acesniper_extender_request_duration_seconds_bucket{verb="prioritize",le="+Inf"}',
                       "acesniper_extender_predictions_total", "acesniper_extender_filtered_for_deadline_total",
                       "acesniper_extender_model_reload_failures_total 1"]:
            check(needle in metrics, f"/metrics has {needle}")
        check(ext.stop() == 0, "SIGTERM stops it with exit code 0")
        ext.log.seek(0)
        lines = [json.loads(l) for l in ext.log.read().splitlines() if l.startswith("{")]
        calls = [l for l in lines if l.get("verb") == "filter"]
        check(calls and all({"pod", "code", "candidates", "passed", "ms"} <= set(l) for l in calls), "one JSON log line per call")

        # HTTPS with a self-signed certificate (and the good model back: a fresh start with a broken
        # one would, rightly, never be ready).
        shutil.copy(os.path.join(MODEL_DIR, "latency-model.json"), os.path.join(work, "model.json"))
        cert, key = os.path.join(work, "tls.crt"), os.path.join(work, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
        tls_ext = Extender(work, tls=(cert, key))
        check(tls_ext.port is not None, "HTTPS: the binary starts with a certificate")
        for _ in range(100):
            if tls_ext.request("GET", "/readyz")[0] == 200:
                break
            time.sleep(0.05)
        status, body = tls_ext.request("POST", "/acesniper/filter", {"Pod": pod("s", loose), "NodeNames": NAMES})
        check(status == 200 and json.loads(body)["Error"] == "", f"HTTPS: filter over TLS, certificate verified ({status} {body[:200]!r})")
        check(tls_ext.stop() == 0, "HTTPS: SIGTERM stops it")

        # Node cache and queues listed from the API server (plain HTTP, then HTTPS with its CA).
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write("test-token\n")
        for scheme in ("http", "https"):
            api = FakeApiServer("test-token", NODES, busy, tls=(cert, key) if scheme == "https" else None)
            host = "localhost" if scheme == "https" else "127.0.0.1"
            ca = f", caFile: {cert}" if scheme == "https" else ""
            e = Extender(work, cluster=f"cluster: {{apiServer: {{url: '{scheme}://{host}:{api.port}', tokenFile: {token_file}{ca}}}, refreshSeconds: 0.2}}")
            full = False
            for _ in range(60):
                time.sleep(0.1)
                status, body = e.request("POST", "/acesniper/filter", {"Pod": pod("api", loose), "NodeNames": NAMES})
                r = json.loads(body)
                if status == 200 and fastest in r["FailedNodes"]:
                    full = "queue full" in r["FailedNodes"][fastest]
                    break
            check(full, f"API server over {scheme}: node cache and queues listed from it ({fastest} full)")
            paths = {p.split("?")[0] for p, _, _ in api.seen}
            check(paths == {"/api/v1/nodes", "/api/v1/pods"} and all(a == "Bearer test-token" for _, a, _ in api.seen),
                  f"API server over {scheme}: GETs nodes and pods with the bearer token")
            check(any("fieldSelector=status.phase%21%3DSucceeded" in p for p, _, _ in api.seen),
                  f"API server over {scheme}: pods listed with a phase field selector")
            e.stop()
            api.stop()
        api = FakeApiServer("another-token", NODES, busy)
        e = Extender(work, cluster=f"cluster: {{apiServer: {{url: 'http://127.0.0.1:{api.port}', tokenFile: {token_file}}}, refreshSeconds: 0.2}}")
        time.sleep(0.8)
        status, body = e.request("POST", "/acesniper/filter", {"Pod": pod("api", loose), "NodeNames": NAMES})
        e.stop()
        e.log.seek(0)
        log = e.log.read()
        check(status == 200 and json.loads(body)["NodeNames"] == NAMES, "API server refusing the token: filter still answers (nodes neutral)")
        check("nodes-refresh-failed" in log and "401" in log, "  ... and the log says the API server answered 401")
        api.stop()

        # Bad config: a clear error and a non-zero exit.
        with open(os.path.join(work, "bad.yaml"), "w") as f:
            f.write("policy: {queueCap: -1}\n")
        bad = subprocess.run([BINARY, "--config", os.path.join(work, "bad.yaml")], capture_output=True, text=True, timeout=10)
        check(bad.returncode != 0 and "policy.queueCap" in bad.stderr, "a bad config field: non-zero exit naming it")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
