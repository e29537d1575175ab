#!/usr/bin/env python3
"""Checks the Helm chart and the plain manifests without a cluster:

- the chart renders (test/packaging/chart_render.py) at its default values and at every
  charts/acesniper/ci/*-values.yaml, and manifests/acesniper.yaml equals the default rendering;
- every object of both, and every example under manifests/examples/, is valid against
  Kubernetes' own API types (the python3-kubernetes client's models, generated from the
  OpenAPI spec): each field known, each required field present, names and labels well formed;
- references hold: service accounts, ConfigMaps and their keys, selectors that match their
  pod templates;
- the embedded configurations are valid: kube-scheduler's KubeSchedulerConfiguration (fields of
  kubescheduler.config.k8s.io/v1), the extender's config (`acesniper-extender --check-config`,
  which also loads the model and catalogue) and each agent config (`acesniper-device-plugin
  --check-config`); the example pod's scheduler is the chart's.

usage: check_manifests.py REPO_DIR EXTENDER_BINARY AGENT_BINARY
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import kubernetes.client
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, finish  # noqa: E402

REPO, EXTENDER, AGENT = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(REPO, "test", "packaging"))
import chart_render  # noqa: E402

CHART = os.path.join(REPO, "charts", "acesniper")


DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}
PRIMITIVE = {"str", "int", "float", "bool", "object", "datetime", "date"}


def schema_errors(obj, type_name, path):
    """Unknown fields and wrong shapes against the client's model types."""
    errs = []
    if type_name.startswith("list["):
        if not isinstance(obj, list):
            return [f"{path}: must be a list"]
        for i, e in enumerate(obj):
            errs += schema_errors(e, type_name[5:-1], f"{path}[{i}]")
        return errs
    if type_name.startswith("dict("):
        inner = type_name[5:-1].split(",", 1)[1].strip()
        if not isinstance(obj, dict):
            return [f"{path}: must be a map"]
        for k, v in obj.items():
            errs += schema_errors(v, inner, f"{path}.{k}")
        return errs
    if type_name in PRIMITIVE:
        if type_name == "str" and not isinstance(obj, str):
            return [f"{path}: must be a string, not {type(obj).__name__}"]
        if type_name == "int" and (isinstance(obj, bool) or not isinstance(obj, int)):
            return [f"{path}: must be an integer"]
        if type_name == "bool" and not isinstance(obj, bool):
            return [f"{path}: must be true or false"]
        return []
    cls = getattr(kubernetes.client.models, type_name, None)
    if cls is None:
        return [f"{path}: unknown type {type_name}"]
    if type_name == "IntOrString" or not hasattr(cls, "attribute_map"):
        return []
    if not isinstance(obj, dict):
        return [f"{path}: must be an object ({type_name})"]
    by_json = {j: a for a, j in cls.attribute_map.items()}
    for k, v in obj.items():
        if k not in by_json:
            errs.append(f"{path}.{k}: unknown field of {type_name}")
        else:
            errs += schema_errors(v, cls.openapi_types[by_json[k]], f"{path}.{k}")
    return errs


def validate(doc, where):
    """-> the typed object, after checking it; None when it failed."""
    kind, api = doc.get("kind"), doc.get("apiVersion", "")
    meta = doc.get("metadata") or {}
    ok = check(bool(kind and api and meta.get("name")), f"{where}: apiVersion, kind and metadata.name are set")
    if not ok:
        return None
    name = f"{where}: {kind} {meta['name']}"
    check(DNS_SUBDOMAIN.match(meta["name"]) and len(meta["name"]) <= 253, f"{name}: the name is a DNS subdomain")
    check((kind in CLUSTER_SCOPED) == ("namespace" not in meta), f"{name}: namespace set exactly when namespaced")
    for k, v in (meta.get("labels") or {}).items():
        prefix, _, short = k.rpartition("/")
        check((not prefix or DNS_SUBDOMAIN.match(prefix)) and LABEL_NAME.match(short) and len(short) <= 63
              and (v == "" or (LABEL_NAME.match(str(v)) and len(str(v)) <= 63)) and isinstance(v, str),
              f"{name}: label {k}={v!r} is valid")
    group_version = api.split("/")[-1].capitalize()
    type_name = group_version + kind
    errs = schema_errors(doc, type_name, kind)
    check(not errs, f"{name}: every field is a field of {type_name}" + ("" if not errs else ": " + "; ".join(errs[:5])))
    try:  # the client's models raise on a missing required field
        typed = kubernetes.client.ApiClient()._ApiClient__deserialize(doc, type_name)
        check(True, f"{name}: required fields present")
        return typed
    except (ValueError, TypeError) as e:
        check(False, f"{name}: required fields present: {e}")
        return None


SCHEDULER_EXTENDER_FIELDS = {"urlPrefix", "filterVerb", "preemptVerb", "prioritizeVerb", "bindVerb", "weight",
                             "enableHTTPS", "tlsConfig", "httpTimeout", "nodeCacheCapable", "managedResources",
                             "ignorable"}
SCHEDULER_TOP_FIELDS = {"apiVersion", "kind", "parallelism", "leaderElection", "clientConnection", "healthzBindAddress",
                        "metricsBindAddress", "enableProfiling", "enableContentionProfiling", "percentageOfNodesToScore",
                        "podInitialBackoffSeconds", "podMaxBackoffSeconds", "profiles", "extenders",
                        "delayCacheUntilActive"}
LEADER_FIELDS = {"leaderElect", "leaseDuration", "renewDeadline", "retryPeriod", "resourceLock", "resourceName",
                 "resourceNamespace"}


def check_scheduler_config(text, where, scheduler_name, port, prefix):
    c = yaml.safe_load(text)
    check(c.get("apiVersion") == "kubescheduler.config.k8s.io/v1" and c.get("kind") == "KubeSchedulerConfiguration",
          f"{where}: a kubescheduler.config.k8s.io/v1 KubeSchedulerConfiguration")
    check(set(c) <= SCHEDULER_TOP_FIELDS, f"{where}: top-level fields known ({sorted(set(c) - SCHEDULER_TOP_FIELDS)})")
    check(set(c.get("leaderElection", {})) <= LEADER_FIELDS, f"{where}: leaderElection fields known")
    names = [p.get("schedulerName") for p in c.get("profiles", [])]
    check(names == [scheduler_name], f"{where}: one profile, named {scheduler_name}")
    ext = c.get("extenders", [])
    check(len(ext) == 1, f"{where}: one extender")
    for e in ext:
        check(set(e) <= SCHEDULER_EXTENDER_FIELDS, f"{where}: extender fields known ({sorted(set(e) - SCHEDULER_EXTENDER_FIELDS)})")
        check(e.get("urlPrefix") == f"http://127.0.0.1:{port}{prefix}", f"{where}: the extender URL is the sidecar's")
        check(isinstance(e.get("weight"), int) and e["weight"] > 0, f"{where}: weight is a positive integer")
        check(e.get("filterVerb") == "filter" and e.get("prioritizeVerb") == "prioritize", f"{where}: our verbs")
        check(re.fullmatch(r"(\d+(\.\d+)?(ms|s|m|h))+", str(e.get("httpTimeout", "1s"))) is not None,
              f"{where}: httpTimeout is a duration")


def check_rendering(text, label, values):
    docs = [d for d in yaml.safe_load_all(text) if d]
    check(len(docs) > 5, f"{label}: {len(docs)} objects render")
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
        validate(d, label)
    cms = by_kind.get("ConfigMap", {})
    sas = by_kind.get("ServiceAccount", {})
    existing_model = values.get("model", {}).get("existingConfigMap", "")
    for kind in ("Deployment", "DaemonSet"):
        for name, w in by_kind.get(kind, {}).items():
            spec = w["spec"]["template"]["spec"]
            sel = w["spec"]["selector"]["matchLabels"]
            tl = w["spec"]["template"]["metadata"]["labels"]
            check(all(tl.get(k) == v for k, v in sel.items()), f"{label}: {kind} {name}: selector matches its pods")
            check(spec.get("serviceAccountName") in sas, f"{label}: {kind} {name}: its service account exists")
            for c in spec.get("containers", []):
                sc = c.get("securityContext", {})
                check(sc.get("runAsNonRoot") or spec.get("securityContext", {}).get("runAsNonRoot"),
                      f"{label}: {kind} {name}/{c['name']}: runs as non-root")
            for v in spec.get("volumes", []):
                if "configMap" in v:
                    ref = v["configMap"]["name"]
                    check(ref in cms or ref == existing_model, f"{label}: {kind} {name}: ConfigMap {ref} exists")
    # The embedded configurations, checked by the binaries that read them.
    sched = [cm for cm in cms.values() if "scheduler-config.yaml" in cm.get("data", {})]
    check(len(sched) == 1, f"{label}: one scheduler ConfigMap")
    work = tempfile.mkdtemp(prefix="manifests-")
    model_dir = os.path.join(REPO, "models", "default")
    for cm in sched:
        ext = values["extender"]
        check_scheduler_config(cm["data"]["scheduler-config.yaml"], f"{label}: scheduler-config.yaml",
                               values["scheduler"]["name"], ext["port"], ext["urlPrefix"])
        path = os.path.join(work, "extender.yaml")
        with open(path, "w") as f:
            f.write(cm["data"]["extender.yaml"].replace("/etc/acesniper/model", model_dir))
        in_cluster = dict(os.environ, KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443")
        p = subprocess.run([EXTENDER, "--config", path, "--check-config"], capture_output=True, text=True, env=in_cluster)
        check(p.returncode == 0, f"{label}: extender.yaml passes acesniper-extender --check-config {p.stderr.strip()}")
    for name, cm in cms.items():
        if "agent.yaml" not in cm.get("data", {}):
            continue
        path = os.path.join(work, "agent.yaml")
        text = cm["data"]["agent.yaml"].replace("/etc/acesniper/model", model_dir)
        if "platforms.json" in cm["data"]:
            pf = os.path.join(work, "platforms.json")
            with open(pf, "w") as f:
                f.write(cm["data"]["platforms.json"])
            text = text.replace("/etc/acesniper/agent/platforms.json", pf)
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([AGENT, "--config", path, "--check-config"], capture_output=True, text=True,
                           env=dict(os.environ, NODE_NAME="node-1"))
        check(p.returncode == 0, f"{label}: {name} agent.yaml passes acesniper-device-plugin --check-config {p.stderr.strip()}")
        if "platforms.json" in cm["data"]:
            p = subprocess.run([os.path.join(os.path.dirname(EXTENDER), "acesniper"), "platforms", "--platforms-file",
                                os.path.join(work, "platforms.json")], capture_output=True, text=True)
            platform = yaml.safe_load(cm["data"]["agent.yaml"])["platform"]
            check(p.returncode == 0 and platform in p.stdout, f"{label}: {name} platforms.json parses and defines {platform}")
    shutil.rmtree(work, ignore_errors=True)
    model_cm = [cm for cm in cms.values() if "latency-model.json" in cm.get("data", {})]
    for cm in model_cm:
        size = sum(len(v.encode()) for v in cm["data"].values())
        check(size < 1048576, f"{label}: the model ConfigMap is {size} bytes, under Kubernetes' 1 MiB")
        with open(os.path.join(model_dir, "latency-model.json")) as f:
            check(cm["data"]["latency-model.json"] == f.read(), f"{label}: the model ConfigMap carries models/default")
    return by_kind


def main():
    with open(os.path.join(CHART, "values.yaml")) as f:
        defaults = yaml.safe_load(f)
    check(yaml.safe_load(open(os.path.join(CHART, "Chart.yaml"))).get("apiVersion") == "v2", "Chart.yaml is a v2 chart")
    for vf in [None] + sorted(glob.glob(os.path.join(CHART, "ci", "*-values.yaml"))):
        label = "chart" + ("" if vf is None else "+" + os.path.basename(vf))
        try:
            text, notes = chart_render.render_chart(CHART, [vf] if vf else [])
        except chart_render.TemplateError as e:
            check(False, f"{label}: renders: {e}")
            continue
        values = chart_render.deep_merge(yaml.safe_load(open(os.path.join(CHART, "values.yaml"))),
                                         yaml.safe_load(open(vf)) if vf else {})
        check("kubectl get nodes -L acesniper.io/platform" in notes, f"{label}: NOTES.txt renders with the verify steps")
        check_rendering(text, label, values)
    # manifests/ is the default rendering, byte for byte after its header.
    with open(os.path.join(REPO, "manifests", "acesniper.yaml")) as f:
        committed = f.read()
    text, _ = chart_render.render_chart(CHART, [], "acesniper", "acesniper")
    check(committed.endswith(text), "manifests/acesniper.yaml is the chart's default rendering "
                                    "(else run scripts/render-manifests.sh)")
    # Client-side `kubectl apply` copies each object into its last-applied-configuration
    # annotation, and an object's annotations together may hold 256 KiB; the model ConfigMap
    # (the shipped model and catalogue) is larger, so the manifests must be applied server-side.
    docs = [d for d in yaml.safe_load_all(committed) if d]
    sizes = {f"{d['kind']} {d['metadata']['name']}": len(json.dumps(d, separators=(",", ":"))) for d in docs}
    too_big = [name for name, size in sizes.items() if size >= 256 * 1024]
    check(not too_big or "kubectl apply --server-side -f manifests/acesniper.yaml" in committed.splitlines()[1],
          f"manifests: {', '.join(too_big) or 'no object'} over 256 KiB, so the header says to apply server-side")
    with open(os.path.join(REPO, "README.md")) as f:
        readme = f.read()
    check(not too_big or "kubectl apply --server-side -f manifests/acesniper.yaml" in readme,
          "README: installs the manifests with server-side apply where an object is over 256 KiB")
    ns = [d for d in docs if d["kind"] == "Namespace"]
    check(len(ns) == 1 and ns[0]["metadata"]["name"] == "acesniper", "manifests/ creates the namespace")
    for d in ns:
        validate(d, "manifests")
    for ex in sorted(glob.glob(os.path.join(REPO, "manifests", "examples", "*.yaml"))):
        for d in yaml.safe_load_all(open(ex)):
            if not d:
                continue
            validate(d, os.path.basename(ex))
            if d["kind"] == "Pod":
                check(d["spec"].get("schedulerName") == defaults["scheduler"]["name"],
                      f"{os.path.basename(ex)}: uses the chart's scheduler ({defaults['scheduler']['name']})")
    finish()


if __name__ == "__main__":
    main()
