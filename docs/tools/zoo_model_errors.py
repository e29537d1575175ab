#!/usr/bin/env python3
"""Mean absolute percentage error per zoo model over the held-out platforms, from an
`acesniper evaluate` report: zoo_model_errors.py EVALUATION.json [--method M] [--d D]."""
import argparse
import collections
import json

ap = argparse.ArgumentParser()
ap.add_argument("evaluation")
ap.add_argument("--method", default="LayerCost+HRM")
ap.add_argument("--d", type=int, default=50)
ap.add_argument("--set", default="zoo")
a = ap.parse_args()
errors = collections.defaultdict(list)
for r in json.load(open(a.evaluation))["results"]:
    if r["method"] == a.method and r["d"] == a.d and r["network_set"] == a.set:
        for n, m, p in zip(r["networks"], r["measured_ms"], r["predicted_ms"]):
            errors[n].append(abs(p - m) / m * 100)
for n, e in sorted(errors.items()):
    print(f"{n}: {sum(e) / len(e):.0f} % over {len(e)} platforms")
