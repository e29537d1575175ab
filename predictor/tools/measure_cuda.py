#!/usr/bin/env python3
"""Measure packed networks on a CUDA GPU with PyTorch, into a store the C++ tools read.

The GPU platforms of the dataset (docs/dataset.md): the networks packed by pack_weightless.py
(reference set, generated networks, zoo) timed with the project's protocol (predictor/src/measure/
timing.cc): visits, warm-up, runs until the median's standard error is within 2 %, outliers above
median + 5 robust sigmas dropped, the fastest visit kept. Each timed run is one forward pass between
two torch.cuda.synchronize() calls, so it is the latency a caller sees (launches included).
Visits are rounds over the whole list in one process (a GPU has no per-process fast/slow state to
average out the way a shared CPU does); the first visit warms up fully, the later ones briefly.

Writes OUT/gpu.csv (the store format of docs/dataset.md, appended and flushed row by row, so a run
cut short keeps what it measured) and OUT/gpu.csv.platforms.jsonl.

--resume-from STORE skips the (platform_id, network_hash, batch) rows that STORE (csv or csv.gz)
already holds as ok, so a second lease measures only what the first did not (a failed or missing
row is measured again; the publish step lets the new row replace the old one).

Usage: python3 measure_cuda.py PACKED_DIR OUT_DIR [--dtype float32 --dtype float16] [--visits 3]
       [--gpu-tag auto|NAME] [--resume-from STORE] [--deadline S] [--limit N] [--cpu-smoke-test]
"""
import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import platform
import statistics
import sys
import time

import torch

from merge_store import COLUMNS, MergeError, key, read_rows  # the store format, read and checked in one place

MAD_TO_SIGMA = 1.4826
MEDIAN_EFFICIENCY = 1.2533


def mad(xs, med):
    return statistics.median(abs(x - med) for x in xs)


def summarize(samples, outlier_mads=5.0):
    med = statistics.median(samples)
    sigma = MAD_TO_SIGMA * mad(samples, med)
    kept = [x for x in samples if x <= med + outlier_mads * sigma] if sigma > 0 else list(samples)
    m = statistics.median(kept)
    mean = sum(kept) / len(kept)
    var = sum((x - mean) ** 2 for x in kept) / max(1, len(kept) - 1)
    return {"median_ms": m, "mad_ms": mad(kept, m), "min_ms": min(kept),
            "cv": math.sqrt(var) / mean if mean > 0 else 0.0,
            "runs": len(samples), "rejected": len(samples) - len(kept)}


def stable(samples, target):
    if len(samples) < 3:
        return False
    med = statistics.median(samples)
    se = MEDIAN_EFFICIENCY * MAD_TO_SIGMA * mad(samples, med) / math.sqrt(len(samples))
    return med <= 0 or se / med < target


SYNC = torch.cuda.synchronize


def timed_run(module, x):
    SYNC()
    t0 = time.perf_counter()
    module(x)
    SYNC()
    return (time.perf_counter() - t0) * 1000.0


def visit(module, x, warmup_runs, warmup_seconds, min_runs=3, max_runs=33, budget=1.0 / 3, target=0.02):
    start = time.perf_counter()
    i = 0
    while i < warmup_runs or time.perf_counter() - start < warmup_seconds:
        ms = timed_run(module, x)
        i += 1
        if i >= warmup_runs and ms / 1000.0 > warmup_seconds:
            break
    samples, t_start = [], time.perf_counter()
    while len(samples) < max_runs:
        samples.append(timed_run(module, x))
        if len(samples) >= min_runs and stable(samples, target):
            break
        if time.perf_counter() - t_start > budget and len(samples) >= 3:
            break
    return summarize(samples)


def load(packed, name, dtype, device):
    with gzip.open(os.path.join(packed, name + ".pt.gz"), "rb") as f:
        m = torch.jit.load(io.BytesIO(f.read()), map_location=device)
    m.eval()
    gen = torch.Generator(device=device).manual_seed(7)
    with torch.no_grad():
        for pname, p in m.named_parameters():
            p.normal_(0.0, 0.02, generator=gen)
        for bname, b in m.named_buffers():
            if b.is_floating_point():
                b.fill_(1.0 if bname.endswith("running_var") else 0.0)
    return m.to(dtype)


def gpu_tag(device):
    """'h100' for 'NVIDIA H100 80GB HBM3', 'h200' for 'NVIDIA H200': the model number, lower case."""
    if device != "cuda":
        return "cpu"
    for word in torch.cuda.get_device_name(0).split():
        if any(c.isdigit() for c in word) and word.upper() != "NVIDIA":
            return word.lower()
    return "gpu"


def measured_ok(path):
    """{(platform_id, network_hash, batch)} of the ok rows of a store, plain or gzip."""
    return {key(r) for r in read_rows(path) if r["status"] == "ok"}


def fingerprint(dtype_name, device):
    gpu = {"name": "none (cpu smoke test)"}
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        gpu = {"name": props.name, "multiprocessors": props.multi_processor_count,
               "memory_mib": props.total_memory // (1 << 20), "capability": f"{props.major}.{props.minor}"}
    fp = {
        "schema": "acesniper.platform/v1",
        "arch": platform.machine(),
        "gpu": gpu,
        "engine": {"engine": "pytorch", "version": torch.__version__, "cuda": torch.version.cuda,
                   "cudnn": torch.backends.cudnn.version(),
                   "cudnn_benchmark": torch.backends.cudnn.benchmark,
                   "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
                   "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32},
        "runner": {"runner": "torch-cuda", "dtype": dtype_name, "frozen": False,
                   "script": "predictor/tools/measure_cuda.py"},
    }
    pid = hashlib.sha256(json.dumps(fp, sort_keys=True).encode()).hexdigest()[:16]
    return fp, pid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("packed")
    ap.add_argument("out")
    ap.add_argument("--dtype", action="append", choices=["float32", "float16"])
    ap.add_argument("--visits", type=int, default=3)
    ap.add_argument("--gpu-tag", default="auto", help="short GPU name in the platform name (auto: from the device)")
    ap.add_argument("--resume-from", help="store whose ok rows are not measured again")
    ap.add_argument("--deadline", type=float, help="seconds per dtype after which the rest is skipped")
    ap.add_argument("--limit", type=int, help="only the first N networks (a smoke test)")
    ap.add_argument("--cpu-smoke-test", action="store_true", help="run on the CPU to check the script")
    a = ap.parse_args()
    global SYNC
    device = "cuda"
    if a.cpu_smoke_test:
        device, SYNC = "cpu", (lambda: None)
    elif not torch.cuda.is_available():
        sys.exit("measure_cuda.py: no CUDA device")
    with open(os.path.join(a.packed, "networks.jsonl")) as f:
        networks = [json.loads(line) for line in f][:a.limit]
    try:
        done = measured_ok(a.resume_from) if a.resume_from else set()
    except (MergeError, OSError) as e:
        sys.exit(f"measure_cuda.py: --resume-from: {e}")
    tag = gpu_tag(device) if a.gpu_tag == "auto" else a.gpu_tag
    os.makedirs(a.out, exist_ok=True)
    store = os.path.join(a.out, "gpu.csv")
    fresh = not os.path.exists(store)
    out = open(store, "a", newline="")
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    if fresh:
        writer.writeheader()
    plat_lines = []
    for dtype_name in a.dtype or ["float32", "float16"]:
        dtype = torch.float32 if dtype_name == "float32" else torch.float16
        short = "fp32" if dtype_name == "float32" else "fp16"
        name = f"torch-cuda-{short}-{tag}"
        fp, pid = fingerprint(dtype_name, device)
        plat_lines.append({"fingerprint": fp, "platform": name, "platform_id": pid})
        t0 = time.perf_counter()
        with open(store + ".platforms.jsonl", "w") as f:
            for p in plat_lines:
                f.write(json.dumps(p, sort_keys=True) + "\n")
        # One network at a time, its visits back to back, its row flushed at once: a run cut short
        # keeps every finished network. Graph-executor optimisation is off: TorchScript's GPU
        # fuser otherwise compiles kernels for each new network during the timed runs.
        todo = [n for n in networks if any((pid, n["network_hash"], b) not in done for b in n["batches"])]
        print(f"{name}: {len(todo)} of {len(networks)} networks to measure", flush=True)
        with torch.inference_mode(), torch.jit.optimized_execution(False):
            for n in todo:
                if a.deadline and time.perf_counter() - t0 > a.deadline:
                    print(f"{name}: deadline reached", flush=True)
                    break
                err, module = None, None
                try:
                    module = load(a.packed, n["name"], dtype, device)
                except Exception as e:  # a network that does not load is reported, not fatal
                    err = f"load: {type(e).__name__}: {e}".replace("\n", " ")[:300]
                for batch in [b for b in n["batches"] if (pid, n["network_hash"], b) not in done]:
                    row = {"platform": name, "platform_id": pid, "network": n["name"],
                           "network_hash": n["network_hash"], "batch": batch, "flops": f"{n['flops']:g}",
                           "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                    visits, run_err = [], err
                    if module is not None:
                        shape = list(n["input_shape"])
                        shape[0] = batch
                        try:
                            x = torch.randn(*shape, device=device, dtype=dtype)
                            for v in range(a.visits):
                                visits.append(visit(module, x, warmup_runs=2, warmup_seconds=0.1 if v == 0 else 0.0))
                        except Exception as e:
                            run_err = f"run: {type(e).__name__}: {e}".replace("\n", " ")[:300]
                    if run_err or not visits:
                        row.update(status="failed", message=run_err or "not measured", runs=0, rejected=0, visits=0,
                                   median_ms=0, mad_ms=0, min_ms=0, cv=0, visit_spread=0)
                    else:
                        best = min(visits, key=lambda s: s["median_ms"])
                        meds = [s["median_ms"] for s in visits]
                        row.update({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in best.items()})
                        row.update(status="ok", message="", runs=sum(s["runs"] for s in visits),
                                   rejected=sum(s["rejected"] for s in visits), visits=len(visits),
                                   visit_spread=f"{max(meds) / min(meds) - 1:.6g}")
                    writer.writerow(row)
                    out.flush()
                del module
        with open(store + ".platforms.jsonl", "w") as f:
            for p in plat_lines:
                f.write(json.dumps(p, sort_keys=True) + "\n")
        if device == "cuda":
            torch.cuda.empty_cache()
        print(f"{name}: done in {time.perf_counter() - t0:.1f} s", flush=True)
    out.close()


if __name__ == "__main__":
    main()
