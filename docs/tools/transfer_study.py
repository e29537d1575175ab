#!/usr/bin/env python3
"""What limits LayerCost+HRM on a held-out platform, and which corrections of its mixture help.

Re-implements the cost prior in numpy (docs/model.md: per training platform a non-negative
additive model over the cost terms (67 in schema v2, 102 in v3, 108 in v4), fitted on relative error by projected gradient; a held-out
platform gets non-negative mixture weights fitted to its d reference latencies), on one machine's
stores, with the split of `acesniper evaluate` (every fifth generated network and the zoo are
tests; the reference pool is the reference set v2, then training networks). Then:

  --ceiling      each platform's own additive model, fitted on its own training networks: the
                 most the additive form can reach; also two richer per-platform fits for contrast
                 (a log-space ridge correction on the analyzer features, a small MLP in log space);
                 with --zoo-models, each zoo model's predicted / measured ratio per platform;
                 with --by-size, that ratio by parameter count, random test networks and the zoo
  --arch-refs    with --architectures (stores of real architectures outside the zoo): m of the d
                 references are architectures, and/or the basis models train on them; then the
                 own-platform ceiling with them among the training networks
  --select-bases leave one platform out (--store-dir data --store-dir data/zen4: both machines'
                 twelve other platforms as bases): all bases, or a subset chosen by 5-fold
                 cross-validation on the d references
  --corrections  leave one platform out: the mixture alone, then corrections fitted to the
                 held-out platform's d references: one factor per layer family (the product's
                 hk), one factor per cost term, the family factors plus a deviation per (family,
                 basis platform) with its own penalty (--lam-basis), a mixture per family, and
                 nearest-reference residuals
  --deviation-prior  leave one platform out: the mixture plus a deviation of every cost term's
                 price, with a Gaussian prior learned from the bases (each basis against the
                 mixture of the others fitted to its own latencies), its posterior mean given
                 the d references (--prior-sigma, --prior-shrink)

Prints mean over platforms: MAPE / within 10 % for random (Table IV) test networks and the zoo.
Usage (from the repository root, /usr/bin/python3 for numpy and torch):
  docs/tools/transfer_study.py --ceiling [--mlp] [--zoo-models] [--by-size] [--store-dir data/zen4]
  docs/tools/transfer_study.py --corrections --d 10,50,160
  docs/tools/transfer_study.py --deviation-prior --store-dir data --store-dir data/zen4 --hold-out <Zen 4 platforms>
"""
import argparse
import bisect
import csv
import gzip
import os
import re

import numpy as np

from feature_ceiling import additive_weights, score as feature_score

EXTRA_TERMS = ["flops_matmul", "struct_layers", "count_fc", "count_batchnorm", "count_layernorm",
               "count_activation", "count_add", "count_mul", "count_concat", "count_pool_avg", "count_pool_max",
               "count_softmax", "count_matmul", "count_other", "count_layout"]
FAMILIES = {  # cost_prior.cc: CostTermFamily
    "conv": lambda t: t.startswith("cost_conv_"),
    "elementwise": lambda t: t.startswith("cost_elements_"),
    "fc_matmul": lambda t: t == "flops_matmul" or t.startswith("cost_fc_"),
    "per_layer": lambda t: t.startswith("count_") or t == "struct_layers",
}


def load(store_dirs, features, add_terms=(), extra_stores=()):
    rows = [r for path in ([features] if isinstance(features, str) else features)
            for r in csv.DictReader(gzip.open(path, "rt") if path.endswith(".gz") else open(path))]
    header = list(rows[0].keys())
    missing = [c for c in add_terms if c not in header]
    if missing:
        raise SystemExit("transfer_study: no column %s in %s" % (", ".join(missing), features))
    terms = [c for c in header if c.startswith("cost_")] + EXTRA_TERMS + [c for c in add_terms if c not in EXTRA_TERMS]
    t = {r["network"]: np.maximum(0, np.array([float(r[c]) for c in terms])) for r in rows}
    names = [c for c in header if c not in ("network", "network_hash")]
    f = {r["network"]: np.log1p(np.maximum(0, np.array([float(r[c]) for c in names]))) for r in rows}
    params = {r["network"]: float(r["params_total"]) for r in rows}
    lat, plats = {}, []
    store_dirs = [store_dirs] if isinstance(store_dirs, str) else store_dirs
    paths = ["%s/%s.csv.gz" % (d, s) for d in store_dirs for s in ["reference", "generated", "extended", "zoo"]]
    for path in [p for p in paths if os.path.exists(p)] + list(extra_stores):  # no extended store on the first machine
        for r in csv.DictReader(gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
            if r["batch"] != "1" or r["status"] != "ok" or r["network"] not in t:
                continue
            if r["platform"] not in plats:
                plats.append(r["platform"])
            lat.setdefault(r["network"], {})[r["platform"]] = float(r["median_ms"])
    return terms, t, f, lat, plats, params


def reference_set_v2():  # reference_set.cc: three Table IV networks, then one extended
    out, table_iv, ext = [], 0, 0
    while table_iv < 120 or ext < 40:
        for _ in range(3):
            if table_iv < 120:
                out.append("gen-20261126-%d" % table_iv)
                table_iv += 1
        if ext < 40:
            out.append("genx-20261126-%d" % ext)
            ext += 1
    return out


def split(lat, architectures=()):
    pool = [n for n in reference_set_v2() if n in lat]
    train, test = list(pool), []
    for n in lat:
        m = re.match(r"genx?-(\d+)-(\d+)$", n)
        if n in architectures:
            continue
        if not m:
            test.append(n)
        elif m.group(1) == "20261126":
            continue
        elif int(m.group(2)) % 5 != 4:
            train.append(n)
            pool.append(n)
        else:
            test.append(n)
    return pool, train, test


def score(p, y):
    return feature_score(p, y)[:2]  # MAPE, within 10 %


def sets(names):
    zoo = np.array([not n.startswith("gen") for n in names])
    table_iv = np.array([n.startswith("gen-") for n in names])
    return table_iv, zoo


SIZE_BUCKETS = [0.5e6, 2e6, 8e6, 32e6]  # parameters; 8 M fp32 parameters are 32 MB, this VM's L3


def size_bucket(n_params):
    return bisect.bisect_right(SIZE_BUCKETS, n_params)


def bucket_name(i):
    lo = "%g M" % (SIZE_BUCKETS[i - 1] / 1e6) if i > 0 else "0"
    return "%s-%s" % (lo, "%g M" % (SIZE_BUCKETS[i] / 1e6) if i < len(SIZE_BUCKETS) else "")


def ceiling(a, terms, t, f, lat, plats, train, test, params):
    rows, zoo_ratio, size_ratio = {}, {}, {}
    for h in plats:
        ns = [n for n in train if h in lat[n]]
        x, y = np.array([t[n] for n in ns]), np.array([lat[n][h] for n in ns])
        w, b = additive_weights(x, y)
        tests = [n for n in test if h in lat[n]]
        yt = np.array([lat[n][h] for n in tests])
        table_iv, zoo = sets(tests)
        additive = np.array([t[n] for n in tests]) @ w + b
        fits = {"additive (the cost prior's form)": additive}
        for n, p_, y_ in zip(tests, additive, yt):
            if not n.startswith("gen"):
                zoo_ratio.setdefault(n, {})[h] = p_ / y_
            else:
                size_ratio.setdefault(size_bucket(params[n]), []).append(p_ / y_)
        fx = np.array([f[n] for n in ns])
        mu, sd = fx.mean(0), fx.std(0)
        sd[sd == 0] = 1
        ft = (np.array([f[n] for n in tests]) - mu) / sd
        # ridge on the log residual of the additive fit, all analyzer features
        z = np.hstack([(fx - mu) / sd, np.ones((len(y), 1))])
        r = np.log(y / np.maximum(x @ w + b, 1e-3))
        coef = np.linalg.solve(z.T @ z + 100 * np.diag([1] * fx.shape[1] + [0]), z.T @ r)
        fits["additive x exp(ridge on features)"] = additive * np.exp(np.hstack([ft, np.ones((len(tests), 1))]) @ coef)
        if a.mlp:
            fits["MLP on features, log latency"] = mlp(((fx - mu) / sd), np.log(y), ft)
        for name, p in fits.items():
            rows.setdefault(name, []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
            print("%-26s %-36s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((h, name) + rows[name][-1]), flush=True)
    for name, v in rows.items():
        print("mean %-36s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((name,) + tuple(np.mean(v, 0))))
    if a.by_size:
        def line(label, r):
            r = np.array(r)
            return "%-12s pairs %5d   median %.2f   p10-p90 %.2f-%.2f   under 1: %2.0f %%" % (
                label, len(r), np.median(r), np.percentile(r, 10), np.percentile(r, 90), 100 * np.mean(r < 1))
        print("\nrandom test networks (Table IV and extended) by parameters: predicted / measured, all platforms")
        for i in sorted(size_ratio):
            print(line(bucket_name(i), size_ratio[i]))
        zoo_by_size = {}
        for n, by_platform in zoo_ratio.items():
            zoo_by_size.setdefault(size_bucket(params[n]), []).extend(by_platform.values())
        for i in sorted(zoo_by_size):
            print(line("zoo " + bucket_name(i), zoo_by_size[i]))
        print(line("zoo, all", [x for v in zoo_ratio.values() for x in v.values()]))
    if a.zoo_models:
        print("\nzoo model: predicted / measured of each platform's own additive fit, " + ", ".join(plats))
        for n in sorted(zoo_ratio, key=lambda n: -np.mean(np.abs(np.log(list(zoo_ratio[n].values()))))):
            r = zoo_ratio[n]
            print("%-22s %s" % (n, " ".join("%5.2f" % r[h] if h in r else "    -" for h in plats)))


def mlp(x, y, xt, epochs=400):
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xs, ys = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 128), torch.nn.GELU(), torch.nn.Linear(128, 64),
                              torch.nn.GELU(), torch.nn.Linear(64, 1))
    opt = torch.optim.AdamW(net.parameters(), 3e-3, weight_decay=1e-3)
    for _ in range(epochs):
        perm = torch.randperm(len(ys))
        for i in range(0, len(ys), 128):
            b = perm[i:i + 128]
            loss = ((net(xs[b]).squeeze(1) - ys[b]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return np.exp(net(torch.tensor(xt, dtype=torch.float32)).squeeze(1).numpy())


def platform_tests(h, test, t, lat):
    """A held-out platform's test networks: cost terms, latencies, and the random / zoo masks."""
    tests = [n for n in test if h in lat[n]]
    tt, yt = np.array([t[n] for n in tests]), np.array([lat[n][h] for n in tests])
    return (tt, yt) + sets(tests)


def mixture_with_family_factors(w_k, b_k, tr, yr, tt, groups):
    """The product's prediction: the bases' non-negative mixture fitted to the references, then one
    factor per layer family (ridge, penalty 3)."""
    mix, mix0 = additive_weights(tr @ w_k.T + b_k, yr, lam=1e-3)
    w, b = mix @ w_k, mix0 + mix @ b_k
    mr, mt = tr @ w + b, tt @ w + b
    share = np.stack([(tr * w)[:, g].sum(1) for g in groups], 1) / yr[:, None]
    e = np.linalg.solve(share.T @ share + 3 * np.eye(len(groups)), share.T @ ((yr - mr) / yr))
    return np.maximum(mt + np.stack([(tt * w)[:, g].sum(1) for g in groups], 1) @ np.maximum(e, -0.9), 1e-3)


def corrections(a, terms, t, f, lat, plats, pool, train, test):
    groups = [[j for j, n in enumerate(terms) if inside(n)] for inside in FAMILIES.values()]
    fa = np.array(list(f.values()))
    mu, sd = fa.mean(0), fa.std(0)
    sd[sd == 0] = 1
    out = {}
    for h in plats:
        w_k, b_k = zip(*[additive_weights(np.array([t[n] for n in train if k in lat[n]]),
                                              np.array([lat[n][k] for n in train if k in lat[n]]))
                         for k in plats if k != h])
        w_k, b_k = np.array(w_k), np.array(b_k)
        tests = [n for n in test if h in lat[n]]
        tt, yt = np.array([t[n] for n in tests]), np.array([lat[n][h] for n in tests])
        table_iv, zoo = sets(tests)
        for d in a.d:
            refs = [n for n in pool[:d] if h in lat[n]]
            tr, yr = np.array([t[n] for n in refs]), np.array([lat[n][h] for n in refs])
            mix, mix0 = additive_weights(tr @ w_k.T + b_k, yr, lam=1e-3)
            w, b = mix @ w_k, mix0 + mix @ b_k
            mr, mt = tr @ w + b, tt @ w + b
            preds = {"mixture (no correction)": mt}
            r = (yr - mr) / yr
            for label, cols in [("factor per family", [(tr * w)[:, g].sum(1) for g in groups]),
                                ("factor per cost term", list((tr * w).T))]:
                share = np.stack(cols, 1) / yr[:, None]
                tcols = np.stack([(tt * w)[:, g].sum(1) for g in groups], 1) if label == "factor per family" else tt * w
                for lam in a.lam:
                    e = np.linalg.solve(share.T @ share + lam * np.eye(share.shape[1]), share.T @ r)
                    preds["%s, lambda %g" % (label, lam)] = np.maximum(mt + tcols @ np.maximum(e, -0.9), 1e-3)

            # Hierarchical: a factor per family (penalty 3, the product's hk) plus a deviation per
            # (family, basis platform) with its own penalty: a mixture per family, shrunk toward
            # the one mixture, so that d = 10 keeps the mixture and d = 160 may depart from it.
            def mixed_parts(x):  # networks x families x bases: each basis's weighted share of each family
                return np.stack([np.stack([mix[k] * (x[:, g] @ w_k[k, g]) for k in range(len(w_k))], 1)
                                 for g in groups], 1)
            parts, parts_t = mixed_parts(tr), mixed_parts(tt)
            fam = parts.sum(2)
            share = np.hstack([fam, parts.reshape(len(yr), -1)]) / yr[:, None]
            for lam_e in a.lam_basis:
                pen = np.diag([3.0] * fam.shape[1] + [lam_e] * (share.shape[1] - fam.shape[1]))
                e = np.linalg.solve(share.T @ share + pen, share.T @ r)
                g_n = fam.shape[1]
                total = e[:g_n, None] + e[g_n:].reshape(g_n, -1)  # families x bases
                factor = np.maximum(1 + total, 0.1) - 1
                preds["family + family x basis, lambda %g" % lam_e] = np.maximum(
                    mt + (parts_t * factor[None]).sum((1, 2)), 1e-3)

            def by_family(x):
                return np.hstack([np.stack([x[:, g] @ w_k[k, g] + (b_k[k] if i == 0 else 0) for k in range(len(w_k))], 1)
                                  for i, g in enumerate(groups)])
            m, m0 = additive_weights(by_family(tr), yr, lam=1e-2)
            preds["a mixture per family"] = by_family(tt) @ m + m0
            fr, ft = (np.array([f[n] for n in refs]) - mu) / sd, (np.array([f[n] for n in tests]) - mu) / sd
            nearest = np.argsort(((ft[:, None, :] - fr[None, :, :]) ** 2).sum(2), 1)[:, :5]
            preds["5 nearest references' residual"] = mt * np.exp(np.log(yr / mr)[nearest].sum(1) / (5 + 5))
            for name, p in preds.items():
                out.setdefault((d, name), []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
    for (d, name), v in sorted(out.items(), key=lambda kv: kv[0][0]):
        print("d %3d  %-36s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((d, name) + tuple(np.mean(v, 0))))


def architecture_references(a, terms, t, lat, plats, pool, train, test, archs):
    """Real architectures (torchvision models outside the zoo) as reference networks of the
    held-out platform (m of the d), and/or as training networks of the basis models."""
    groups = [[j for j, n in enumerate(terms) if inside(n)] for inside in FAMILIES.values()]
    out = {}
    for h in plats:
        tt, yt, table_iv, zoo = platform_tests(h, test, t, lat)
        for basis_train in ("random", "random + architectures", "random + architectures x20"):
            # x20: each architecture counts 20 times, so that 20 of them weigh against ~4,000 random networks
            nets = train + list(archs) * {"random": 0, "random + architectures": 1}.get(basis_train, 20)
            w_k, b_k = zip(*[additive_weights(np.array([t[n] for n in nets if k in lat[n]]),
                                                  np.array([lat[n][k] for n in nets if k in lat[n]]))
                             for k in plats if k != h])
            w_k, b_k = np.array(w_k), np.array(b_k)
            for d in a.d:
                for m in a.arch_refs:
                    refs = [n for n in pool[:d - m] if h in lat[n]] + [n for n in archs[:m] if h in lat[n]]
                    tr, yr = np.array([t[n] for n in refs]), np.array([lat[n][h] for n in refs])
                    p = mixture_with_family_factors(w_k, b_k, tr, yr, tt, groups)
                    key = (d, m, basis_train)
                    out.setdefault(key, []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
                    print("%-24s d %3d  architecture refs %2d  bases on %-26s random %5.1f / %5.1f   zoo %5.1f / %5.1f"
                          % ((h, d, m, basis_train) + out[key][-1]), flush=True)
    for (d, m, basis_train), v in sorted(out.items()):
        print("mean  d %3d  architecture refs %2d  bases on %-26s random %5.1f / %5.1f   zoo %5.1f / %5.1f"
              % ((d, m, basis_train) + tuple(np.mean(v, 0))))
    # The own-platform ceiling with the architectures among each platform's training networks.
    for times in (0, 1, 20, 100):
        rows = []
        for h in plats:
            nets = [n for n in train + list(archs) * times if h in lat[n]]
            w, b = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][h] for n in nets]))
            tt, y, table_iv, zoo = platform_tests(h, test, t, lat)
            p = tt @ w + b
            rows.append(score(p[table_iv], y[table_iv]) + score(p[zoo], y[zoo]))
        print("ceiling (own platform), architectures x%-3d in training           random %5.1f / %5.1f   zoo %5.1f / %5.1f"
              % ((times,) + tuple(np.mean(rows, 0))))


def select_bases(a, terms, t, lat, plats, pool, train, test):
    """Which basis models a held-out platform's mixture may use, chosen on its own references:
    all of them (the product), or a subset picked by 5-fold cross-validation on the d references
    (forward: add the basis that lowers the error most; backward: drop while the error falls)."""
    groups = [[j for j, n in enumerate(terms) if inside(n)] for inside in FAMILIES.values()]
    weights = {}
    for k in plats:
        nets = [n for n in train if k in lat[n]]
        weights[k] = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][k] for n in nets]))

    def fit_predict(bases, tr, yr, tt):
        return mixture_with_family_factors(np.array([weights[k][0] for k in bases]),
                                           np.array([weights[k][1] for k in bases]), tr, yr, tt, groups)

    def cv_error(bases, tr, yr, folds=5):
        fold = np.arange(len(yr)) % folds
        return np.mean(np.concatenate([np.abs(np.log(fit_predict(bases, tr[fold != k], yr[fold != k], tr[fold == k])
                                                     / yr[fold == k])) for k in range(folds)]))

    out = {}
    for h in [p for p in plats if not a.hold_out or p in a.hold_out]:
        candidates = [k for k in plats if k != h]
        tt, yt, table_iv, zoo = platform_tests(h, test, t, lat)
        for d in a.d:
            refs = [n for n in pool[:d] if h in lat[n]]
            tr, yr = np.array([t[n] for n in refs]), np.array([lat[n][h] for n in refs])
            forward, best = [], np.inf
            while len(forward) < len(candidates):
                e, k = min((cv_error(forward + [k], tr, yr), k) for k in candidates if k not in forward)
                if e >= best - 1e-4:
                    break
                forward.append(k)
                best = e
            backward, best = list(candidates), cv_error(candidates, tr, yr)
            while len(backward) > 1:
                e, k = min((cv_error([x for x in backward if x != k], tr, yr), k) for k in backward)
                if e >= best - 1e-4:
                    break
                backward.remove(k)
                best = e
            for name, bases in [("all bases (the product)", candidates), ("forward selection", forward),
                                ("backward elimination", backward)]:
                p = fit_predict(bases, tr, yr, tt)
                out.setdefault((d, name), []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
                print("%-24s d %3d  %-24s %2d bases  random %5.1f / %5.1f   zoo %5.1f / %5.1f"
                      % ((h, d, name, len(bases)) + out[(d, name)][-1]), flush=True)
    for (d, name), v in sorted(out.items()):
        print("mean  d %3d  %-24s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((d, name) + tuple(np.mean(v, 0))))


def deviation_prior(a, terms, t, lat, plats, pool, train, test):
    """A held-out platform's per-term prices as the mixture's plus a deviation with a Gaussian
    prior learned from the bases themselves: each basis's own prices against the mixture of the
    other bases fitted to its latencies give one example of how a platform departs from a
    mixture; their covariance is the prior. The deviation is the posterior mean given the d
    references' relative residuals (Gaussian-process regression with kernel S Sigma S^T)."""
    groups = [[j for j, n in enumerate(terms) if inside(n)] for inside in FAMILIES.values()]
    weights = {}
    for k in plats:
        nets = [n for n in train if k in lat[n]]
        weights[k] = additive_weights(np.array([t[n] for n in nets]), np.array([lat[n][k] for n in nets]))
    out = {}
    for h in [p for p in plats if not a.hold_out or p in a.hold_out]:
        bases = [k for k in plats if k != h]
        w_k, b_k = np.array([weights[k][0] for k in bases]), np.array([weights[k][1] for k in bases])
        raw = []  # each basis's prices minus the mixture of the others fitted to its own training latencies
        for i, k in enumerate(bases):
            nets = [n for n in train if k in lat[n]][:1500]
            x, y = np.array([t[n] for n in nets]), np.array([lat[n][k] for n in nets])
            o = [j for j in range(len(bases)) if j != i]
            mix, _ = additive_weights(x @ w_k[o].T + b_k[o], y, lam=1e-3)
            raw.append(w_k[i] - mix @ w_k[o])
        raw = np.array(raw)
        tt, yt, table_iv, zoo = platform_tests(h, test, t, lat)
        for d in a.d:
            refs = [n for n in pool[:d] if h in lat[n] and all(k in lat[n] for k in bases)]
            tr, yr = np.array([t[n] for n in refs]), np.array([lat[n][h] for n in refs])
            scale = np.array([np.median([lat[n][k] for n in refs]) for k in bases])
            u = (w_k / scale[:, None]).mean(0) + 1e-30
            dev = raw / scale[:, None] / u[None, :]  # dimensionless: a term's price deviation in units of its typical price
            preds = {"the product (mixture + family factors)": mixture_with_family_factors(w_k, b_k, tr, yr, tt, groups)}
            mix, mix0 = additive_weights(tr @ w_k.T + b_k, yr, lam=1e-3)
            w, b = mix @ w_k, mix0 + mix @ b_k
            mr, mt = tr @ w + b, tt @ w + b
            s_h = np.median(yr)
            S, St = tr * (s_h * u)[None, :] / yr[:, None], tt * (s_h * u)[None, :]
            r = (yr - mr) / yr
            for shrink in a.prior_shrink:
                cov = (1 - shrink) * dev.T @ dev / len(dev) + shrink * np.diag((dev ** 2).mean(0))
                K = S @ cov @ S.T
                for sigma in a.prior_sigma:
                    alpha = np.linalg.solve(K + sigma ** 2 * np.eye(len(yr)), r)
                    delta = cov @ (S.T @ alpha)
                    preds["deviation prior, diag share %g, sigma %g" % (shrink, sigma)] = np.maximum(mt + St @ delta, 0.1 * mt)
            for name, p in preds.items():
                out.setdefault((d, name), []).append(score(p[table_iv], yt[table_iv]) + score(p[zoo], yt[zoo]))
                print("%-24s d %3d  %-46s random %5.1f / %5.1f   zoo %5.1f / %5.1f"
                      % ((h, d, name) + out[(d, name)][-1]), flush=True)
    for (d, name), v in sorted(out.items()):
        print("mean  d %3d  %-46s random %5.1f / %5.1f   zoo %5.1f / %5.1f" % ((d, name) + tuple(np.mean(v, 0))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store-dir", action="append",
                    help="directory of one machine's stores (repeatable; default data/zen4); platforms of "
                         "every directory are bases")
    ap.add_argument("--hold-out", type=lambda s: [x for x in s.split(",") if x], default=[],
                    help="with --select-bases: only these platforms are held out (default: each in turn)")
    ap.add_argument("--select-bases", action="store_true",
                    help="leave one platform out: all bases, or a subset chosen by cross-validation on the references")
    ap.add_argument("--features", action="append",
                    help="feature table (repeatable; default data/features.csv.gz)")
    ap.add_argument("--architectures", action="append", default=[],
                    help="store of real architectures outside the zoo (repeatable); with --arch-refs")
    ap.add_argument("--arch-refs", type=lambda s: [int(x) for x in s.split(",")], default=None,
                    help="with --architectures: how many of the d references are architectures (e.g. 0,5,10)")
    ap.add_argument("--ceiling", action="store_true")
    ap.add_argument("--mlp", action="store_true", help="with --ceiling: also the MLP (2 min)")
    ap.add_argument("--zoo-models", action="store_true", help="with --ceiling: each zoo model's ratio per platform")
    ap.add_argument("--by-size", action="store_true",
                    help="with --ceiling: predicted / measured by parameter count, random networks and the zoo")
    ap.add_argument("--corrections", action="store_true")
    ap.add_argument("--add-terms", type=lambda s: [x for x in s.split(",") if x], default=[],
                    help="feature-table columns to add to the cost terms, to test a candidate term")
    ap.add_argument("--d", type=lambda s: [int(x) for x in s.split(",")], default=[10, 50, 160])
    ap.add_argument("--lam", type=lambda s: [float(x) for x in s.split(",")], default=[0.3, 3])
    ap.add_argument("--lam-basis", type=lambda s: [float(x) for x in s.split(",")], default=[0.1, 0.3, 1],
                    help="penalties of the family x basis deviations")
    ap.add_argument("--deviation-prior", action="store_true",
                    help="leave one platform out: the mixture plus a per-term deviation with a prior learned from the bases")
    ap.add_argument("--prior-sigma", type=lambda s: [float(x) for x in s.split(",")], default=[0.05, 0.1, 0.2],
                    help="with --deviation-prior: the references' relative noise")
    ap.add_argument("--prior-shrink", type=lambda s: [float(x) for x in s.split(",")], default=[0.1, 0.5],
                    help="with --deviation-prior: share of the diagonal in the prior covariance")
    a = ap.parse_args()
    terms, t, f, lat, plats, params = load(a.store_dir or ["data/zen4"], a.features or ["data/features.csv.gz"], a.add_terms,
                                           a.architectures)
    archs = sorted({r["network"] for path in a.architectures for r in csv.DictReader(
        gzip.open(path, "rt") if path.endswith(".gz") else open(path)) if r["network"] in lat})
    # a fixed order that spreads the sizes: by parameters, alternately from the small and the large end
    by_size = sorted(archs, key=lambda n: params[n])
    archs = [by_size[i // 2] if i % 2 == 0 else by_size[-(i // 2) - 1] for i in range(len(by_size))]
    pool, train, test = split(lat, set(archs))
    if a.ceiling:
        ceiling(a, terms, t, f, lat, plats, train, test, params)
    if a.corrections:
        corrections(a, terms, t, f, lat, plats, pool, train, test)
    if a.arch_refs is not None:
        architecture_references(a, terms, t, lat, plats, pool, train, test, archs)
    if a.select_bases:
        select_bases(a, terms, t, lat, plats, pool, train, test)
    if a.deviation_prior:
        deviation_prior(a, terms, t, lat, plats, pool, train, test)
    if not (a.ceiling or a.corrections or a.arch_refs is not None or a.select_bases or a.deviation_prior):
        ap.error("give --ceiling, --corrections, --arch-refs and/or --select-bases")


if __name__ == "__main__":
    main()
