#!/usr/bin/env python3
"""How close to one measurement could a perfect predictor come?

The noise floor in the reports scores a second measuring pass as a prediction of the first: a
predictor as good as a re-measurement. A noise-free predictor (the expected latency) does better,
because only the first pass's noise is left. If the two passes' noise is independent and of the
same size, the log error of the expected latency against pass 1 is distributed as the log
difference of the two passes divided by sqrt(2). This prints, per platform, the MAPE and share within
+-10 % (--within) of the pass-to-pass agreement and of that estimated noise-free predictor.

Usage (from the repository root; /usr/bin/python3 for numpy):
  docs/tools/oracle_floor.py --pass2 data/zen4/noise-pass2.csv.gz data/zen4/reference.csv.gz \
    data/zen4/generated.csv.gz data/zen4/extended.csv.gz
"""
import argparse
import csv
import gzip
import math

import numpy as np


def read(path):
    out = {}
    for r in csv.DictReader(gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
        if r["batch"] == "1" and r["status"] == "ok":
            out[(r["platform"], r["network"])] = float(r["median_ms"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pass2", required=True, help="store of the second pass")
    ap.add_argument("pass1", nargs="+", help="stores of the first pass")
    ap.add_argument("--within", type=float, default=0.10)
    a = ap.parse_args()
    first, second = {}, read(a.pass2)
    for path in a.pass1:
        first.update(read(path))
    rows = []
    for h in sorted({p for p, _ in second}):
        keys = [k for k in second if k[0] == h and k in first]
        if not keys:
            continue
        lr = np.array([math.log(second[k] / first[k]) for k in keys])
        err, err_oracle = np.abs(np.exp(lr) - 1), np.abs(np.exp(lr / math.sqrt(2)) - 1)
        rows.append((err.mean(), np.mean(err <= a.within), err_oracle.mean(), np.mean(err_oracle <= a.within)))
        print("%-24s %4d networks   MAPE / within %g %%: pass 2 vs pass 1 %5.1f / %5.1f %%   noise-free predictor %5.1f / %5.1f %%"
              % ((h, len(keys), 100 * a.within) + tuple(100 * np.array(rows[-1]))))
    if not rows:
        raise SystemExit("oracle_floor: no network is in both passes")
    m = np.mean(rows, 0)
    print("mean %-33s pass 2 vs pass 1 %5.1f / %5.1f %%   noise-free predictor %5.1f / %5.1f %%" % (("",) + tuple(100 * m)))


if __name__ == "__main__":
    main()
