#!/usr/bin/python3
"""How a re-measurement compares with the stored one: drift between sessions, per store.

  docs/tools/remeasure_check.py --new data/zen4/session-check/zoo.csv.gz \
      --new data/zen4/session-check/generated.csv.gz \
      --old data/zen4/zoo.csv.gz --old data/zen4/generated.csv.gz --old data/zen4/noise-pass2.csv.gz

For each old store and platform, over the (platform, network hash, batch) keys that both the new
stores and that old store hold as ok: the median of new / old latency, its p10-p90, the share
within 5 % and 10 % of 1, the mean |new / old - 1| (the MAPE of the new run taken as a
prediction of the old one: what no predictor can beat across sessions), and the UTC dates the
old rows were measured. With --by-network, each network's ratio per platform as well. A store
is a measurement store (plain CSV or .csv.gz).
"""
import argparse
import collections
import os

import numpy as np

from dataset_report import platform_order, read


def ok_rows(paths):
    """{(platform, network_hash, batch): row} over ok rows, and the platforms in order of appearance."""
    out, rows_all = {}, []
    for p in paths:
        rows = read(p)
        rows_all += rows
        for r in rows:
            if r["status"] == "ok":
                out[(r["platform"], r["network_hash"], r["batch"])] = r
    return out, platform_order(rows_all)


def ratio_cells(r):
    """median | p10-p90 | within 5 % | within 10 % | MAPE of the ratios r (new / old)."""
    return "%.2f | %.2f-%.2f | %.0f %% | %.0f %% | %.1f %%" % (
        np.median(r), np.percentile(r, 10), np.percentile(r, 90), 100 * np.mean(np.abs(r - 1) <= 0.05),
        100 * np.mean(np.abs(r - 1) <= 0.10), 100 * np.mean(np.abs(r - 1)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--new", action="append", required=True, help="the re-measurement (repeatable)")
    ap.add_argument("--old", action="append", required=True, help="a stored measurement to compare with (repeatable)")
    ap.add_argument("--by-network", action="store_true", help="also each network's ratio per platform")
    a = ap.parse_args()
    new, plats = ok_rows(a.new)
    if not new:
        raise SystemExit("remeasure_check.py: no ok rows in " + ", ".join(a.new))
    for old_path in a.old:
        old, _ = ok_rows([old_path])
        keys = [k for k in new if k in old]
        print("\n### %s: %d pairs\n" % (os.path.basename(old_path), len(keys)))
        if not keys:
            continue
        print("| platform | pairs | new / old median | p10-p90 | within 5 % | within 10 % | MAPE | old measured on |")
        print("|---|---:|---:|---|---:|---:|---:|---|")
        per_net = collections.defaultdict(dict)
        for h in plats:
            ks = [k for k in keys if k[0] == h]
            if not ks:
                continue
            r = np.array([float(new[k]["median_ms"]) / float(old[k]["median_ms"]) for k in ks])
            for k, x in zip(ks, r):
                per_net[new[k]["network"] + ("" if k[2] == "1" else " b" + k[2])][h] = x
            days = sorted({old[k]["measured_at"][:10] for k in ks})
            print("| %s | %d | %s | %s |" % (h, len(ks), ratio_cells(r), ", ".join(days)))
        allr = np.array([float(new[k]["median_ms"]) / float(old[k]["median_ms"]) for k in keys])
        print("| all | %d | %s | |" % (len(keys), ratio_cells(allr)))
        if a.by_network:
            shown = [h for h in plats if any(h in v for v in per_net.values())]
            print("\nnew / old per network: " + ", ".join(shown))
            for n in sorted(per_net):
                print("%-24s %s" % (n, " ".join("%5.2f" % per_net[n][h] if h in per_net[n] else "    -" for h in shown)))


if __name__ == "__main__":
    main()
