#!/usr/bin/env python3
"""Are the zoo's random weights slowing it down through denormal floats?

For each zoo model (torchvision, weights=None, built as predictor/tools/export_zoo.py builds it):
the share of denormal values in every leaf module's output for a torch.rand input, and the
traced file's time (median of 5 runs, 1 thread, best of two rounds) with flush-to-zero off and on.

Usage (repository root, /usr/bin/python3): taskset -c 1 docs/tools/denormal_check.py resnet50,vgg11
"""
import argparse
import statistics
import sys
import time

import torch

sys.path.insert(0, "predictor/tools")
import export_zoo  # noqa: E402

TINY = torch.finfo(torch.float32).tiny


def check(name):
    torch.manual_seed(0)
    model = export_zoo.build(name)
    side = export_zoo.RESOLUTION.get(name, 224)
    stats = {"n": 0, "den": 0, "zero": 0}
    def hook(m, i, o):
        if isinstance(o, torch.Tensor) and o.is_floating_point():
            a = o.abs()
            stats["n"] += a.numel(); stats["den"] += int(((a > 0) & (a < TINY)).sum()); stats["zero"] += int((a == 0).sum())
    hs = [m.register_forward_hook(hook) for m in model.modules() if len(list(m.children())) == 0]
    torch.manual_seed(0)
    x = torch.rand(1, 3, side, side)
    with torch.no_grad(): out = model(x)
    for h in hs: h.remove()
    ts = torch.jit.load(f"build/zoo/{name}.pt").eval()
    res = {}
    for ftz in (False, True, False, True):
        torch.set_flush_denormal(ftz)
        with torch.no_grad():
            ts(x)
            t = []
            for _ in range(5):
                t0 = time.perf_counter(); ts(x); t.append(time.perf_counter() - t0)
        res.setdefault(ftz, []).append(statistics.median(t) * 1e3)
    torch.set_flush_denormal(False)
    print(f"{name}: denormal share {stats['den']/stats['n']:.4f} zero {stats['zero']/stats['n']:.3f} out |max| {out.abs().max():.3g}; "
          f"ms no-ftz {min(res[False]):.1f} ftz {min(res[True]):.1f} ratio {min(res[False])/min(res[True]):.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", help="comma-separated zoo models, e.g. resnet50,vgg11 (their .pt under build/zoo)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name in args.models.split(","):
        if not hasattr(__import__("torchvision").models, name):
            sys.exit("denormal_check: %s is not a torchvision model" % name)
        check(name)


if __name__ == "__main__":
    main()
