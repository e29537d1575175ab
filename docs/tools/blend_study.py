#!/usr/bin/env python3
"""Blend two methods of an `acesniper evaluate` report in log space and score the blend.

prediction = exp((1 - w) ln a + w ln b), per network and held-out platform, for each w given.
With a = LayerCost+HRM and b = LayerCost+NNS+HRM (the PCN trained on the cost prior's residual)
this is the cost prior times the PCN's correction raised to w: w shrinks the correction.
Prints the mean over held-out platforms of MAPE and the share within 10 %, per network set.

  docs/tools/blend_study.py docs/evaluation/both-machines/zen4-held-out-pcn/evaluation.json \
      [--a LayerCost+HRM] [--b LayerCost+NNS+HRM] [--w 0,0.25,0.5,1]
"""
import argparse
import json
import math
import statistics
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", help="evaluation.json written by acesniper evaluate")
    ap.add_argument("--a", default="LayerCost+HRM")
    ap.add_argument("--b", default="LayerCost+NNS+HRM")
    ap.add_argument("--w", default="0,0.25,0.5,1", help="comma-separated weights of b")
    args = ap.parse_args()
    try:
        with open(args.report) as f:
            cells = json.load(f)["results"]
        weights = [float(x) for x in args.w.split(",")]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"blend_study: cannot read {args.report} or --w: {e}")
    by = {(c["method"], c["platform"], c["network_set"], c["d"]): c for c in cells}
    keys = sorted({(p, s, d) for (m, p, s, d) in by if m == args.a and (args.b, p, s, d) in by})
    if not keys:
        sys.exit(f"blend_study: the report has no cells with both {args.a} and {args.b}")
    for s in sorted({k[1] for k in keys}):
        for d in sorted({k[2] for k in keys if k[1] == s}):
            for w in weights:
                mape, within = [], []
                for p, _, _ in [k for k in keys if k[1] == s and k[2] == d]:
                    a, b = by[(args.a, p, s, d)], by[(args.b, p, s, d)]
                    if a["networks"] != b["networks"]:
                        sys.exit(f"blend_study: {p} {s}: the two methods scored other networks")
                    pred = [math.exp((1 - w) * math.log(x) + w * math.log(y))
                            for x, y in zip(a["predicted_ms"], b["predicted_ms"])]
                    err = [abs(x / m - 1) for x, m in zip(pred, a["measured_ms"])]
                    mape.append(statistics.mean(err))
                    within.append(sum(e <= 0.1 for e in err) / len(err))
                print(f"{s:8s} d={d:<4d} w={w:.2f}  MAPE {100 * statistics.mean(mape):5.1f} %  "
                      f"within 10 % {100 * statistics.mean(within):5.1f} %  ({len(mape)} platforms)")


if __name__ == "__main__":
    main()
