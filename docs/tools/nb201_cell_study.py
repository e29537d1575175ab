#!/usr/bin/env python3
"""Which cell operations does each public NAS-Bench-201 device really run?

The analyzer's NAS-Bench-201 builder (predictor/src/generate/nasbench201.cc) keeps only the
operations whose result reaches the cell output. The reference implementation (NAS-Bench-201's
InferCell) computes every edge: `none` is `x * 0`, and an operation whose node is then thrown
away still runs, unless a graph compiler folds it. Which description fits a device is a
question for its measurements. For each device this script fits latency as a linear function of
per-cell operation counts under several descriptions, on the device's *own* data (HELP's training
pool: the first 900 indices, connected cells), and scores Spearman rho and MAPE on all other
connected cells. No platform is unseen here: this is the ceiling of each description.

Descriptions (counts per cell; the cell is repeated 15 times, so counts are enough):
  live   the analyzer's builder: operations on nodes that reach the output
  fold   live, and also dropping operations whose input is constant zero (a compiler that folds x*0)
  all    every edge, as InferCell runs it: convs, pools, the `none` multiplies, k adds per node
  split  live counts plus separate counts of the work live drops (dead), each priced on its own
  onehot HELP's encoding: 6 edges x 5 ops (linear)

Usage: /usr/bin/python3 docs/tools/nb201_cell_study.py [CSV] [--devices a,b,...]
"""
import csv
import sys

import numpy as np

from dataset_report import spearman

CSV = "../shared/datasets/public-latency/nb201_latency_ms.csv"
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
TEST = ["titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss"]
TRAIN = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
         "essential_ph_1", "samsung_s7"]


def parse(arch):
    """edges[i] for node i = 1..3: list of (op, from)."""
    groups = arch.split("+")
    edges = {}
    for i, g in enumerate(groups, start=1):
        edges[i] = [(e.split("~")[0], int(e.split("~")[1])) for e in g.strip("|").split("|")]
    return edges


def reach_from_input(edges):
    r = {0: True, 1: False, 2: False, 3: False}
    for i in (1, 2, 3):
        r[i] = any(op != "none" and r[j] for op, j in edges[i])
    return r


def reach_output(edges):
    live = {0: False, 1: False, 2: False, 3: True}
    for i in (3, 2, 1):
        if live[i]:
            for op, j in edges[i]:
                if op != "none":
                    live[j] = True
    return live


def counts(edges, keep):
    """Counts of conv1, conv3, pool, zero-multiplies and adds over the edges for which keep(i, op, j)."""
    c = dict(conv1=0, conv3=0, pool=0, zero=0, add=0)
    for i in (1, 2, 3):
        terms = 0
        for op, j in edges[i]:
            if not keep(i, op, j):
                continue
            terms += 1
            if op == "nor_conv_1x1":
                c["conv1"] += 1
            elif op == "nor_conv_3x3":
                c["conv3"] += 1
            elif op == "avg_pool_3x3":
                c["pool"] += 1
            elif op == "none":
                c["zero"] += 1
        c["add"] += max(terms - 1, 0)
    return [c["conv1"], c["conv3"], c["pool"], c["zero"], c["add"]]


def describe(arch):
    e = parse(arch)
    live, src = reach_output(e), reach_from_input(e)
    live_keep = lambda i, op, j: live[i] and op != "none"
    fold_keep = lambda i, op, j: live[i] and op != "none" and src[j]
    all_keep = lambda i, op, j: True
    lv = counts(e, live_keep)
    al = counts(e, all_keep)
    onehot = []
    for i in (1, 2, 3):
        for op, _ in e[i]:
            onehot += [1.0 if op == o else 0.0 for o in OPS]
    return {
        "live": lv,
        "fold": counts(e, fold_keep),
        "all": al,
        "split": lv + [a - b for a, b in zip(al, lv)],
        "onehot": onehot,
    }, src[3]


def nnls(A, b, iters=500):
    """Lawson-Hanson non-negative least squares (small problems)."""
    n = A.shape[1]
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    for _ in range(iters):
        w = A.T @ (b - A @ x)
        if passive.all() or w[~passive].max() <= 1e-12:
            break
        j = np.argmax(np.where(passive, -np.inf, w))
        passive[j] = True
        while True:
            z = np.zeros(n)
            z[passive], *_ = np.linalg.lstsq(A[:, passive], b, rcond=None)
            if (z[passive] > 0).all():
                x = z
                break
            neg = passive & (z <= 0)
            alpha = np.min(x[neg] / (x[neg] - z[neg]))
            x = x + alpha * (z - x)
            passive &= x > 1e-12
    return x


def fit(X, y):
    w = 1.0 / y
    coef, *_ = np.linalg.lstsq(X * w[:, None], y * w, rcond=None)
    return coef


def main():
    args = sys.argv[1:]
    path = CSV
    devices = TEST + TRAIN
    i = 0
    while i < len(args):
        if args[i] == "--devices":
            devices = args[i + 1].split(",")
            i += 2
        else:
            path = args[i]
            i += 1
    rows = list(csv.DictReader(open(path)))
    feats, connected, index = {}, [], []
    for r in rows:
        d, conn = describe(r["arch_str"])
        for k, v in d.items():
            feats.setdefault(k, []).append(v)
        connected.append(conn)
        index.append(int(r["nb201_index"]))
    connected = np.array(connected)
    index = np.array(index)
    names = ["live", "fold", "all", "split", "onehot"]
    X = {k: np.hstack([np.ones((len(rows), 1)), np.array(v, dtype=float)]) for k, v in feats.items()}
    print("device | " + " | ".join(f"{n}: rho / MAPE" for n in names))
    print("|".join(["---"] * (len(names) + 1)))
    for dev in devices:
        y = np.array([float(r["help:" + dev]) if r["help:" + dev] else np.nan for r in rows])
        ok = connected & np.isfinite(y) & (y > 0)
        train = ok & (index < 900)
        test = ok & (index >= 900)
        cells = []
        for n in names:
            # relative-error least squares: rows weighted by 1/y
            w = 1.0 / y[train]
            coef, *_ = np.linalg.lstsq(X[n][train] * w[:, None], y[train] * w, rcond=None)
            p = X[n][test] @ coef
            mape = float(np.mean(np.abs(p - y[test]) / y[test])) * 100
            cells.append(f"{spearman(p, y[test]):.3f} / {mape:.1f} %")
        print(f"{dev} | " + " | ".join(cells))

    # Transfer, HELP's protocol: each training device's own model (fitted on its training pool),
    # a test device fits non-negative mixture weights of those models to its 10 reference cells.
    refs = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462]
    pos = {v: k for k, v in enumerate(index)}
    ref_rows = np.array([pos[r] for r in refs])
    print()
    print("transfer (10 references, mixture of the 9 training devices' models) | " + " | ".join(names))
    print("|".join(["---"] * (len(names) + 1)))
    means = np.zeros(len(names))
    for dev in TEST:
        y = np.array([float(r["help:" + dev]) if r["help:" + dev] else np.nan for r in rows])
        test = connected & np.isfinite(y) & (y > 0) & (index >= 900)
        test[ref_rows] = False
        cells = []
        for k, n in enumerate(names):
            basis = []
            for tdev in TRAIN:
                t = np.array([float(r["help:" + tdev]) if r["help:" + tdev] else np.nan for r in rows])
                tr = connected & np.isfinite(t) & (t > 0) & (index < 900)
                basis.append(X[n] @ fit(X[n][tr], t[tr]))
            B = np.array(basis).T
            w = 1.0 / y[ref_rows]
            mix = nnls(B[ref_rows] * w[:, None], y[ref_rows] * w)
            p = B[test] @ mix
            rho = spearman(p, y[test])
            means[k] += rho / len(TEST)
            cells.append(f"{rho:.3f} / {float(np.mean(np.abs(p - y[test]) / y[test])) * 100:.1f} %")
        print(f"{dev} | " + " | ".join(cells))
    print("mean | " + " | ".join(f"{m:.3f}" for m in means))


if __name__ == "__main__":
    main()
