#!/usr/bin/env python3
"""Pack TorchScript models for a GPU measurement run: weights zeroed, then gzip-compressed.

Latency does not depend on weight values (the GPU runner refills them with random numbers before
timing), so zeroed archives compress ~1000:1 and a few hundred networks travel in megabytes.
Writes OUT/NAME.pt.gz for each input and OUT/networks.jsonl: one line per network with the store it
belongs to, its network_hash and batch-1 FLOPs (copied from the CPU stores, so the rows join), its
input shape and the batch sizes to time.

Traced TorchScript can carry the tracing device as a constant: torchvision's swin_t builds its
attention mask with `x.new_zeros(shape)`, which the trace records as `new_zeros(..., dtype=float32,
device=cpu)`, so on a GPU it mixes a CPU mask into CUDA tensors and fails (the first H100 run,
2026-11-27). device_neutral() gives such calls back their eager meaning (dtype and device of `x`)
before packing; the output on the CPU is unchanged (test/python/check_gpu_tools.py).

Usage: /usr/bin/python3 predictor/tools/pack_weightless.py OUT --index STORE:INDEX.jsonl[:DIR] ...
       [--zoo DIR --zoo-store data/work/zoo.csv] [--batch 1 --batch 16]
"""
import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import zipfile

import torch


# A `tensor.new_*(size)` call as tracing on the CPU serialises it: dtype, layout and device fixed.
# Its size may hold calls such as int(_3), one level deep.
BAKED_NEW = re.compile(r'(torch\.new_(?:zeros|ones|empty|full)\((?:[^()]|\([^()]*\))*?)'
                       r'dtype=\d+, layout=\d+, device=torch\.device\("cpu"\), pin_memory=False\)')
INHERIT = r'\1dtype=None, layout=None, device=None, pin_memory=None)'


def device_neutral(archive):
    """(archive bytes, number of calls rewritten): baked CPU `new_*` calls inherit from their tensor.

    The serialised code is edited (debug source maps dropped, as they point into the old text) and
    the result is loaded and saved by torch again, so what comes out is a normal TorchScript archive."""
    src = zipfile.ZipFile(io.BytesIO(archive))
    edited, changed = io.BytesIO(), 0
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            body = src.read(info)
            if info.filename.endswith(".py"):
                text, n = BAKED_NEW.subn(INHERIT, body.decode())
                changed, body = changed + n, text.encode()
            dst.writestr(info.filename, body)
    if not changed:
        return archive, 0
    m = torch.jit.load(io.BytesIO(edited.getvalue()), map_location="cpu")
    out = io.BytesIO()
    torch.jit.save(m, out)
    return out.getvalue(), changed


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
    data, rewritten = device_neutral(zeroed_archive(src))
    if rewritten:
        print(f"{name}: {rewritten} traced CPU-device constant(s) made device-neutral")
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
