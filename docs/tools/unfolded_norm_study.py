#!/usr/bin/env python3
"""Does the additive model underprice the zoo because some batch norms cannot be folded?

A frozen (optimize_for_inference) or OpenCV platform folds a batch norm that follows a convolution
into it, and fuses an activation that follows a convolution (or such a batch norm). Table IV
networks only have those, so their batch-norm and activation coefficients are near zero there. The
zoo has batch norms that follow no convolution (DenseNet's pre-activation layers) and activations
after additions (ResNet). This study counts those layers' elements in each zoo model (from
`acesniper analyze --layers`) and prices them as additions of the same size, on each Zen 4
platform's own additive fit (transfer_study.py --ceiling's), in three ways: counted in
cost_elements_add as well ("dup"), moved there from their own terms ("move"), batch norms only.
With --generated DIR, it also counts such layers in generated networks (the training data).

Usage (from the repository root, after the zoo export, about 20 s):
  /usr/bin/python3 docs/tools/unfolded_norm_study.py [--generated /tmp/genx --max-generated 40]
"""
import argparse
import glob
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transfer_study as ts  # noqa: E402
from feature_ceiling import additive_weights  # noqa: E402

LAYER = re.compile(r"\s+#(\d+) (\S+).*?\[([\d,]+)\] <-(.*?)\s\s\(")


def unfolded_layers(binary, path):
    """(elements of batch norms after no convolution, of activations after neither a convolution
    nor such a folded batch norm, of all batch norms; their counts). Elements are in + out."""
    out = subprocess.run([binary, "analyze", path, "--layers"], capture_output=True, text=True, check=True).stdout
    kind, src = {}, {}
    bn_un = act_un = bn_all = 0.0
    counts = {"batch_norm": 0, "batch_norm after no conv": 0, "activation": 0, "activation not fused": 0}
    for line in out.splitlines():
        m = LAYER.match(line + "  (")
        if not m:
            continue
        i = int(m[1])
        kind[i], src[i] = m[2].split(":")[0], [int(x) for x in re.findall(r"#(\d+)", m[4])]
        elements = 2 * float(np.prod([int(x) for x in m[3].split(",")]))
        s0 = src[i][0] if src[i] else None
        if kind[i] == "batch_norm":
            bn_all += elements
            counts["batch_norm"] += 1
            if kind.get(s0) != "conv":
                bn_un += elements
                counts["batch_norm after no conv"] += 1
        if kind[i] == "activation":
            counts["activation"] += 1
            if not (kind.get(s0) == "conv" or (kind.get(s0) == "batch_norm" and kind.get(src[s0][0]) == "conv")):
                act_un += elements
                counts["activation not fused"] += 1
    return bn_un, act_un, bn_all, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default="build/bin/acesniper")
    ap.add_argument("--zoo", default="build/zoo")
    ap.add_argument("--generated", help="a directory of generated networks (.pt) to count such layers in")
    ap.add_argument("--max-generated", type=int, default=40)
    a = ap.parse_args()
    if a.generated:
        total = {}
        files = sorted(glob.glob(os.path.join(a.generated, "*.pt")))[:a.max_generated]
        for path in files:
            for k, v in unfolded_layers(a.binary, path)[3].items():
                total[k] = total.get(k, 0) + v
        print("%d generated networks in %s: %s" % (len(files), a.generated, total))
    extra = {}
    for path in sorted(glob.glob(os.path.join(a.zoo, "*.onnx"))):
        name = os.path.basename(path)[:-5]
        bn_un, act_un, bn_all, _ = unfolded_layers(a.binary, path)
        extra[name] = (bn_un, act_un)
        print("%-20s batch norms after no convolution: %.2f of the batch-norm elements; unfused activation elements %.1f M"
              % (name, bn_un / max(bn_all, 1), act_un / 1e6))
    terms, t, _, lat, plats, _ = ts.load("data/zen4", ["data/features.csv.gz"])
    _, train, test = ts.split(lat)
    add, bn, act = (terms.index("cost_elements_" + k) for k in ("add", "batchnorm", "activation"))
    variants = {}
    for name in ("base", "dup", "move", "move bn only"):
        tv = dict(t)
        for n, (bn_un, act_un) in extra.items():
            if n not in tv or name == "base":
                continue
            v = tv[n].copy()
            v[add] += bn_un + (act_un if name != "move bn only" else 0)
            if name.startswith("move"):
                v[bn] -= bn_un
                if name == "move":
                    v[act] -= act_un
            tv[n] = v
        variants[name] = tv
    mape = {name: [] for name in variants}
    for h in plats:
        nets = [n for n in train if h in lat[n]]
        w, b = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][h] for n in nets]))
        zoo = [n for n in test if h in lat[n] and not n.startswith("gen")]
        y = np.array([lat[n][h] for n in zoo])
        for name, tv in variants.items():
            p = np.array([tv[n] for n in zoo]) @ w + b
            mape[name].append(100 * np.mean(np.abs(p / y - 1)))
        print("%-24s zoo MAPE: %s" % (h, ", ".join("%s %.1f" % (name, v[-1]) for name, v in mape.items())))
    print("%-24s zoo MAPE: %s" % ("mean", ", ".join("%s %.1f" % (name, np.mean(v)) for name, v in mape.items())))


if __name__ == "__main__":
    main()
