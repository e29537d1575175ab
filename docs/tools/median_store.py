#!/usr/bin/env python3
"""Merge measurement stores of the same networks from separate sessions into one store whose
median_ms is the median over the sessions (a steadier truth to score predictions against).

Only (platform, network, batch) triples that are `ok` in every input store are written; every
other column comes from the first store. The inputs must share the platforms' fingerprints.

Usage: docs/tools/median_store.py OUT.csv STORE STORE [STORE...]
"""
import csv
import gzip
import statistics
import sys


def rows(path):
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    out, paths = sys.argv[1], sys.argv[2:]
    stores = [rows(p) for p in paths]
    keyed = [{(r["platform"], r["network"], r["batch"]): r for r in s if r["status"] == "ok"} for s in stores]
    ids = {r["platform"]: r["platform_id"] for r in stores[0]}
    for path, store in zip(paths[1:], stores[1:]):
        for r in store:
            if r["platform"] in ids and ids[r["platform"]] != r["platform_id"]:
                sys.exit("median_store: %s: platform %s has fingerprint %s, the first store %s"
                         % (path, r["platform"], r["platform_id"], ids[r["platform"]]))
    kept = 0
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(stores[0][0].keys()), lineterminator="\n")
        w.writeheader()
        for key, first in keyed[0].items():
            if all(key in k for k in keyed[1:]):
                row = dict(first)
                row["median_ms"] = "%g" % statistics.median(float(k[key]["median_ms"]) for k in keyed)
                w.writerow(row)
                kept += 1
    print("median_store: %d rows ok in all %d stores -> %s" % (kept, len(paths), out))


if __name__ == "__main__":
    main()
