#!/usr/bin/env python3
"""Do input resolutions outside Table IV's planes make a network slower per FLOP?

Table IV's generator only draws planes of 14, 28, 56, 112 and 224, while zoo models at 240-300
pixels (efficientnet_b1-b3, inception_v3) run on planes such as 150, 75, 38 and 19. This exports
efficientnet_b0, resnet50 and mobilenet_v2 at 224, 240, 256, 288 and 300 pixels (random weights,
as predictor/tools/export_zoo.py), measures them with `acesniper measure` on the given platforms,
and prints each model's milliseconds per GFLOP relative to its 224-pixel version.

Usage (from the repository root, nothing else running; about 2.5 minutes for four platforms):
  /usr/bin/python3 docs/tools/resolution_study.py --out-dir /tmp/res \\
      --platform torch-eager-1t-zen4,torch-frozen-2t-zen4,opencv-2t-zen4,torch-eager-2t-zen4 \\
      --platforms-file data/zen4/platforms.json
"""
import argparse
import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "predictor", "tools"))
import export_zoo  # noqa: E402

MODELS = ["efficientnet_b0", "resnet50", "mobilenet_v2"]
SIDES = [224, 240, 256, 288, 300]


def export_all(out):
    os.makedirs(out, exist_ok=True)
    entries = []
    for name in MODELS:
        for side in SIDES:
            export_zoo.RESOLUTION[name] = side
            entry = export_zoo.export(name, out)
            new = "%s_r%d" % (name, side)
            for key, ext in (("torchscript", ".pt"), ("onnx", ".onnx")):
                os.replace(os.path.join(out, name + ext), os.path.join(out, new + ext))
                entry[key] = new + ext
            entry["name"] = new
            entries.append(entry)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"models": entries}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--platform", required=True, help="comma-separated, as acesniper measure takes them")
    ap.add_argument("--platforms-file")
    ap.add_argument("--binary", default="build/bin/acesniper")
    a = ap.parse_args()
    models = os.path.join(a.out_dir, "models")
    if not os.path.exists(os.path.join(models, "manifest.json")):
        export_all(models)
    store = os.path.join(a.out_dir, "resolution.csv")
    cmd = [a.binary, "measure", "--platform", a.platform, "--models", models, "--batch", "1", "--timeout", "300",
           "--out", store, "--resume"]
    if a.platforms_file:
        cmd += ["--platforms-file", a.platforms_file]
    subprocess.run(cmd, check=True)
    ms = {}
    for r in csv.DictReader(open(store)):
        if r["status"] == "ok":
            ms[(r["platform"], r["network"])] = float(r["median_ms"]) / float(r["flops"])
    platforms = a.platform.split(",")
    print("ms per GFLOP relative to the 224-pixel version\n%-22s %s" % ("model", " ".join("%22s" % p for p in platforms)))
    for name in MODELS:
        for side in SIDES:
            cells = []
            for p in platforms:
                k, k0 = (p, "%s_r%d" % (name, side)), (p, "%s_r224" % name)
                cells.append("%22s" % ("%.2f" % (ms[k] / ms[k0]) if k in ms and k0 in ms else "-"))
            print("%-22s %s" % ("%s_r%d" % (name, side), " ".join(cells)))


if __name__ == "__main__":
    main()
