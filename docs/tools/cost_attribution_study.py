#!/usr/bin/env python3
"""Which layer kinds does the additive cost model underprice on the zoo?

A platform's own additive model (the cost prior's form: non-negative weights on the cost terms,
fitted on relative error to its training networks; docs/tools/transfer_study.py --ceiling) is a
sum over terms, and every term belongs to one layer kind (convolution FLOPs to convolutions,
cost_elements_batchnorm and count_batchnorm to batch norm, cost_fc_weights to the classifier, ...). So
its prediction of a network splits into a price per layer kind. This tool compares that price
with the time the network really spends in each kind: it profiles the TorchScript file in this
process (PyTorch's profiler, one thread, oneDNN on: the software path of torch-eager-1t), sums
the top-level operator events by kind, and scales the profile to the platform's stored latency.

Printed, for the zoo and for the random test networks given (every fifth network of the store's
split, as `acesniper evaluate` tests them):
  - per kind: predicted ms, measured ms (profile share x stored latency), predicted / measured;
  - per zoo model: the whole network's predicted / measured, and the same ratio per kind.
A kind priced right on random networks and under on the zoo is where the zoo's deficit lives.
Terms with no layer kind (struct_layers and the intercept) are shown as "fixed".

Usage (from the repository root; /usr/bin/python3 for numpy and torch):
  build/bin/acesniper generate --count 300 --seed 1 --format torchscript --out /tmp/gen
  build/bin/acesniper generate --count 200 --seed 1 --extended --format torchscript --out /tmp/genx
  taskset -c 1 docs/tools/cost_attribution_study.py --zoo build/zoo --generated /tmp/gen --generated /tmp/genx
"""
import argparse
import glob
import os
import re
import statistics
import sys

import numpy as np

from conv_time_study import conv_layers
from feature_ceiling import additive_weights
from transfer_study import load, split

KINDS = ["conv", "batchnorm", "activation", "add", "mul", "concat", "pool", "fc", "matmul", "softmax",
         "layernorm", "layout", "other", "fixed"]

# Cost terms (features.csv columns) by layer kind; what is not listed and not cost_conv_* is "fixed".
TERM_KIND = {
    "cost_elements_batchnorm": "batchnorm", "count_batchnorm": "batchnorm",
    "cost_elements_layernorm": "layernorm", "count_layernorm": "layernorm",
    "cost_elements_activation": "activation", "count_activation": "activation",
    "cost_elements_add": "add", "count_add": "add",
    "cost_elements_mul": "mul", "count_mul": "mul",
    "cost_elements_concat": "concat", "count_concat": "concat",
    "cost_elements_pool": "pool", "count_pool_avg": "pool", "count_pool_max": "pool",
    "cost_elements_softmax": "softmax", "count_softmax": "softmax",
    "cost_elements_matmul": "matmul", "flops_matmul": "matmul", "count_matmul": "matmul",
    "cost_elements_fc": "fc", "count_fc": "fc",
    "cost_elements_layout": "layout", "count_layout": "layout",
    "cost_elements_other": "other", "count_other": "other",
    "cost_elements_activation_exp": "activation", "cost_elements_pool_window": "pool",  # schema v4
}

# Profiler operator names by layer kind, tried in order; the first pattern that matches wins.
OP_KIND = [
    ("conv", re.compile(r"conv")),
    ("batchnorm", re.compile(r"batch_norm")),
    ("layernorm", re.compile(r"layer_norm")),
    ("softmax", re.compile(r"softmax")),
    ("pool", re.compile(r"pool|aten::mean$")),
    ("fc", re.compile(r"aten::(linear|addmm)$")),
    ("matmul", re.compile(r"aten::(matmul|bmm|mm|baddbmm|einsum)$")),
    ("activation", re.compile(r"relu|hardswish|silu|sigmoid|gelu|tanh|clamp|hardtanh|elu|softplus|mish")),
    ("add", re.compile(r"aten::(add|add_|sub|sub_)$")),
    ("mul", re.compile(r"aten::(mul|mul_|div|div_)$")),
    ("concat", re.compile(r"aten::(cat|stack)$")),
    ("layout", re.compile(r"flatten|view|reshape|permute|transpose|contiguous|select|slice|chunk|split|"
                          r"narrow|squeeze|expand|roll|pad|dropout|aten::t$|aten::to$|aten::size$|"
                          r"aten::copy_|aten::clone|aten::empty")),
]


def term_kind(term):
    if term.startswith("cost_conv_"):
        return "conv"
    if term.startswith("cost_fc_"):  # schema v4: fully connected weights
        return "fc"
    return TERM_KIND.get(term, "fixed")


def op_kind(name):
    for kind, pattern in OP_KIND:
        if pattern.search(name):
            return kind
    return "other"


def top_operator_events(events):
    """Operator events (aten::) that no other operator event encloses: the interpreter's calls.
    The JIT wraps them in a "forward" record of its own, which is not an operator."""
    out = []
    for ev in events:
        if not ev.name.startswith("aten::"):
            continue
        parent = ev.cpu_parent
        while parent is not None and not parent.name.startswith("aten::"):
            parent = parent.cpu_parent
        if parent is None:
            out.append(ev)
    return out


def profile(torch, path, shape, runs, uncovered_as=None, prepare=None, dtype=None):
    """Median profiled ms per kind over the runs (top-level operator events), and the ms of the
    operators that fell into "other", by name (to see what the mapping misses). With
    uncovered_as, the time of the JIT's "forward" record that no top-level operator covers is
    counted as that kind (a frozen graph's prim::mkldnn_convolution is no aten:: event).
    prepare(module) -> module configures the loaded module (cast, freeze); dtype is the input's."""
    module = torch.jit.load(path).eval()
    if prepare:
        module = prepare(module)
    torch.manual_seed(0)
    x = torch.rand(*shape)
    if dtype is not None:
        x = x.to(dtype)
    per_kind, others = {k: [] for k in KINDS}, {}
    with torch.no_grad():
        for _ in range(2):  # the JIT optimises the graph during its first runs
            module(x)
        for _ in range(runs):
            with torch.autograd.profiler.profile() as prof:
                module(x)
            sums = dict.fromkeys(KINDS, 0.0)
            for ev in top_operator_events(prof.function_events):
                kind = op_kind(ev.name)
                sums[kind] += ev.cpu_time_total / 1e3
                if kind == "other":
                    others[ev.name] = others.get(ev.name, 0.0) + ev.cpu_time_total / 1e3 / runs
            if uncovered_as:
                forward = sum(ev.cpu_time_total for ev in prof.function_events
                              if ev.cpu_parent is None and ev.name == "forward") / 1e3
                sums[uncovered_as] += max(0.0, forward - sum(sums.values()))
            for k in KINDS:
                per_kind[k].append(sums[k])
    return {k: statistics.median(v) for k, v in per_kind.items()}, others


def predicted_by_kind(terms, w, b, x):
    """The additive prediction of one network (cost-term vector x) split by layer kind."""
    out = dict.fromkeys(KINDS, 0.0)
    for term, wi, xi in zip(terms, w, x):
        out[term_kind(term)] += wi * xi
    out["fixed"] += b
    return out


def ratio(p, m):
    return "%5.2f" % (p / m) if m > 0 else "    -"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zoo", required=True, help="directory of the zoo's .pt files (export_zoo.py)")
    ap.add_argument("--generated", action="append", default=[],
                    help="directory of generated .pt files (acesniper generate --format torchscript); "
                         "only the store's test networks among them are profiled; repeatable")
    ap.add_argument("--store-dir", default="data/zen4")
    ap.add_argument("--features", default="data/features.csv.gz")
    ap.add_argument("--platform", default="torch-eager-1t-zen4",
                    help="the stored platform whose fit is split (the profile runs its software path)")
    ap.add_argument("--acesniper", default="build/bin/acesniper")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-generated", type=int, default=100, help="random test networks to profile, at most")
    args = ap.parse_args()

    terms, t, _, lat, plats, _ = load(args.store_dir, args.features)
    if args.platform not in plats:
        sys.exit("cost_attribution_study: no platform %s in %s (it has: %s)" % (args.platform, args.store_dir, ", ".join(plats)))
    _, train, test = split(lat)
    h = args.platform
    ns = [n for n in train if h in lat[n]]
    w, b = additive_weights(np.array([t[n] for n in ns]), np.array([lat[n][h] for n in ns]))
    print("fitted the additive model of %s on %d training networks" % (h, len(ns)), flush=True)

    test_set = {n for n in test if h in lat[n]}
    files = [f for d in args.generated for f in sorted(glob.glob(os.path.join(d, "*.pt")))
             if os.path.basename(f)[:-3] in test_set][:args.max_generated]
    files += [f for f in sorted(glob.glob(os.path.join(args.zoo, "*.pt"))) if os.path.basename(f)[:-3] in test_set]
    if not files:
        sys.exit("cost_attribution_study: none of the given .pt files is a test network of %s" % h)

    import torch
    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = True
    rows, other_ops = [], {}
    for i, f in enumerate(files):
        name = os.path.basename(f)[:-3]
        try:
            prof, others = profile(torch, f, conv_layers(args.acesniper, f)[0], args.runs)
        except RuntimeError as e:
            print("skipped: %s" % e, file=sys.stderr)
            continue
        for k, v in others.items():
            other_ops[k] = other_ops.get(k, 0.0) + v
        total = sum(prof.values())
        measured = {k: v / total * lat[name][h] for k, v in prof.items()} if total > 0 else dict.fromkeys(KINDS, 0.0)
        rows.append((name, predicted_by_kind(terms, w, b, t[name]), measured, lat[name][h]))
        if (i + 1) % 25 == 0:
            print("profiled %d of %d" % (i + 1, len(files)), file=sys.stderr, flush=True)

    for label, sel in (("random test networks", [r for r in rows if r[0].startswith("gen")]),
                       ("zoo", [r for r in rows if not r[0].startswith("gen")])):
        if not sel:
            continue
        print("\n%s (%d) on %s: ms summed over the networks; measured = profile share x stored latency" % (label, len(sel), h))
        print("%-11s %10s %10s %7s %8s" % ("kind", "predicted", "measured", "ratio", "share"))
        tot_m = sum(r[3] for r in sel)
        for k in KINDS:
            p, m = sum(r[1][k] for r in sel), sum(r[2][k] for r in sel)
            if p > 0 or m > 0:
                print("%-11s %10.1f %10.1f %7s %7.1f%%" % (k, p, m, ratio(p, m), 100 * m / tot_m))
        print("%-11s %10.1f %10.1f %7s" % ("whole", sum(sum(r[1].values()) for r in sel), tot_m,
                                             ratio(sum(sum(r[1].values()) for r in sel), tot_m)))
        if label == "random test networks":
            rel = [sum(r[1].values()) / r[3] for r in sel]
            print("whole network predicted / measured: median %.2f, p10-p90 %.2f-%.2f" % (
                np.median(rel), np.percentile(rel, 10), np.percentile(rel, 90)))

    shown = [k for k in KINDS if any(r[2][k] > 0.02 * r[3] for r in rows if not r[0].startswith("gen"))]
    print("\nzoo model: predicted / measured, whole and per kind (kinds above 2 % of some model's time)")
    print("%-20s %8s %6s " % ("model", "ms", "whole") + " ".join("%10s" % k[:10] for k in shown))
    for name, p, m, y in sorted((r for r in rows if not r[0].startswith("gen")), key=lambda r: r[0]):
        print("%-20s %8.1f %6s " % (name, y, ratio(sum(p.values()), y)) + " ".join(
            "%10s" % (ratio(p[k], m[k]).strip() if m[k] > 0.02 * y else "") for k in shown))
    print("\nzoo model: each kind's share of the measured time (%)")
    print("%-20s " % "model" + " ".join("%10s" % k[:10] for k in shown))
    for name, p, m, y in sorted((r for r in rows if not r[0].startswith("gen")), key=lambda r: r[0]):
        print("%-20s " % name + " ".join("%10.1f" % (100 * m[k] / y) for k in shown))
    if other_ops:
        print("\noperators counted as other (ms per run, summed): " + ", ".join(
            "%s %.1f" % kv for kv in sorted(other_ops.items(), key=lambda kv: -kv[1])[:12]))


if __name__ == "__main__":
    main()
