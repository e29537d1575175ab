#!/usr/bin/env python3
"""Coverage check over torchvision's classification models: export each (random weights), analyze
its TorchScript and ONNX forms with `acesniper analyze --json`, and report whether both import,
whether their features agree, and whether the parameter count equals torchvision's. Files are
deleted after each model, so the disk holds one model at a time.

Usage: /usr/bin/python3 predictor/tools/check_torchvision.py ACESNIPER_BINARY WORK_DIR [--models a,b]
Prints a markdown table; exit status 1 if any model fails."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export_zoo  # noqa: E402


def analyze(binary, path):
    p = subprocess.run([binary, "analyze", path, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
    return json.loads(p.stdout)[0]["features"], ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("work_dir")
    ap.add_argument("--models")
    args = ap.parse_args()
    names = args.models.split(",") if args.models else export_zoo.all_classification_models()
    os.makedirs(args.work_dir, exist_ok=True)
    print("| model | params (torchvision) | params (ours) | GMACs | TorchScript = ONNX | result |")
    print("|---|---:|---:|---:|---|---|")
    failures = 0
    for name in names:
        t0 = time.time()
        model_dir = os.path.join(args.work_dir, name)  # models over 2 GB bring external data files
        os.makedirs(model_dir, exist_ok=True)
        try:
            entry = export_zoo.export(name, model_dir)
        except Exception as e:  # an export failure is torchvision/PyTorch's, report and go on
            ts_path = os.path.join(model_dir, name + ".pt")
            ts_only = ""
            if os.path.exists(ts_path):
                ts, ts_err = analyze(args.binary, ts_path)
                ts_only = (f"TorchScript alone: {int(ts['params_total']):,} params, "
                           f"{ts['flops_total'] / 2e9:.3f} GMACs" if ts else "TorchScript alone: " + ts_err[:60])
            shutil.rmtree(model_dir, ignore_errors=True)
            print(f"| {name} | | | | | ONNX export failed in PyTorch: {type(e).__name__}: {str(e)[:70]}; "
                  f"{ts_only} |", flush=True)
            continue
        ts_path = os.path.join(model_dir, entry["torchscript"])
        onnx_path = os.path.join(model_dir, entry["onnx"])
        ts, ts_err = analyze(args.binary, ts_path)
        on, on_err = analyze(args.binary, onnx_path)
        shutil.rmtree(model_dir, ignore_errors=True)
        if ts is None or on is None:
            failures += 1
            print(f"| {name} | {entry['params']:,} | | | | FAIL: {(ts_err or on_err)[:120]} |", flush=True)
            continue
        diff = [k for k in ts if abs(ts[k] - on[k]) > 1e-9 * max(1.0, abs(ts[k]))]
        ours = int(ts["params_total"])
        ok = not diff and ours == entry["params"]
        failures += 0 if ok else 1
        same = "yes" if not diff else "no: " + ", ".join(diff[:4])
        print(f"| {name} | {entry['params']:,} | {ours:,} | {ts['flops_total'] / 2e9:.3f} | {same} | "
              f"{'ok' if ok else 'FAIL'} ({time.time() - t0:.0f} s) |", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
