#!/usr/bin/env python3
"""Pack TorchScript models for a GPU measurement run: weights zeroed, then gzip-compressed.

Latency does not depend on weight values (the GPU runner refills them with random numbers before
timing), so zeroed archives compress ~1000:1 and a few hundred networks travel in megabytes.
Writes OUT/NAME.pt.gz for each input and OUT/networks.jsonl: one line per network with the store it
belongs to, its network_hash and batch-1 FLOPs (copied from the CPU stores, so the rows join), its
input shape and the batch sizes to time.

Usage: /usr/bin/python3 predictor/tools/pack_weightless.py OUT --index STORE:INDEX.jsonl[:DIR] ...
       [--zoo DIR --zoo-store data/work/zoo.csv] [--batch 1 --batch 16]
"""
import argparse
import csv
import gzip
import io
import json
import os
import sys

import torch


def zeroed_archive(path):
    m = torch.jit.load(path, map_location="cpu")
    with torch.no_grad():
        for t in list(m.parameters()) + list(m.buffers()):
            if t.is_floating_point():
                t.zero_()
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    return buf.getvalue()


def write_packed(out_dir, name, src):
    data = zeroed_archive(src)
    dst = os.path.join(out_dir, name + ".pt.gz")
    with gzip.open(dst, "wb", compresslevel=9) as f:
        f.write(data)
    return os.path.getsize(dst)


def zoo_hashes(store_csv):
    """network -> (network_hash, flops) from a CPU measurement store."""
    out = {}
    with open(store_csv, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["network"], (row["network_hash"], float(row["flops"])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--index", action="append", default=[],
                    help="STORE:DIR, a directory written by `acesniper generate` (index.jsonl + NAME.pt)")
    ap.add_argument("--zoo", help="directory written by export_zoo.py (manifest.json + NAME.pt)")
    ap.add_argument("--zoo-store", help="CPU store CSV holding the zoo's network_hash and FLOPs")
    ap.add_argument("--batch", type=int, action="append", help="zoo batch sizes (default 1 and 16)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    lines, total = [], 0
    for spec in a.index:
        store, directory = spec.split(":", 1)
        with open(os.path.join(directory, "index.jsonl")) as f:
            for raw in f:
                n = json.loads(raw)
                total += write_packed(a.out, n["name"], os.path.join(directory, n["name"] + ".pt"))
                lines.append({"store": store, "name": n["name"], "network_hash": n["network_hash"],
                              "flops": n["flops"], "input_shape": n["input_shape"], "batches": [1]})
    if a.zoo:
        if not a.zoo_store:
            sys.exit("pack_weightless.py: --zoo needs --zoo-store (the network hashes come from it)")
        known = zoo_hashes(a.zoo_store)
        with open(os.path.join(a.zoo, "manifest.json")) as f:
            manifest = json.load(f)
        for m in manifest["models"]:
            if m["name"] not in known:
                sys.exit(f"pack_weightless.py: zoo model {m['name']} is not in {a.zoo_store}")
            h, flops = known[m["name"]]
            total += write_packed(a.out, m["name"], os.path.join(a.zoo, m["torchscript"]))
            lines.append({"store": "zoo", "name": m["name"], "network_hash": h, "flops": flops,
                          "input_shape": m["input_shape"], "batches": a.batch or [1, 16]})
    with open(os.path.join(a.out, "networks.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, sort_keys=True) + "\n")
    print(f"packed {len(lines)} networks into {a.out}: {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
