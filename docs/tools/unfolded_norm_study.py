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

Usage (from the repository root, after the zoo export, about 40 s):
  /usr/bin/python3 docs/tools/unfolded_norm_study.py
"""
import re, subprocess, glob, os, sys
sys.path.insert(0, "docs/tools")
import numpy as np
import transfer_study as ts
from feature_ceiling import additive_weights
extra = {}
for path in sorted(glob.glob("build/zoo/*.onnx")):
    out = subprocess.run(["build/bin/acesniper", "analyze", path, "--layers"], capture_output=True, text=True).stdout
    kind, shp, src = {}, {}, {}
    bn_un = act_un = bn_all = 0.0
    for line in out.splitlines():
        m = re.match(r"\s+#(\d+) (\S+).*?\[([\d,]+)\] <-(.*?)\s\s\(", line + "  (")
        if not m: continue
        i = int(m[1]); kind[i] = m[2].split(":")[0]; shp[i] = np.prod([int(x) for x in m[3].split(",")])
        src[i] = [int(x) for x in re.findall(r"#(\d+)", m[4])]
        s0 = src[i][0] if src[i] else None
        if kind[i] == "batch_norm":
            bn_all += 2 * shp[i]
            if kind.get(s0) != "conv": bn_un += 2 * shp[i]
        if kind[i] == "activation":
            fused = kind.get(s0) == "conv" or (kind.get(s0) == "batch_norm" and kind.get(src[s0][0]) == "conv")
            if not fused: act_un += 2 * shp[i]
    extra[os.path.basename(path)[:-5]] = (bn_un, act_un, bn_all)
    print("%-20s unfoldable BN %.2f of BN elements, unfused activation elements %.1f M" % (os.path.basename(path)[:-5], bn_un / max(bn_all, 1), act_un / 1e6))
terms, t, f, lat, plats, params = ts.load("data/zen4", ["data/features.csv.gz"])
pool, train, test = ts.split(lat)
ia, ib, ic = terms.index("cost_elements_add"), terms.index("cost_elements_batchnorm"), terms.index("cost_elements_activation")
variants = {}
for name in ("base", "dup", "move", "move bn only"):
    tv = dict(t)
    for n, (bn, act, _) in extra.items():
        if n not in tv or name == "base": continue
        v = tv[n].copy()
        v[ia] += bn + (act if name != "move bn only" else 0)
        if name.startswith("move"):
            v[ib] -= bn
            if name == "move": v[ic] -= act
        tv[n] = v
    variants[name] = tv
for h in plats:
    nets = [n for n in train if h in lat[n]]
    w, b = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][h] for n in nets]))
    zt = [n for n in test if h in lat[n] and not n.startswith("gen")]
    y = np.array([lat[n][h] for n in zt])
    line = []
    for name, tv in variants.items():
        p = np.array([tv[n] for n in zt]) @ w + b
        line.append("%s %.1f" % (name, 100 * np.mean(np.abs(p / y - 1))))
        if h == "torch-frozen-2t-zen4" and name == "move":
            print("  frozen ratios (move):", " ".join("%s %.2f" % (n[:10], r) for n, r in zip(zt, p / y)))
    print("%-24s zoo MAPE: %s" % (h, ", ".join(line)))
