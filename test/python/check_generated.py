#!/usr/bin/env python3
"""Interop check: networks written by `acesniper generate` load and run in stock Python PyTorch
(torch.jit.load), and their ONNX form passes onnx.checker with full shape inference, with the
same output shape as LibTorch's run. Usage: check_generated.py ACESNIPER_BINARY COUNT"""
import json
import os
import subprocess
import sys
import tempfile

import onnx
import torch


def main():
    binary, count = sys.argv[1], int(sys.argv[2])
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([binary, "generate", "--count", str(count), "--seed", "77", "--out", d], check=True)
        passed = failed = 0
        for line in open(os.path.join(d, "index.jsonl")):
            entry = json.loads(line)
            base = os.path.join(d, entry["name"])
            try:
                m = torch.jit.load(base + ".pt")
                with torch.no_grad():
                    y = m(torch.zeros(entry["input_shape"]))
                model = onnx.load(base + ".onnx")
                onnx.checker.check_model(model, full_check=True)
                inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
                dims = [d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
                assert list(y.shape) == entry["output_shape"], (list(y.shape), entry["output_shape"])
                assert dims == entry["output_shape"], (dims, entry["output_shape"])
                passed += 1
            except Exception as e:  # report every network, then fail
                failed += 1
                print(f"FAIL {entry['name']}: {type(e).__name__}: {e}")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
