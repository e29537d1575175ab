#!/usr/bin/env python3
"""Figures of docs/dataset.md on the extended space (Zen 4): per-platform latency range, how many
networks have attention, and ms per GFLOP against Table IV's networks on torch-eager-2t-zen4."""
import collections
import csv
import gzip
import statistics as st


def rows(path):
    return list(csv.DictReader(gzip.open(path, "rt")))


features = {r["network"]: r for r in rows("data/features.csv.gz")}
ok, unsupported = collections.defaultdict(list), collections.Counter()
for r in rows("data/zen4/extended.csv.gz"):
    if r["status"] == "ok":
        ok[r["platform"]].append(float(r["median_ms"]))
    else:
        unsupported[r["platform"]] += 1
for p, v in ok.items():
    print(f"| {p} | {len(v)} | {unsupported[p]} | {min(v):.2f} | {st.median(v):.1f} | {max(v):.0f} |")
genx = [n for n in features if n.startswith("genx-")]
print("networks with attention:", sum(float(features[n]["count_softmax"]) > 0 for n in genx), "of", len(genx))
for store in ("generated", "extended"):
    per_gflop = [float(r["median_ms"]) / (float(features[r["network"]]["flops_total"]) / 1e9)
                 for r in rows(f"data/zen4/{store}.csv.gz")
                 if r["platform"] == "torch-eager-2t-zen4" and r["status"] == "ok"
                 and float(features[r["network"]]["flops_total"]) > 1e8]
    print(f"{store}: median {st.median(per_gflop):.2f} ms per GFLOP on torch-eager-2t-zen4 ({len(per_gflop)} networks above 0.1 GFLOPs)")
# The zoo at batch 1 on both machines: Zen 4 / first machine per model.
first = {(r["network"], r["platform"]): float(r["median_ms"]) for r in rows("data/zoo.csv.gz")
         if r["batch"] == "1" and r["status"] == "ok"}
ratios = collections.defaultdict(list)
for r in rows("data/zen4/zoo.csv.gz"):
    key = (r["network"], r["platform"].removesuffix("-zen4"))
    if r["status"] == "ok" and key in first:
        ratios[key[1]].append(float(r["median_ms"]) / first[key])
for p, v in ratios.items():
    print(f"zoo Zen 4 / first machine, {p}: median {st.median(v):.2f} ({min(v):.2f}-{max(v):.2f}), {len(v)} models")
