#!/usr/bin/env python3
"""Renders this project's Helm chart without Helm, for checks on a machine that has no Helm
(Debian 12 packages none). It implements the subset of Go templates and Helm functions that
charts/acesniper uses, with Go's semantics (whitespace trimming, map iteration in key order,
truthiness), and refuses anything else by name, so a template that strays outside the subset
fails the check instead of rendering differently from Helm:

  actions  {{ pipeline }}  {{- ... -}}  {{/* comment */}}  {{ if }} {{ else if }} {{ else }}
           {{ range $k, $v := X }} {{ range X }} {{ define "n" }} {{ include "n" X }} {{ end }}
  values   .Values.a.b  .Release.Name/Namespace/Service  .Chart.Name/Version/AppVersion
           $  $var  "string"  numbers  true/false  (sub-pipelines)
  funcs    quote squote default toYaml toJson nindent indent trunc trimSuffix printf eq ne not
           and or sha256sum int .Files.Get

usage: chart_render.py CHART_DIR [-f values.yaml]... [--name RELEASE] [--namespace NS]
Prints the rendered manifests as one multi-document YAML stream (templates in name order, as
`helm template` does for one kind of object per file), each preceded by "# Source: ...".
"""
import argparse
import copy
import hashlib
import json
import os
import re
import sys

import yaml


class TemplateError(Exception):
    pass


# ---------------------------------------------------------------- lexing

ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)


def lex(text, where):
    """-> list of ("text", s) and ("action", s) with Go's trimming applied."""
    out, pos = [], 0
    for m in ACTION.finditer(text):
        chunk = text[pos:m.start()]
        if m.group(1) == "-":
            chunk = chunk.rstrip(" \t\r\n")
        out.append(["text", chunk])
        body = m.group(2)
        out.append(["action", body, m.group(3) == "-"])
        pos = m.end()
    out.append(["text", text[pos:]])
    # right trim: the text after a "-}}" loses its leading whitespace
    for i, tok in enumerate(out):
        if tok[0] == "action" and tok[2] and i + 1 < len(out):
            out[i + 1][1] = out[i + 1][1].lstrip(" \t\r\n")
    result = []
    for tok in out:
        if tok[0] == "text":
            if tok[1]:
                result.append(("text", tok[1]))
        elif not tok[1].startswith("/*"):
            result.append(("action", tok[1]))
        elif not tok[1].endswith("*/"):
            raise TemplateError(f"{where}: unterminated comment")
    return result


TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(\()|(\))|(\|)|(:=)|(,)|([^\s()|,]+))')


def tokenize(expr, where):
    toks, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            if expr[pos:].strip() == "":
                break
            raise TemplateError(f"{where}: cannot read '{expr[pos:]}'")
        pos = m.end()
        for kind, g in zip(("str", "(", ")", "|", ":=", ",", "word"), m.groups()):
            if g is not None:
                toks.append((kind, g))
    return toks


# ---------------------------------------------------------------- parsing


def parse(tokens, where):
    """Token list -> tree of nodes: ("text", s), ("out", pipe), ("if", [(cond, body)...], else),
    ("range", vars, pipe, body, else), ("define", name, body)."""
    pos = 0

    def block(terminators):
        nonlocal pos
        nodes = []
        while pos < len(tokens):
            kind, body = tokens[pos]
            if kind == "text":
                nodes.append(("text", body))
                pos += 1
                continue
            word = body.split(None, 1)[0] if body.split() else ""
            if word in terminators:
                return nodes, body
            pos += 1
            rest = body[len(word):].strip()
            if word == "if":
                branches, els = [(rest, None)], None
                sub, term = block({"else", "end"})
                branches[0] = (rest, sub)
                while term.startswith("else"):
                    pos += 1
                    cond = term[4:].strip()
                    if cond.startswith("if "):
                        sub, term = block({"else", "end"})
                        branches.append((cond[3:].strip(), sub))
                    elif cond == "":
                        els, term = block({"end"})
                    else:
                        raise TemplateError(f"{where}: unsupported '{{{{ {term} }}}}'")
                pos += 1
                nodes.append(("if", branches, els))
            elif word == "range":
                m = re.match(r"^(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*(.*)$", rest)
                variables, pipe = ((m.group(1), m.group(2)), m.group(3)) if m else ((None, None), rest)
                sub, term = block({"else", "end"})
                els = None
                if term == "else":
                    pos += 1
                    els, term = block({"end"})
                pos += 1
                nodes.append(("range", variables, pipe, sub, els))
            elif word == "define":
                name = json.loads(rest)
                sub, term = block({"end"})
                pos += 1
                nodes.append(("define", name, sub))
            elif word in ("with", "template", "block", "break", "continue"):
                raise TemplateError(f"{where}: '{word}' is outside the supported subset")
            elif word in ("end", "else"):
                raise TemplateError(f"{where}: unexpected '{{{{ {body} }}}}'")
            else:
                nodes.append(("out", body))
        if terminators:
            raise TemplateError(f"{where}: missing {{{{ end }}}}")
        return nodes, None

    nodes, _ = block(set())
    return nodes


# ---------------------------------------------------------------- evaluation


def go_str(v):
    if v is None:
        return "<no value>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if float(v).is_integer() and abs(v) < 1e6:
            return str(int(v))
        if not float(v).is_integer() and abs(v) < 1e6 and abs(v) >= 1e-4:
            return repr(float(v))
        raise TemplateError(f"the number {v} prints in Go's exponent form; use int or printf")
    if isinstance(v, (dict, list)):
        raise TemplateError("a map or list printed without toYaml/toJson")
    return str(v)


def truthy(v):
    return not (v is None or v is False or v == 0 or v == "" or v == [] or v == {})


def to_yaml(v):
    if v is None:
        return "null"
    return yaml.safe_dump(v, default_flow_style=False, sort_keys=True, width=10**9).rstrip("\n")


def indent(n, s):
    return "\n".join((" " * n + line) if line else line for line in s.split("\n"))


class Renderer:
    def __init__(self, chart_dir, values, release, namespace):
        self.chart_dir = chart_dir
        with open(os.path.join(chart_dir, "Chart.yaml")) as f:
            chart = yaml.safe_load(f)
        self.root = {"Values": values, "Release": {"Name": release, "Namespace": namespace, "Service": "Helm"},
                     "Chart": {"Name": chart["name"], "Version": chart["version"], "AppVersion": chart.get("appVersion", "")}}
        self.defines = {}

    # -- pipelines

    def eval_pipe(self, expr, dot, scope, where):
        toks = tokenize(expr, where)
        val, pos = self.eval_cmds(toks, 0, dot, scope, where, stop=None)
        if pos != len(toks):
            raise TemplateError(f"{where}: unexpected '{toks[pos][1]}'")
        return val

    def eval_cmds(self, toks, pos, dot, scope, where, stop):
        value, first = None, True
        while True:
            args = []
            while pos < len(toks) and toks[pos][0] not in ("|", ")"):
                if toks[pos][0] == "(":
                    v, pos = self.eval_cmds(toks, pos + 1, dot, scope, where, stop=")")
                    if pos >= len(toks) or toks[pos][0] != ")":
                        raise TemplateError(f"{where}: missing ')'")
                    pos += 1
                    args.append(("val", v))
                else:
                    args.append(toks[pos])
                    pos += 1
            if not args:
                raise TemplateError(f"{where}: empty command")
            extra = [] if first else [("val", value)]
            value = self.call(args, extra, dot, scope, where)
            first = False
            if pos < len(toks) and toks[pos][0] == "|":
                pos += 1
                continue
            return value, pos

    def operand(self, tok, dot, scope, where):
        kind, t = tok
        if kind == "val":
            return t
        if kind == "str":
            return json.loads(t)
        if t in ("true", "false"):
            return t == "true"
        if re.fullmatch(r"-?\d+", t):
            return int(t)
        if re.fullmatch(r"-?\d+\.\d*", t):
            return float(t)
        if t == ".":
            return dot
        if t.startswith("$"):
            name, _, path = t.partition(".")
            if name == "$":
                base = self.root
            elif name in scope:
                base = scope[name]
            else:
                raise TemplateError(f"{where}: undefined variable {name}")
            return self.walk(base, path, where) if path else base
        if t.startswith("."):
            return self.walk(dot, t[1:], where)
        raise TemplateError(f"{where}: '{t}' is not a value")

    def walk(self, base, path, where):
        v = base
        for part in path.split("."):
            if isinstance(v, dict):
                v = v.get(part)
            elif v is None:
                raise TemplateError(f"{where}: nil pointer evaluating .{path}")
            else:
                raise TemplateError(f"{where}: cannot read .{part} of a {type(v).__name__}")
        return v

    def call(self, args, extra, dot, scope, where):
        head = args[0]
        if head[0] == "word" and head[1] == ".Files.Get":
            rel = self.operand(args[1], dot, scope, where)
            path = os.path.join(self.chart_dir, rel)
            if not os.path.isfile(path):
                return ""  # Helm returns an empty string for a missing file
            with open(path) as f:
                return f.read()
        if head[0] == "word" and re.fullmatch(r"[a-zA-Z]\w*", head[1]) and head[1] not in ("true", "false"):
            fn = head[1]
            vals = [self.operand(a, dot, scope, where) for a in args[1:]] + [v for _, v in extra]
            return self.function(fn, vals, where)
        if len(args) != 1 or extra:
            raise TemplateError(f"{where}: '{head[1]}' is not a function")
        return self.operand(head, dot, scope, where)

    def function(self, fn, a, where):
        def need(n):
            if len(a) != n:
                raise TemplateError(f"{where}: {fn} takes {n} arguments, got {len(a)}")
        if fn == "quote":
            return " ".join(json.dumps(go_str(x) if x is not None else "") for x in a)
        if fn == "squote":
            return " ".join("'" + go_str(x) + "'" for x in a)
        if fn == "default":
            need(2)
            return a[1] if truthy(a[1]) else a[0]
        if fn == "toYaml":
            need(1)
            return to_yaml(a[0])
        if fn == "toJson":
            need(1)
            return json.dumps(a[0], separators=(",", ":"), sort_keys=True)
        if fn in ("nindent", "indent"):
            need(2)
            s = indent(int(a[0]), go_str(a[1]))
            return "\n" + s if fn == "nindent" else s
        if fn == "trunc":
            need(2)
            return go_str(a[1])[: int(a[0])]
        if fn == "trimSuffix":
            need(2)
            s = go_str(a[1])
            return s[: -len(a[0])] if a[0] and s.endswith(a[0]) else s
        if fn == "printf":
            fmt = a[0]
            out = re.sub(r"%[sdv]", "{}", fmt)
            return out.format(*[go_str(x) for x in a[1:]])
        if fn in ("eq", "ne"):
            need(2)
            return (a[0] == a[1]) == (fn == "eq")
        if fn == "not":
            need(1)
            return not truthy(a[0])
        if fn == "and":
            r = a[0]
            for x in a:
                r = x
                if not truthy(x):
                    return x
            return r
        if fn == "or":
            for x in a:
                if truthy(x):
                    return x
            return a[-1]
        if fn == "sha256sum":
            need(1)
            return hashlib.sha256(go_str(a[0]).encode()).hexdigest()
        if fn == "int":
            need(1)
            return int(a[0])
        if fn == "include":
            need(2)
            if a[0] not in self.defines:
                raise TemplateError(f"{where}: no template named \"{a[0]}\"")
            return self.render_nodes(self.defines[a[0]], a[1], {}, where)
        raise TemplateError(f"{where}: function '{fn}' is outside the supported subset")

    # -- trees

    def collect_defines(self, nodes):
        for n in nodes:
            if n[0] == "define":
                self.defines[n[1]] = n[2]

    def render_nodes(self, nodes, dot, scope, where):
        out = []
        for n in nodes:
            kind = n[0]
            if kind == "text":
                out.append(n[1])
            elif kind == "out":
                m = re.match(r"^(\$\w+)\s*:=\s*(.*)$", n[1])
                if m:
                    scope[m.group(1)] = self.eval_pipe(m.group(2), dot, scope, where)
                else:
                    out.append(go_str(self.eval_pipe(n[1], dot, scope, where)))
            elif kind == "if":
                for cond, body in n[1]:
                    if truthy(self.eval_pipe(cond, dot, scope, where)):
                        out.append(self.render_nodes(body, dot, dict(scope), where))
                        break
                else:
                    if n[2] is not None:
                        out.append(self.render_nodes(n[2], dot, dict(scope), where))
            elif kind == "range":
                (kvar, vvar), pipe, body, els = n[1], n[2], n[3], n[4]
                coll = self.eval_pipe(pipe, dot, scope, where)
                items = sorted(coll.items()) if isinstance(coll, dict) else list(enumerate(coll or []))
                if not items and els is not None:
                    out.append(self.render_nodes(els, dot, dict(scope), where))
                for k, v in items:
                    inner = dict(scope)
                    if kvar and vvar:
                        inner[kvar], inner[vvar] = k, v
                    elif kvar:
                        inner[kvar] = v
                    out.append(self.render_nodes(body, v, inner, where))
            elif kind == "define":
                pass
        return "".join(out)


# Helm's install order (pkg/releaseutil/kind_sorter.go): `helm template` prints in this order.
INSTALL_ORDER = ["Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
                 "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
                 "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
                 "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
                 "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
                 "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"]


def kind_rank(doc):
    m = re.search(r"(?m)^kind:\s*(\S+)", doc)
    kind = m.group(1) if m else ""
    return INSTALL_ORDER.index(kind) if kind in INSTALL_ORDER else len(INSTALL_ORDER)


def deep_merge(base, over):
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)
    return base


def render_chart(chart_dir, value_files=(), release="acesniper", namespace="acesniper"):
    with open(os.path.join(chart_dir, "values.yaml")) as f:
        values = yaml.safe_load(f) or {}
    for vf in value_files:
        with open(vf) as f:
            deep_merge(values, yaml.safe_load(f) or {})
    r = Renderer(chart_dir, values, release, namespace)
    tdir = os.path.join(chart_dir, "templates")
    parsed = {}
    for name in sorted(os.listdir(tdir)):
        if not (name.endswith(".yaml") or name.endswith(".tpl") or name.endswith(".txt")):
            continue
        with open(os.path.join(tdir, name)) as f:
            parsed[name] = parse(lex(f.read(), name), name)
        r.collect_defines(parsed[name])
    docs, notes = [], ""
    for name, nodes in parsed.items():
        if name.startswith("_"):
            continue
        text = r.render_nodes(nodes, r.root, {}, name)
        if name == "NOTES.txt":
            notes = text
            continue
        for part in re.split(r"(?m)^---\s*$", text):
            if part.strip():
                docs.append(f"# Source: {r.root['Chart']['Name']}/templates/{name}\n{part.strip()}\n")
    docs.sort(key=kind_rank)  # stable: template order within a kind
    return "---\n" + "---\n".join(docs), notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chart")
    ap.add_argument("-f", "--values", action="append", default=[])
    ap.add_argument("--name", default="acesniper")
    ap.add_argument("--namespace", default="acesniper")
    ap.add_argument("--notes", action="store_true", help="print NOTES.txt instead")
    a = ap.parse_args()
    try:
        manifests, notes = render_chart(a.chart, a.values, a.name, a.namespace)
    except TemplateError as e:
        sys.exit(f"chart_render.py: {e}")
    sys.stdout.write(notes if a.notes else manifests)


if __name__ == "__main__":
    main()
