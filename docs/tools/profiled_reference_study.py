#!/usr/bin/env python3
"""Would per-layer-kind times of the reference networks close the transfer gap?

A held-out platform gives LayerCost+HRM only the total latencies of its d reference networks;
what they carry is spent on the mixture weights and four family factors (docs/model.md: a prior
learned from the bases did not help, the gap to the own-platform ceiling is information the
totals lack). A node could also profile each reference once and report how its time splits over
layer kinds (convolution, batch norm, activation, pooling, fully connected, ...): d x 13 numbers
instead of d. This study asks what that would buy, before any runner records it.

It profiles the first d reference networks (reference set v2 order) in this process with
PyTorch's profiler, in the software configuration of a stored LibTorch platform (threads, oneDNN,
bfloat16, frozen; the same TorchScript files the generator writes), sums the top-level operator
events by kind (docs/tools/cost_attribution_study.py), and takes each kind's share of the profiled
time times the stored latency, less the mixture's fixed part, as that kind's time. Then, the
platform held out of the twelve other platforms of both machines:
  - the product: the bases' mixture fitted to the d totals, then one factor per layer family;
  - kind factors: the mixture, then one factor per layer kind fitted to the kinds' times;
  - term factors: the mixture, then one factor per cost term, ridge, fitted to the kinds' times
    (each kind's time must equal the sum of its terms' prices).
Scored on the stored test networks (every fifth generated network, and the zoo), whose profiles
are never used.

Profiles are cached in --cache (one JSON per platform); delete it to re-profile.
Usage (from the repository root; /usr/bin/python3 for numpy and torch; nothing else running):
  build/bin/acesniper generate --count 120 --seed 20261126 --min-flops 20e6 --max-flops 4e9 --format torchscript --out /tmp/refs/t4
  build/bin/acesniper generate --count 40 --seed 20261126 --min-flops 20e6 --max-flops 4e9 --extended --format torchscript --out /tmp/refs/x
  docs/tools/profiled_reference_study.py --references /tmp/refs/t4 --references /tmp/refs/x --d 10,20,50
"""
import argparse
import json
import os
import sys

import numpy as np

from conv_time_study import conv_layers
from cost_attribution_study import KINDS, predicted_by_kind, profile, term_kind
from feature_ceiling import additive_weights
from transfer_study import FAMILIES, load, mixture_with_family_factors, platform_tests, reference_set_v2, score, split

# The stored LibTorch platforms whose software path this process can reproduce (OpenBLAS is
# PyTorch's own BLAS here; the reference-BLAS and OpenCV platforms are left out).
CONFIGS = {
    "torch-eager-1t-zen4": dict(threads=1, onednn=True, bf16=False, frozen=False),
    "torch-eager-2t-zen4": dict(threads=2, onednn=True, bf16=False, frozen=False),
    "torch-frozen-2t-zen4": dict(threads=2, onednn=True, bf16=False, frozen=True),
    "torch-noonednn-2t-zen4": dict(threads=2, onednn=False, bf16=False, frozen=False),
    "torch-bf16-2t-zen4": dict(threads=2, onednn=True, bf16=True, frozen=False),
}


def profile_platform(torch, name, files, acesniper, runs, cache):
    path = os.path.join(cache, name + ".json")
    done = json.load(open(path)) if os.path.exists(path) else {}
    c = CONFIGS[name]
    torch.set_num_threads(c["threads"])
    torch.backends.mkldnn.enabled = c["onednn"]

    def prepare(m):  # the runner's order: load, cast, freeze
        if c["bf16"]:
            m = m.to(torch.bfloat16)
        if c["frozen"]:
            m = torch.jit.optimize_for_inference(torch.jit.freeze(m))
        return m
    for network, f in files:
        if network in done:
            continue
        shape = conv_layers(acesniper, f)[0]
        # a frozen graph's convolutions (batch norm and activation folded in) are no aten:: event
        done[network] = profile(torch, f, shape, runs, uncovered_as="conv" if c["frozen"] else None, prepare=prepare,
                                dtype=torch.bfloat16 if c["bf16"] else None)[0]
        json.dump(done, open(path + ".tmp", "w"))
        os.replace(path + ".tmp", path)
    return done


def kind_matrix(terms):
    kinds = [k for k in KINDS if k != "fixed"]
    return kinds, np.array([[term_kind(t) == k for t in terms] for k in kinds], dtype=float)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--references", action="append", required=True,
                    help="directory of the reference networks' .pt files (repeatable)")
    ap.add_argument("--platform", type=lambda s: [x for x in s.split(",") if x], default=list(CONFIGS))
    ap.add_argument("--d", type=lambda s: [int(x) for x in s.split(",")], default=[10, 20, 50])
    ap.add_argument("--lam", type=lambda s: [float(x) for x in s.split(",")], default=[0.03, 0.3, 3])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache", default="build/profiled-references")
    ap.add_argument("--acesniper", default="build/bin/acesniper")
    ap.add_argument("--features", default="data/features.csv.gz")
    a = ap.parse_args()
    unknown = [p for p in a.platform if p not in CONFIGS]
    if unknown:
        sys.exit("profiled_reference_study: cannot reproduce %s here (can: %s)" % (", ".join(unknown), ", ".join(CONFIGS)))

    terms, t, _, lat, plats, _ = load(["data", "data/zen4"], a.features)
    pool, train, test = split(lat)
    refs_all = reference_set_v2()[:max(a.d)]
    files = []
    for n in refs_all:
        found = [os.path.join(d, n + ".pt") for d in a.references if os.path.exists(os.path.join(d, n + ".pt"))]
        if not found:
            sys.exit("profiled_reference_study: no %s.pt in %s" % (n, ", ".join(a.references)))
        files.append((n, found[0]))
    os.makedirs(a.cache, exist_ok=True)
    import torch
    profiles = {}
    for h in a.platform:
        profiles[h] = profile_platform(torch, h, files, a.acesniper, a.runs, a.cache)
        print("profiled %d references in the software path of %s" % (len(profiles[h]), h), file=sys.stderr, flush=True)

    weights = {}
    for k in plats:
        nets = [n for n in train if k in lat[n]]
        weights[k] = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][k] for n in nets]))
    groups = [[j for j, n in enumerate(terms) if inside(n)] for inside in FAMILIES.values()]
    kinds, member = kind_matrix(terms)
    out = {}
    for h in a.platform:
        bases = [k for k in plats if k != h]
        w_k, b_k = np.array([weights[k][0] for k in bases]), np.array([weights[k][1] for k in bases])
        tt, yt, table_iv, zoo = platform_tests(h, test, t, lat)
        for d in a.d:
            refs = [n for n in refs_all[:d] if h in lat[n]]
            tr, yr = np.array([t[n] for n in refs]), np.array([lat[n][h] for n in refs])
            preds = {"the product (mixture + family factors)": mixture_with_family_factors(w_k, b_k, tr, yr, tt, groups)}
            mix, mix0 = additive_weights(tr @ w_k.T + b_k, yr, lam=1e-3)
            w, b = mix @ w_k, mix0 + mix @ b_k
            fixed_r = np.array([predicted_by_kind(terms, w, b, x)["fixed"] for x in tr])
            fixed_t = np.array([predicted_by_kind(terms, w, b, x)["fixed"] for x in tt])
            share = np.array([[profiles[h][n][k] for k in kinds] for n in refs])
            share = share / np.maximum(share.sum(1, keepdims=True), 1e-12)
            tau = share * np.maximum(yr - fixed_r, 0)[:, None]          # networks x kinds, ms
            p_kind = (tr * w) @ member.T                                # the mixture's price per kind
            p_kind_t = (tt * w) @ member.T
            for lam in a.lam:
                # one factor per kind: sum over networks of ((f p - tau) / y)^2 + lam (f - 1)^2
                num = ((p_kind * tau) / yr[:, None] ** 2).sum(0) + lam
                den = ((p_kind / yr[:, None]) ** 2).sum(0) + lam
                f = np.maximum(num / den, 0.1)
                preds["kind factors, lambda %g" % lam] = p_kind_t @ f + fixed_t
                # one factor per term: each (network, kind) is an equation in the kind's terms
                rows = (tr * w)[:, None, :] * member[None, :, :] / yr[:, None, None]   # n x kinds x terms
                A = rows.reshape(-1, len(terms))
                r = ((tau - p_kind) / yr[:, None]).reshape(-1)
                e = np.linalg.solve(A.T @ A + lam * np.eye(len(terms)), A.T @ r)
                preds["term factors, lambda %g" % lam] = (tt * w) @ np.maximum(1 + e, 0.1) + fixed_t
            for name, p in preds.items():
                out.setdefault((d, name), []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
                print("%-24s d %3d  %-40s random %5.1f / %5.1f   zoo %5.1f / %5.1f"
                      % ((h, d, name) + out[(d, name)][-1]), flush=True)
    for (d, name), v in sorted(out.items()):
        print("mean  d %3d  %-40s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((d, name) + tuple(np.mean(v, 0))))


if __name__ == "__main__":
    main()
