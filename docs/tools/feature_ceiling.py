#!/usr/bin/python3
"""How well can network features explain latency on a platform the model fully knows?

  docs/tools/feature_ceiling.py [--train 400] [--test 100] [--cache build/feature-study]

For every platform in the stores (both machines), three regressions are fitted on the platform's
own measured latencies of the first --train generated networks (gen-1-0..) and scored on the next
--test (unseen networks, same platform). No cross-platform transfer is involved, so this is an
upper bound on what a predictor built on these inputs can reach on a new platform:

  log-ridge NNS   ln y = a + w . standardised log1p(analyzer features)   (the PCN's inputs, log space)
  additive NNS    y = b + w . analyzer features, w >= 0                    (same features, linear space)
  additive layer  y = b + w . layer-cost terms, w >= 0                     (per-layer cost, summed)

Layer-cost terms come from `acesniper analyze --layers` of each generated network: convolution
FLOPs split by kernel class, by the smaller of input/output channels (<64, <256, >=256), by output
plane (>=56 or <56) and by stride; convolution input/output elements and weights; fully connected
FLOPs; input+output elements and counts of every other layer kind; the layer count. The additive
fits minimise the squared relative error (sum ((pred - y) / y)^2) by projected gradient, so every
term is a non-negative cost.

Second table (--new-suffix, default -zen4): the transfer case. Each platform NAME-zen4 is new: the
other machine's platforms (names without the suffix) each get an additive layer-cost model,
trained on the evaluation's training networks (gen-1-i, i mod 5 != 4) and the reference set; the
new platform gives only its first d reference latencies, which fit non-negative weights of a mixture
of those models; it is scored on the evaluation's test networks (i mod 5 = 4) it measured, like
`acesniper evaluate`. Needs build/bin/acesniper; the layer dumps are cached under --cache.
"""
import argparse
import collections
import csv
import glob
import gzip
import os
import re
import subprocess
import sys

import numpy as np

BIN = "build/bin/acesniper"
SEED, REF_SEED, REF_COUNT = 1, 20261126, 120  # the dataset's generator seed; the HRM reference set (reference_set.h)
REF_OPTIONS = ("--min-flops", "20e6", "--max-flops", "4e9")


def read_latencies(paths):
    """{(platform, network): median_ms} over ok rows at batch 1."""
    lat = {}
    for path in paths:
        with gzip.open(path, "rt", newline="") as f:
            for r in csv.DictReader(f):
                if r["status"] == "ok" and r["batch"] == "1":
                    lat[(r["platform"], r["network"])] = float(r["median_ms"])
    return lat


def read_features(path):
    with gzip.open(path, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    # The analyzer's v1 features: schema v2's "layer cost" group (cost_*) is what this study led to.
    names = [c for c in rows[0] if c not in ("network", "network_hash") and not c.startswith("cost_")]
    return {r["network"]: np.array([max(0.0, float(r[c])) for c in names]) for r in rows}, names


def layer_dumps(cache, count, seed=SEED, options=(), tag="gen"):
    """Runs generate + analyze --layers for gen-SEED-0..count-1 in chunks of 50 (cached)."""
    os.makedirs(cache, exist_ok=True)
    for first in range(0, count, 50):
        out = os.path.join(cache, "%s-%d.txt" % (tag, first))
        if os.path.exists(out):
            continue
        tmp = os.path.join(cache, "onnx")
        subprocess.run(["rm", "-rf", tmp], check=True)
        subprocess.run([BIN, "generate", "--count", str(min(50, count - first)), "--first", str(first), "--seed",
                        str(seed), "--out", tmp, "--format", "onnx"] + list(options), check=True,
                       stdout=subprocess.DEVNULL)
        files = sorted(glob.glob(os.path.join(tmp, "*.onnx")))
        with open(out + ".tmp", "w") as f:
            subprocess.run([BIN, "analyze", "--layers"] + files, check=True, stdout=f)
        os.replace(out + ".tmp", out)
        subprocess.run(["rm", "-rf", tmp], check=True)
    return sorted(glob.glob(os.path.join(cache, tag + "-*.txt")))


LAYER = re.compile(r"\s+#(\d+) (\S+)(.*?)\[([\d,]+)\] <-(.*?)(\(|$)")


def parse_layers(paths):
    """{network: [(id, kind, attrs, out_shape, input_ids)]} from `analyze --layers` output."""
    nets, cur = {}, None
    for path in paths:
        for line in open(path):
            m = re.match(r"\S*?([^/\s]+)\.onnx: ", line)
            if m:
                cur = nets.setdefault(m.group(1), [])
                continue
            m = LAYER.match(line)
            if m and cur is not None:
                cur.append((int(m.group(1)), m.group(2), m.group(3), [int(x) for x in m.group(4).split(",")],
                            [int(x) for x in re.findall(r"#(\d+)", m.group(5))]))
    return nets


def layer_costs(layers):
    f = collections.defaultdict(float)
    shape = {i: s for i, _, _, s, _ in layers}
    for _, kind, attrs, out, ins in layers:
        if kind == "input":
            continue
        in_el = sum(float(np.prod(shape[j])) for j in ins)
        out_el = float(np.prod(out))
        if kind == "conv":
            k = int(re.search(r"k(\d+)x", attrs).group(1))
            stride = int(re.search(r" s(\d+)", attrs).group(1))
            dilated = int(re.search(r" d(\d+)", attrs).group(1)) > 1
            cin, cout = shape[ins[0]][1], out[1]
            flops = 2 * out_el * cin * k * k
            kc = "dilated" if dilated else "k%d" % k
            cb = "c<64" if min(cin, cout) < 64 else ("c<256" if min(cin, cout) < 256 else "c>=256")
            for key in (kc, kc + "_" + cb, kc + ("_hw>=56" if out[2] >= 56 else "_hw<56"), "s%d" % stride):
                f["conv_flops_" + key] += flops
            f["conv_count"] += 1
            f["conv_in_elements"] += in_el
            f["conv_out_elements"] += out_el
            f["conv_weights"] += cin * cout * k * k
        elif kind == "linear":
            f["fc_flops"] += 2 * float(np.prod(shape[ins[0]])) * out[-1]
            f["fc_count"] += 1
        else:
            f[kind + "_elements"] += in_el + out_el
            f[kind + "_count"] += 1
    f["layers"] = len(layers)
    return f


def ridge(x, y, lam=10.0):
    m, s = x.mean(0), x.std(0) + 1e-9
    z = (x - m) / s
    w = np.linalg.solve(z.T @ z + lam * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return lambda xt: ((xt - m) / s) @ w + y.mean()


def additive_weights(x, y, iters=3000, lam=1e-4):
    """y ~ x . w + b, w, b >= 0, minimising the squared relative error (projected gradient, as
    model/nonnegative_fit.cc). Returns (w, b)."""
    a = np.c_[x, np.ones(len(x))] / y[:, None]
    scale = np.sqrt((a ** 2).sum(0)) + 1e-12
    a = a / scale
    step = 1.0 / (np.linalg.norm(a, 2) ** 2 + lam)
    w = np.zeros(a.shape[1])
    for _ in range(iters):
        w = np.maximum(0.0, w - step * (a.T @ (a @ w - 1.0) + lam * w))
    w = w / scale
    return w[:-1], w[-1]


def additive(x, y, iters=3000, lam=1e-4):
    w, b = additive_weights(x, y, iters, lam)
    return lambda xt: np.maximum(xt @ w + b, 1e-9)


def score(pred_ms, true_ms):
    r = np.abs(pred_ms / true_ms - 1)
    return 100 * r.mean(), 100 * (r <= 0.10).mean(), 100 * (r <= 0.15).mean()


def transfer_table(lat, costs, keys, suffix, ds):
    x_cost = lambda ns: np.array([[costs[n].get(k, 0.0) for k in keys] for n in ns])
    refs = ["gen-%d-%d" % (REF_SEED, i) for i in range(REF_COUNT)]
    gen = sorted({n for _, n in lat if n.startswith("gen-%d-" % SEED)}, key=lambda n: int(n.rsplit("-", 1)[1]))
    train = [n for n in gen if int(n.rsplit("-", 1)[1]) % 5 != 4] + refs
    test = [n for n in gen if int(n.rsplit("-", 1)[1]) % 5 == 4]
    platforms = sorted({p for p, _ in lat})
    new = [p for p in platforms if p.endswith(suffix)]
    basis = [p for p in platforms if not p.endswith(suffix)]
    models = []
    for p in basis:
        tr = [n for n in train if (p, n) in lat]
        models.append(additive(x_cost(tr), np.array([lat[(p, n)] for n in tr])))
    print("\nNew platforms (*%s) from their first d reference latencies: a non-negative mixture of the additive "
          "layer-cost models of %s\n" % (suffix, ", ".join(basis)))
    print("| platform | test networks | " + " | ".join("d = %d: MAPE / within 10 %%" % d for d in ds) + " |")
    print("|---|---|" + "---|" * len(ds))
    means = collections.defaultdict(list)
    for q in new:
        te = [n for n in test if (q, n) in lat]
        yte = np.array([lat[(q, n)] for n in te])
        b_te = np.stack([m(x_cost(te)) for m in models], 1)
        cells = []
        for d in ds:
            rs = [n for n in refs[:d] if (q, n) in lat]
            b_ref = np.stack([m(x_cost(rs)) for m in models], 1)
            mix = additive(b_ref, np.array([lat[(q, n)] for n in rs]), lam=1e-3)
            mape, w10, _ = score(mix(b_te), yte)
            means[d].append((mape, w10))
            cells.append("%.1f %% / %.0f %%" % (mape, w10))
        print("| %s | %d | %s |" % (q, len(te), " | ".join(cells)))
    print("| mean | | %s |" % " | ".join("%.1f %% / %.1f %%" % tuple(np.mean(means[d], 0)) for d in ds))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", type=int, default=400)
    ap.add_argument("--test", type=int, default=100)
    ap.add_argument("--cache", default="build/feature-study")
    ap.add_argument("--new-suffix", default="-zen4")
    ap.add_argument("--stores", nargs="*", default=["data/generated.csv.gz", "data/zen4/generated.csv.gz",
                                                      "data/reference.csv.gz", "data/zen4/reference.csv.gz"])
    a = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit("feature_ceiling.py: %s not found; build first (scripts/build.sh), from the repository root" % BIN)
    for path in a.stores + ["data/features.csv.gz"]:
        if not os.path.exists(path):
            sys.exit("feature_ceiling.py: no file '%s' (run from the repository root)" % path)
    lat = read_latencies(a.stores)
    nns, _ = read_features("data/features.csv.gz")
    count = 1 + max(int(n.rsplit("-", 1)[1]) for _, n in lat if n.startswith("gen-%d-" % SEED))
    nets = parse_layers(layer_dumps(a.cache, max(count, a.train + a.test)) +
                        layer_dumps(a.cache, REF_COUNT, REF_SEED, REF_OPTIONS, "ref"))
    costs = {n: layer_costs(l) for n, l in nets.items()}
    keys = sorted({k for c in costs.values() for k in c})
    train = ["gen-1-%d" % i for i in range(a.train)]
    test = ["gen-1-%d" % i for i in range(a.train, a.train + a.test)]
    missing = [n for n in train + test if n not in nns or n not in costs]
    if missing:
        sys.exit("feature_ceiling.py: no features for %d networks, e.g. %s" % (len(missing), missing[0]))
    x_nns = lambda ns: np.array([nns[n] for n in ns])
    x_cost = lambda ns: np.array([[costs[n].get(k, 0.0) for k in keys] for n in ns])
    print("Seen-platform fits: trained on %s..%s of each platform, scored on %s..%s (%d layer-cost terms)\n"
          % (train[0], train[-1], test[0], test[-1], len(keys)))
    print("| platform | test networks | log-ridge NNS: MAPE / within 10 % | additive NNS | additive layer-cost | within 15 % (layer-cost) |")
    print("|---|---|---|---|---|---|")
    for p in sorted({p for p, _ in lat}):
        tr = [n for n in train if (p, n) in lat]
        te = [n for n in test if (p, n) in lat]
        if len(tr) < 100 or len(te) < 20:
            continue
        ytr = np.array([lat[(p, n)] for n in tr])
        yte = np.array([lat[(p, n)] for n in te])
        logr = np.exp(ridge(np.log1p(x_nns(tr)), np.log(ytr))(np.log1p(x_nns(te))))
        add_nns = additive(x_nns(tr), ytr)(x_nns(te))
        add_cost = additive(x_cost(tr), ytr)(x_cost(te))
        s = [score(v, yte) for v in (logr, add_nns, add_cost)]
        print("| %s | %d | %.1f %% / %.0f %% | %.1f %% / %.0f %% | %.1f %% / %.0f %% | %.0f %% |"
              % (p, len(te), s[0][0], s[0][1], s[1][0], s[1][1], s[2][0], s[2][1], s[2][2]))
    if any(p.endswith(a.new_suffix) for p, _ in lat):
        transfer_table(lat, costs, keys, a.new_suffix, [10, 20, 50])


if __name__ == "__main__":
    main()
