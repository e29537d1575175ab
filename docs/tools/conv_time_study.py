#!/usr/bin/env python3
"""Do the zoo's convolutions cost what random networks' convolutions of the same shape cost?

The per-platform additive fits price random test networks right at every size but the zoo at a
median 0.81 of its latency (docs/model.md). This tool looks inside the networks. It profiles
TorchScript files in this process with PyTorch's profiler, one thread, oneDNN on (the software
path of torch-eager-1t), and times every convolution in its network. Each convolution is read
from `acesniper analyze --layers` (kernel, stride, groups, shapes) and matched, in order, to the
profiler's convolution events, whose weight shape must agree. Then, for every zoo convolution,
the random networks' convolutions of the same kernel, stride and kind (dense or grouped) that are
nearest in (log2 input channels, log2 output channels, log2 output plane) give its expected time
per FLOP. Printed per zoo model:
  - whole:  the network's time, median of --runs runs without the profiler (ms);
  - conv:   the share of the profiled time spent in convolution events;
  - priced: measured / expected time of its convolutions, expected from the neighbours
            (above 1: the zoo's convolutions are slower than random ones of the same shape);
  - far:    the share of its convolution time in layers with no random neighbour within
            --max-distance (shapes the generator does not make), and those layers' ratio alone.
Then the same ratio by output plane and by kernel over all zoo convolutions, and for contrast
the generated networks' own convolutions, each priced by its neighbours in the other generated
networks (leave one network out).

Usage (from the repository root; /usr/bin/python3 for torch):
  build/bin/acesniper generate --count 300 --seed 1 --format torchscript --out /tmp/gen
  build/bin/acesniper generate --count 200 --seed 1 --extended --format torchscript --out /tmp/genx
  taskset -c 1 docs/tools/conv_time_study.py --zoo build/zoo --generated /tmp/gen --generated /tmp/genx
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time

from feature_ceiling import LAYER

CONV_EVENTS = ("aten::conv2d", "aten::convolution", "aten::_convolution")
CONV_RE = re.compile(r"k(\d+)x(\d+) s(\d+) p\d+ d(\d+) g(\d+)")


def conv_layers(acesniper, path):
    """The network's convolutions, in graph order, from `acesniper analyze --layers`."""
    out = subprocess.run([acesniper, "analyze", "--layers", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("acesniper analyze %s: %s" % (path, out.stderr.strip()[:200]))
    shapes, convs, input_shape = {}, [], None
    for line in out.stdout.splitlines():
        m = LAYER.match(line)
        if not m:
            continue
        idx, kind, attrs = int(m.group(1)), m.group(2), m.group(3)
        shape = [int(v) for v in m.group(4).split(",")]
        shapes[idx] = shape
        inputs = [int(v) for v in re.findall(r"#(\d+)", m.group(5))]
        if kind == "input":
            input_shape = shape
        if kind != "conv":
            continue
        c = CONV_RE.search(attrs)
        if not c or not inputs:
            raise RuntimeError("%s: cannot read layer #%d: %s" % (path, idx, line.strip()))
        kh, kw, stride, dil, groups = (int(v) for v in c.groups())
        cin = shapes[inputs[0]][1]
        n, cout, hout, wout = shape
        macs = n * cout * hout * wout * (cin // groups) * kh * kw
        convs.append({"kh": kh, "kw": kw, "stride": stride, "dilation": dil, "groups": groups,
                      "cin": cin, "cout": cout, "hin": shapes[inputs[0]][2], "hout": hout,
                      "flops": 2.0 * macs, "weight_shape": [cout, cin // groups, kh, kw]})
    if input_shape is None:
        raise RuntimeError("%s: no input layer in the analyzer's output" % path)
    return input_shape, convs


def top_conv_events(events):
    """Convolution events that no other convolution event encloses, in start order."""
    chosen = []
    for ev in events:
        if ev.name not in CONV_EVENTS:
            continue
        parent, nested = ev.cpu_parent, False
        while parent is not None:
            if parent.name in CONV_EVENTS:
                nested = True
                break
            parent = parent.cpu_parent
        if not nested:
            chosen.append(ev)
    chosen.sort(key=lambda e: e.time_range.start)
    return chosen


def match(events, convs):
    """The event of each analyzer convolution (None where none matched), walking both in order and
    pairing equal weight shapes. The JIT re-optimises a graph during its first runs, and some
    runs record the tiny convolutions of a squeeze-and-excitation gate with other shapes or
    twice; such events are passed over, and a convolution missing from every run is left out."""
    out, k = [None] * len(convs), 0
    for ev in events:
        shapes = ev.input_shapes
        w = list(shapes[1]) if len(shapes) > 1 else []
        for j in range(k, min(k + 3, len(convs))):
            if w == convs[j]["weight_shape"]:
                out[j], k = ev, j + 1
                break
    return out


def profile(torch, path, input_shape, convs, runs):
    """Median whole-network ms (no profiler), median ms per convolution, conv share of profiled time."""
    module = torch.jit.load(path).eval()
    torch.manual_seed(0)
    x = torch.rand(*input_shape)
    with torch.no_grad():
        for _ in range(2):
            module(x)
        whole = []
        for _ in range(runs):
            t0 = time.perf_counter()
            module(x)
            whole.append((time.perf_counter() - t0) * 1e3)
        per_conv, shares = [[] for _ in convs], []
        for _ in range(runs):
            with torch.autograd.profiler.profile(record_shapes=True) as prof:
                module(x)
            events = list(prof.function_events)
            tops = top_conv_events(events)
            for k, ev in enumerate(match(tops, convs)):
                if ev is not None:
                    per_conv[k].append(ev.cpu_time_total / 1e3)
            roots = [e for e in events if e.cpu_parent is None]
            total = sum(e.cpu_time_total for e in roots)
            shares.append(sum(e.cpu_time_total for e in tops) / total if total > 0 else 0.0)
    return statistics.median(whole), [statistics.median(t) if t else None for t in per_conv], statistics.median(shares)


def group_key(c):
    return (c["kh"], c["kw"], c["stride"], c["dilation"], "grouped" if c["groups"] > 1 else "dense")


def position(c):
    return (math.log2(c["cin"]), math.log2(c["cout"]), math.log2(max(1, c["hout"])))


def expected_ns_per_flop(c, pool, k, exclude=None):
    """Median ns/FLOP of the k nearest pool convolutions of c's group, and their mean distance."""
    p = position(c)
    cands = []
    for q in pool.get(group_key(c), []):
        if exclude is not None and q["network"] == exclude:
            continue
        d = math.dist(p, q["pos"])
        cands.append((d, q["ns_per_flop"]))
    if not cands:
        return None, math.inf
    cands.sort(key=lambda t: t[0])
    near = cands[:k]
    return statistics.median(v for _, v in near), sum(d for d, _ in near) / len(near)


def ratio_text(measured, expected):
    return "%.2f" % (measured / expected) if expected > 0 else "-"


def plane_bucket(h):
    return "1x1" if h == 1 else "<=8" if h <= 8 else "9-13" if h < 14 else "14-27" if h < 28 else "28-55" if h < 56 else ">=56"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zoo", required=True, help="directory of the zoo's .pt files (export_zoo.py)")
    ap.add_argument("--generated", action="append", required=True,
                    help="directory of generated .pt files (acesniper generate --format torchscript); repeatable")
    ap.add_argument("--acesniper", default="build/bin/acesniper")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--neighbours", type=int, default=5)
    ap.add_argument("--max-distance", type=float, default=1.0,
                    help="mean log2 distance beyond which a zoo convolution counts as a shape the generator lacks")
    ap.add_argument("--min-flops", type=float, default=1e6,
                    help="convolutions below this are left out of the neighbour pool and of the summaries (their time is mostly overhead)")
    ap.add_argument("--models", help="comma-separated zoo models (default: every .pt in --zoo)")
    ap.add_argument("--json", help="also write every convolution's row here")
    args = ap.parse_args()

    import torch
    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = True

    rows = []  # one per convolution: network, source, shape, flops, ms
    wholes = {}

    def run(path, source):
        name = os.path.basename(path)[:-3]
        try:
            input_shape, convs = conv_layers(args.acesniper, path)
            whole, ms, share = profile(torch, path, input_shape, convs, args.runs)
        except RuntimeError as e:
            print("skipped: %s" % e, file=sys.stderr)
            return
        wholes[name] = (whole, share)
        for c, t in zip(convs, ms):
            if t is None:
                continue
            c.update(network=name, source=source, ms=t, pos=position(c))
            c["ns_per_flop"] = t * 1e6 / c["flops"] if c["flops"] > 0 else 0.0
            rows.append(c)

    for d in args.generated:
        files = sorted(glob.glob(os.path.join(d, "*.pt")))
        if not files:
            sys.exit("conv_time_study: no .pt files in %s" % d)
        for i, f in enumerate(files):
            run(f, "generated")
            if (i + 1) % 50 == 0:
                print("profiled %d of %d in %s" % (i + 1, len(files), d), file=sys.stderr, flush=True)
    zoo_files = sorted(glob.glob(os.path.join(args.zoo, "*.pt")))
    if args.models:
        wanted = set(args.models.split(","))
        zoo_files = [f for f in zoo_files if os.path.basename(f)[:-3] in wanted]
    for f in zoo_files:
        run(f, "zoo")

    pool = {}
    for r in rows:
        if r["source"] == "generated" and r["flops"] >= args.min_flops:
            pool.setdefault(group_key(r), []).append(r)
    for r in rows:
        r["expected_ns"], r["distance"] = expected_ns_per_flop(
            r, pool, args.neighbours, exclude=r["network"] if r["source"] == "generated" else None)

    def summarise(selected):
        priced = [r for r in selected if r["expected_ns"] is not None]
        meas = sum(r["ms"] for r in priced)
        exp = sum(r["expected_ns"] * r["flops"] / 1e6 for r in priced)
        return meas, exp, len(priced)

    print("\nzoo model            whole ms  conv share  conv ms  priced  far share  far priced")
    for name in sorted({r["network"] for r in rows if r["source"] == "zoo"}):
        mine = [r for r in rows if r["network"] == name]
        meas, exp, _ = summarise(mine)
        far = [r for r in mine if r["distance"] > args.max_distance]
        fm, fe, _ = summarise(far)
        conv_ms = sum(r["ms"] for r in mine)
        whole, share = wholes[name]
        print("%-20s %9.1f %10.2f %8.1f %7s %10.2f %11s" % (
            name, whole, share, conv_ms, ratio_text(meas, exp),
            sum(r["ms"] for r in far) / conv_ms if conv_ms > 0 else 0, ratio_text(fm, fe)))

    for source in ("zoo", "generated"):
        sel = [r for r in rows if r["source"] == source and r["flops"] >= args.min_flops]
        print("\n%s convolutions (>= %.0e FLOPs), measured / expected from random neighbours:" % (source, args.min_flops))
        for label, key in (("output plane", lambda r: plane_bucket(r["hout"])),
                           ("kernel", lambda r: "%dx%d%s%s" % (r["kh"], r["kw"], " grouped" if r["groups"] > 1 else "",
                                                              " dilated" if r["dilation"] > 1 else "")),
                           ("distance", lambda r: "near" if r["distance"] <= args.max_distance else "far")):
            parts = []
            for b in sorted({key(r) for r in sel}):
                meas, exp, n = summarise([r for r in sel if key(r) == b])
                parts.append("%s %s (%d)" % (b, ratio_text(meas, exp), n))
            print("  by %s: %s" % (label, ", ".join(parts)))
        meas, exp, n = summarise(sel)
        print("  all: %s (%d convolutions)" % (ratio_text(meas, exp), n))

    if args.json:
        with open(args.json, "w") as f:
            json.dump([{k: v for k, v in r.items() if k != "pos"} for r in rows], f)


if __name__ == "__main__":
    main()
