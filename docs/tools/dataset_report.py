#!/usr/bin/python3
"""Figures for docs/dataset.md from measurement stores (plain CSV; .csv.gz read as well).

  docs/tools/dataset_report.py data/generated.csv.gz --noise data/noise-pass2.csv.gz \
      --reference data/reference.csv.gz --zoo data/zoo.csv.gz
  docs/tools/dataset_report.py data/zen4/generated.csv.gz --other-machine data/generated.csv.gz

Prints Markdown tables: per platform, rows by status and the latency range; the noise floor (share
of networks whose two passes agree within 5 % and 10 %); Spearman rank correlation between
platforms over the networks all of them measured; zoo latencies; reference-set time per platform.
With --other-machine, the same networks on another machine: each platform NAME-TAG here is paired
with NAME there (collect-dataset.sh --host TAG names a machine's platforms so).
"""
import argparse
import collections
import csv
import gzip
import json
import statistics

import numpy as np


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        return list(csv.DictReader(f))


def ok_latency(rows, batch="1"):
    """{platform: {network_hash: median_ms}} over ok rows of one batch size."""
    out = collections.defaultdict(dict)
    for r in rows:
        if r["status"] == "ok" and r["batch"] == batch:
            out[r["platform"]][r["network_hash"]] = float(r["median_ms"])
    return out


def platform_order(rows):
    seen = []
    for r in rows:
        if r["platform"] not in seen:
            seen.append(r["platform"])
    return seen


def ranks(v):
    """Ranks from 0, ties given their average rank."""
    v = np.asarray(v)
    order = np.argsort(v, kind="mergesort")
    sv = v[order]
    r = np.empty(len(v))
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and sv[j + 1] == sv[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def summary_table(rows):
    plats = platform_order(rows)
    print("| platform | rows | ok | unsupported | failed | timeout | crashed | min ms | median ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p in plats:
        mine = [r for r in rows if r["platform"] == p]
        c = collections.Counter(r["status"] for r in mine)
        lat = [float(r["median_ms"]) for r in mine if r["status"] == "ok"]
        rng = f"{min(lat):.2f} | {statistics.median(lat):.1f} | {max(lat):.0f}" if lat else "- | - | -"
        print(f"| {p} | {len(mine)} | {c['ok']} | {c['unsupported']} | {c['failed']} | {c['timeout']} | {c['crashed']} | {rng} |")


def noise_table(first, second):
    a, b = ok_latency(first), ok_latency(second)
    print("| platform | networks in both passes | within 5 % | within 10 % | median abs. difference |")
    print("|---|---:|---:|---:|---:|")
    for p in platform_order(second):
        common = sorted(set(a.get(p, {})) & set(b.get(p, {})))
        if not common:
            continue
        rel = [abs(b[p][h] - a[p][h]) / a[p][h] for h in common]
        w5 = sum(x <= 0.05 for x in rel) / len(rel)
        w10 = sum(x <= 0.10 for x in rel) / len(rel)
        print(f"| {p} | {len(common)} | {100 * w5:.1f} % | {100 * w10:.1f} % | {100 * statistics.median(rel):.1f} % |")


def correlation_table(rows):
    lat = ok_latency(rows)
    plats = platform_order(rows)
    common = set.intersection(*(set(lat[p]) for p in plats)) if plats else set()
    common = sorted(common)
    print(f"Spearman rank correlation over the {len(common)} networks every platform measured:\n")
    print("| | " + " | ".join(plats) + " |")
    print("|---|" + "---:|" * len(plats))
    for p in plats:
        cells = [f"{spearman([lat[p][h] for h in common], [lat[q][h] for h in common]):.3f}" for q in plats]
        print(f"| {p} | " + " | ".join(cells) + " |")
    print()
    base = plats[0]
    print(f"Latency ratio to {base} (median over the same networks, and the 10th-90th percentile):\n")
    print("| platform | median ratio | p10 | p90 |")
    print("|---|---:|---:|---:|")
    for p in plats:
        r = np.array([lat[p][h] / lat[base][h] for h in common])
        print(f"| {p} | {np.median(r):.2f} | {np.percentile(r, 10):.2f} | {np.percentile(r, 90):.2f} |")


def machine_table(here_rows, other_rows):
    here, other = ok_latency(here_rows), ok_latency(other_rows)
    others = platform_order(other_rows)
    print("| platform here | there | networks | latency ratio here / there: median | p10 | p90 | Spearman here vs there |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for p in platform_order(here_rows):
        match = [q for q in others if p.startswith(q + "-")]
        if not match:
            print(f"| {p} | (none) | | | | | |")
            continue
        q = max(match, key=len)
        common = sorted(set(here[p]) & set(other[q]))
        if len(common) < 3:
            print(f"| {p} | {q} | {len(common)} | | | | |")
            continue
        r = np.array([here[p][h] / other[q][h] for h in common])
        rho = spearman([here[p][h] for h in common], [other[q][h] for h in common])
        print(f"| {p} | {q} | {len(common)} | {np.median(r):.2f} | {np.percentile(r, 10):.2f} | {np.percentile(r, 90):.2f} | {rho:.3f} |")


def zoo_table(rows):
    plats = platform_order(rows)
    nets = []
    for r in rows:
        if r["network"] not in nets:
            nets.append(r["network"])
    for batch in ("1", "16"):
        print(f"\nZoo, batch {batch}, median ms (status where not ok):\n")
        print("| model | " + " | ".join(plats) + " |")
        print("|---|" + "---:|" * len(plats))
        by = {(r["platform"], r["network"]): r for r in rows if r["batch"] == batch}
        for n in nets:
            cells = []
            for p in plats:
                r = by.get((p, n))
                cells.append("not measured" if r is None else (f"{float(r['median_ms']):.1f}" if r["status"] == "ok" else r["status"]))
            print(f"| {n} | " + " | ".join(cells) + " |")


def reference_table(rows):
    print("| platform | networks | ok | wall time of the pass |")
    print("|---|---:|---:|---:|")
    for p in platform_order(rows):
        mine = [r for r in rows if r["platform"] == p]
        # measured_at has 1 s resolution: the pass's span plus one network's time
        ts = sorted(r["measured_at"] for r in mine)
        from datetime import datetime
        t0, t1 = (datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ") for t in (ts[0], ts[-1]))
        ok = sum(r["status"] == "ok" for r in mine)
        print(f"| {p} | {len(mine)} | {ok} | {(t1 - t0).total_seconds() / 60:.1f} min |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("generated")
    ap.add_argument("--noise")
    ap.add_argument("--reference")
    ap.add_argument("--zoo")
    ap.add_argument("--other-machine", help="the same networks measured on another machine")
    a = ap.parse_args()
    gen = read(a.generated)
    print("### Generated networks, batch 1\n")
    summary_table(gen)
    print()
    correlation_table(gen)
    if a.other_machine:
        print("\n### The same networks on another machine\n")
        machine_table(gen, read(a.other_machine))
    if a.noise:
        print("\n### Noise floor: a second pass\n")
        noise_table(gen, read(a.noise))
    if a.reference:
        print("\n### Reference set\n")
        reference_table(read(a.reference))
    if a.zoo:
        zoo = read(a.zoo)
        print("\n### Zoo\n")
        summary_table(zoo)
        zoo_table(zoo)


if __name__ == "__main__":
    main()
