#!/usr/bin/python3
"""Which per-layer shape information does the additive cost model miss, on a platform it knows?

  docs/tools/layer_shape_study.py [--networks 1200] [--variants base,input-size,...] [--mlp]
                                  [--store data/zen4/generated.csv.gz] [--cache build/feature-study]

For every platform of the store: fitted on its own latencies of the generated networks
gen-1-i (i < --networks, i mod 5 != 4), scored on the rest (i mod 5 = 4), as `acesniper evaluate`
splits them. Each variant is feature_ceiling.py's additive layer-cost model (non-negative terms,
squared relative error) with extra convolution terms:

  base            feature_ceiling.layer_costs: FLOPs by kernel class, channels, plane, stride ...
  input-size      + each kernel class's FLOPs split by the convolution's input elements in bins
                  4x apart (< 2^14, < 2^16, < 2^18, < 2^20, >= 2^20): schema acesniper.nns/v3
  input-size-2x   the same in bins 2x apart (2^12 .. 2^20)
  dispatch        + FLOPs split at the one threshold of PyTorch's oneDNN check (kernel <= 3 and
                  input <= 20,480 elements at batch 1 go to im2col + BLAS instead)
  output-size     input-size, and each class's FLOPs by output elements (bins 4x apart)
  elementwise     input-size, and every other layer kind's elements by size (bins 4x apart)

--mlp adds a layer-sum MLP: each layer's cost is exp(MLP(its kind and log shape)), the network's
latency their sum plus a constant, fitted by Adam in log space (1,500 full-batch steps, 2 threads;
about 7 minutes for 7 platforms). It bounds what any function of one layer's shape can add.

Prints per platform and the mean: MAPE / within 10 % / within 15 % of the test networks.
Needs build/bin/acesniper (layer dumps are cached under --cache) and, for --mlp, torch.
"""
import argparse
import collections
import re
import sys

import numpy as np

from feature_ceiling import additive, layer_costs, layer_dumps, parse_layers, read_latencies, score

VARIANTS = ["base", "input-size", "input-size-2x", "dispatch", "output-size", "elementwise"]


def conv_layers(layers):
    """(kernel class, flops, input elements, output elements, kernel, layer) of each convolution."""
    shape = {i: s for i, _, _, s, _ in layers}
    for _, kind, attrs, out, ins in layers:
        if kind != "conv":
            continue
        k = int(re.search(r"k(\d+)x", attrs).group(1))
        dilated = int(re.search(r" d(\d+)", attrs).group(1)) > 1
        in_el, out_el = float(np.prod(shape[ins[0]])), float(np.prod(out))
        yield ("dilated" if dilated else "k%d" % k), 2 * out_el * shape[ins[0]][1] * k * k, in_el, out_el, k


def size_bin(elements, step, lo=14, hi=20):
    """0 below 2^lo, then one bin per factor 2^step, the last from 2^hi up."""
    return int(np.clip((np.log2(max(elements, 1)) - lo) // step + 1, 0, (hi - lo) // step + 1))


def variant_costs(layers, variant):
    f = layer_costs(layers)
    for kc, flops, in_el, out_el, k in conv_layers(layers):
        if variant in ("input-size", "output-size", "elementwise"):
            f["in_%s_%d" % (kc, size_bin(in_el, 2))] += flops
        if variant == "input-size-2x":
            f["in2_%s_%d" % (kc, size_bin(in_el, 1, 12))] += flops
        if variant == "dispatch":
            f["dispatch_%s_%d" % (kc, k <= 3 and kc != "dilated" and in_el <= 20480)] += flops
        if variant == "output-size":
            f["out_%s_%d" % (kc, size_bin(out_el, 2))] += flops
    if variant == "elementwise":
        shape = {i: s for i, _, _, s, _ in layers}
        for _, kind, _, out, ins in layers:
            if kind not in ("conv", "input", "linear"):
                el = sum(float(np.prod(shape[j])) for j in ins) + float(np.prod(out))
                f["el_%s_%d" % (kind, size_bin(el, 2))] += el
    return f


KINDS = ["conv", "batch_norm", "activation:relu", "add", "pool", "linear", "concat", "global_pool", "flatten"]


def layer_inputs(layers):
    """One row per layer for the MLP: kind (one-hot), log FLOPs, log sizes, kernel, stride, dilation."""
    shape = {i: s for i, _, _, s, _ in layers}
    rows = []
    for _, kind, attrs, out, ins in layers:
        if kind == "input":
            continue
        in_el, out_el = sum(float(np.prod(shape[j])) for j in ins), float(np.prod(out))
        cin = shape[ins[0]][1] if ins and len(shape[ins[0]]) > 1 else 1
        k = s = d = 0
        flops = 0.0
        if kind == "conv":
            k, s, d = (int(re.search(p, attrs).group(1)) for p in (r"k(\d+)x", r" s(\d+)", r" d(\d+)"))
            flops = 2 * out_el * cin * k * k
        elif kind == "linear":
            flops = 2 * float(np.prod(shape[ins[0]])) * out[-1]
        rows.append([float(kind == c) for c in KINDS] + [float(kind not in KINDS)] +
                    [np.log1p(flops), np.log1p(in_el), np.log1p(out_el), np.log(cin),
                     np.log(out[1] if len(out) > 1 else 1), np.log(out[2] if len(out) == 4 else 1), k, s,
                     float(d > 1), len(ins)])
    return rows


def layer_sum_mlp(train_rows, y, steps=1500):
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x = np.concatenate([np.array(r) for r in train_rows])
    mu, sd = x.mean(0), x.std(0) + 1e-6

    def tensors(rows):
        xs = np.concatenate([np.array(r) for r in rows])
        seg = np.concatenate([[i] * len(r) for i, r in enumerate(rows)])
        return torch.tensor((xs - mu) / sd, dtype=torch.float32), torch.tensor(seg)

    xt, seg = tensors(train_rows)
    target = torch.tensor(np.log(y), dtype=torch.float32)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 64), torch.nn.GELU(), torch.nn.Linear(64, 64),
                              torch.nn.GELU(), torch.nn.Linear(64, 1))
    bias = torch.nn.Parameter(torch.tensor(float(np.log(y.min()) - 1)))
    opt = torch.optim.Adam(list(net.parameters()) + [bias], 3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)

    def total(xs, segs, n):
        return torch.zeros(n).index_add(0, segs, torch.exp(net(xs).squeeze(1) - 5)) + torch.exp(bias)

    for _ in range(steps):
        loss = ((torch.log(total(xt, seg, len(train_rows))) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()

    def predict(rows):
        with torch.no_grad():
            return total(*tensors(rows), len(rows)).numpy()
    return predict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--networks", type=int, default=1200)
    ap.add_argument("--variants", default="base,input-size,input-size-2x,dispatch,output-size,elementwise")
    ap.add_argument("--mlp", action="store_true")
    ap.add_argument("--store", default="data/zen4/generated.csv.gz")
    ap.add_argument("--cache", default="build/feature-study")
    a = ap.parse_args()
    variants = a.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        sys.exit("layer_shape_study.py: unknown variant(s) %s; known: %s" % (", ".join(unknown), ", ".join(VARIANTS)))
    lat = read_latencies([a.store])
    nets = parse_layers(layer_dumps(a.cache, a.networks))
    gen = ["gen-1-%d" % i for i in range(a.networks)]
    train, test = [g for g in gen if int(g[6:]) % 5 != 4], [g for g in gen if int(g[6:]) % 5 == 4]
    costs = {v: {n: variant_costs(nets[n], v) for n in gen} for v in variants}
    keys = {v: sorted({k for c in costs[v].values() for k in c}) for v in variants}
    names = variants + (["layer-sum MLP"] if a.mlp else [])
    print("| platform | test networks | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    means = collections.defaultdict(list)
    for p in sorted({p for p, _ in lat}):
        tr, te = [n for n in train if (p, n) in lat], [n for n in test if (p, n) in lat]
        ytr, yte = np.array([lat[(p, n)] for n in tr]), np.array([lat[(p, n)] for n in te])
        cells = []
        for v in variants:
            x = lambda ns: np.array([[costs[v][n].get(k, 0.0) for k in keys[v]] for n in ns])
            means[v].append(score(additive(x(tr), ytr)(x(te)), yte))
            cells.append(means[v][-1])
        if a.mlp:
            pred = layer_sum_mlp([layer_inputs(nets[n]) for n in tr], ytr)([layer_inputs(nets[n]) for n in te])
            means["layer-sum MLP"].append(score(pred, yte))
            cells.append(means["layer-sum MLP"][-1])
        print("| %s | %d | %s |" % (p, len(te), " | ".join("%.1f / %.1f / %.1f" % c for c in cells)), flush=True)
    print("| mean | | %s |" % " | ".join("%.1f / %.1f / %.1f" % tuple(np.mean(means[v], 0)) for v in names))


if __name__ == "__main__":
    main()
