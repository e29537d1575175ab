#!/usr/bin/env python3
"""Export the project's model zoo from python3-torchvision at random weights.

Writes, for each model, NAME.pt (traced TorchScript, eval mode) and NAME.onnx (opset 17), plus
manifest.json with torchvision's own parameter count and the input shape of each model. Weights are
random (weights=None): the zoo is for structure and latency, never accuracy. Nothing is downloaded.

Usage: /usr/bin/python3 predictor/tools/export_zoo.py OUT_DIR [--models a,b,c] [--all-classification]
"""
import argparse
import json
import os
import sys
import time
import warnings

import torch
import torchvision

ZOO = [
    "densenet121", "densenet169", "densenet201",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "resnet50", "resnet101", "resnet152",
    "vgg11", "vgg16", "vgg19",
    "inception_v3", "mobilenet_v2", "mobilenet_v3_small",
    "vit_b_16", "swin_t",
]

# Native input resolution of each model (torchvision's weights metadata); 224 when absent.
RESOLUTION = {
    "inception_v3": 299,
    "efficientnet_b1": 240, "efficientnet_b2": 288, "efficientnet_b3": 300,
    "efficientnet_b4": 380, "efficientnet_b5": 456, "efficientnet_b6": 528, "efficientnet_b7": 600,
    "efficientnet_v2_s": 384, "efficientnet_v2_m": 480, "efficientnet_v2_l": 480,
}  # vit_h_14 runs at 518 only with its SWAG weights; built with weights=None it takes 224

INPUT_SHAPE_KEY = "acesniper/input_shape"


def all_classification_models():
    names = torchvision.models.list_models(module=torchvision.models) \
        if hasattr(torchvision.models, "list_models") else None
    if names is None:
        import torchvision.models as m
        names = sorted(n for n in dir(m) if n.islower() and not n.startswith("_")
                       and callable(getattr(m, n)) and n not in ("get_weight", "get_model_weights",
                                                                   "list_models", "get_model"))
    return names


def build(name):
    kwargs = {"weights": None}
    if name == "inception_v3":
        kwargs["init_weights"] = False  # scipy truncnorm init is slow and irrelevant for latency
        # The auxiliary classifier (3,326,696 parameters) only runs in training; the inference
        # network, and so its parameter count, is without it (torchvision's 27.2 M includes it).
        kwargs["aux_logits"] = False
    if name == "googlenet":
        kwargs["init_weights"] = False
        kwargs["aux_logits"] = False
    return getattr(torchvision.models, name)(**kwargs).eval()


def export(name, out_dir):
    torch.manual_seed(0)
    model = build(name)
    side = RESOLUTION.get(name, 224)
    shape = [1, 3, side, side]
    x = torch.randn(*shape)
    params = sum(p.numel() for p in model.parameters())
    # Trace with autograd enabled: PyTorch 1.13's fused multi-head-attention fast path (one opaque
    # op) is only taken under no_grad, and we want the decomposed, analyzable operators.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(model, x, check_trace=False)
        ts_path = os.path.join(out_dir, name + ".pt")
        torch.jit.save(traced, ts_path,
                       _extra_files={INPUT_SHAPE_KEY: ",".join(map(str, shape))})
        onnx_path = os.path.join(out_dir, name + ".onnx")
        # PRESERVE keeps BatchNormalization as its own node (EVAL would fold it into Conv, which
        # changes the layer counts), and no constant folding keeps parameters as they are.
        torch.onnx.export(model, x, onnx_path, opset_version=17,
                          training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False,
                          input_names=["input"], output_names=["output"])
    return {"name": name, "input_shape": shape, "params": params,
            "torchscript": name + ".pt", "onnx": name + ".onnx"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--models", help="comma-separated torchvision model names (default: the zoo)")
    ap.add_argument("--all-classification", action="store_true",
                    help="every classification model torchvision has")
    ap.add_argument("--skip-existing", action="store_true",
                    help="keep models already in OUT_DIR's manifest whose files exist (also those "
                         "not asked for this time: the manifest lists what the directory holds)")
    args = ap.parse_args()
    names = ZOO
    if args.all_classification:
        names = all_classification_models()
    if args.models:
        names = args.models.split(",")
    os.makedirs(args.out_dir, exist_ok=True)
    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = {"torch": torch.__version__, "torchvision": torchvision.__version__, "models": []}
    previous = {}
    if args.skip_existing and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            previous = {m["name"]: m for m in json.load(f).get("models", [])}
    failures = []
    for name in names:
        t0 = time.time()
        old = previous.get(name)
        if old and all(os.path.exists(os.path.join(args.out_dir, old[k])) for k in ("torchscript", "onnx")):
            manifest["models"].append(old)
            print(f"export_zoo: {name}: already exported", flush=True)
            continue
        try:
            entry = export(name, args.out_dir)
        except Exception as e:  # report and go on: one model must not lose the others
            failures.append(name)
            print(f"export_zoo: {name}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        manifest["models"].append(entry)
        print(f"export_zoo: {name}: {entry['params']} params, {time.time() - t0:.1f} s", flush=True)
    # Models exported by an earlier call with another --models list stay listed, so that a small
    # test export into a directory holding the whole zoo does not hide the rest.
    for name, old in previous.items():
        if name not in names and all(os.path.exists(os.path.join(args.out_dir, old[k]))
                                     for k in ("torchscript", "onnx")):
            manifest["models"].append(old)
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(tmp, manifest_path)
    if failures:
        print("export_zoo: failed: " + ",".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
