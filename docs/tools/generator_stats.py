#!/usr/bin/env python3
"""Summarises a generated set from its index.jsonl (written by `acesniper generate`) as markdown."""
import collections
import json
import math
import statistics
import sys


def quantiles(xs):
    xs = sorted(xs)
    at = lambda p: xs[int(p * (len(xs) - 1))]
    return at(0), at(0.25), at(0.5), at(0.75), at(1)


def main(path):
    rows = [json.loads(line) for line in open(path)]
    print(f"- networks: {len(rows)}")
    q = quantiles([r["flops"] / 1e9 for r in rows])
    print("- GFLOPs min / p25 / median / p75 / max: " + " / ".join(f"{x:.3g}" for x in q))
    dec = collections.Counter(math.floor(math.log10(r["flops"])) for r in rows)
    print("- per decade of FLOPs: " + ", ".join(f"1e{k}-1e{k + 1}: {v}" for k, v in sorted(dec.items())))
    q = quantiles([r["params"] / 1e6 for r in rows])
    print("- parameters (M) min / p25 / median / p75 / max: " + " / ".join(f"{x:.3g}" for x in q))
    q = quantiles([r["layers"] for r in rows])
    print("- layers min / p25 / median / p75 / max: " + " / ".join(f"{x:g}" for x in q))
    planes = collections.Counter(r["input_shape"][2] for r in rows)
    print("- input planes: " + ", ".join(f"{k}: {v}" for k, v in sorted(planes.items())))
    ch = collections.Counter(r["input_shape"][1] for r in rows)
    print("- input channels: " + ", ".join(f"{k}: {v}" for k, v in sorted(ch.items())))
    if "branches" in rows[0]:
        br = collections.Counter(int(r["branches"]) for r in rows)
        print("- max branches: " + ", ".join(f"{k}: {v}" for k, v in sorted(br.items())))
    heads = sum(1 for r in rows if len(r["output_shape"]) == 2)
    print(f"- with a fully connected head: {heads}")
    att = [r["attempts"] for r in rows]
    print(f"- draws per network: median {statistics.median(att):g}, max {max(att)}")


if __name__ == "__main__":
    main(sys.argv[1])
