#!/usr/bin/env python3
"""The GPU measurement tools, on the CPU: pack_weightless.device_neutral (a traced CPU-device
constant made to inherit from its tensor, output unchanged), measure_cuda.py --cpu-smoke-test with
--resume-from (a second run measures only what the first did not), and merge_store.py (a new row
replaces the old one of its key; bad stores are refused with the reason and leave BASE as it was).
Usage: check_gpu_tools.py REPO_ROOT"""
import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import torch

REPO = sys.argv[1]
sys.path.insert(0, os.path.join(REPO, "test", "support"))
sys.path.insert(0, os.path.join(REPO, "predictor", "tools"))
from checks import check, finish  # noqa: E402
from pack_weightless import device_neutral  # noqa: E402

TOOLS = os.path.join(REPO, "predictor", "tools")


class MaskedConv(torch.nn.Module):
    """Adds a mask made with x.new_zeros, as swin_t does: tracing bakes in dtype and device."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        mask = y.new_zeros((y.shape[2], y.shape[3]))
        mask[0, 0] = 1.0
        return y + mask


def code_text(archive):
    z = zipfile.ZipFile(io.BytesIO(archive))
    return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".py"))


def traced_bytes(module, shape):
    buf = io.BytesIO()
    torch.jit.save(torch.jit.trace(module.eval(), torch.randn(*shape)), buf)
    return buf.getvalue()


def check_device_neutral():
    torch.manual_seed(3)
    archive = traced_bytes(MaskedConv(), (1, 3, 8, 8))
    check('torch.device("cpu")' in code_text(archive), "the trace bakes the CPU device into new_zeros")
    rewritten, n = device_neutral(archive)
    check(n == 1, f"one call rewritten (got {n})")
    check('torch.device("cpu")' not in code_text(rewritten), "no CPU device constant is left")
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        a = torch.jit.load(io.BytesIO(archive))(x)
        b = torch.jit.load(io.BytesIO(rewritten))(x)
    check(torch.equal(a, b), "the rewritten module computes the same output")
    plain = traced_bytes(torch.nn.Conv2d(3, 4, 3), (1, 3, 8, 8))
    same, n = device_neutral(plain)
    check(n == 0 and same == plain, "an archive without such calls is returned byte for byte")


def pack(directory):
    """Two tiny networks in pack_weightless's output format."""
    os.makedirs(directory)
    lines = []
    for i, module in enumerate([MaskedConv(), torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())]):
        name = f"tiny-{i}"
        with gzip.open(os.path.join(directory, name + ".pt.gz"), "wb") as f:
            f.write(device_neutral(traced_bytes(module, (1, 3, 16, 16)))[0])
        lines.append({"store": "test", "name": name, "network_hash": f"{i:016x}", "flops": 1e6,
                      "input_shape": [1, 3, 16, 16], "batches": [1, 4] if i == 0 else [1]})
    with open(os.path.join(directory, "networks.jsonl"), "w") as f:
        f.writelines(json.dumps(line) + "\n" for line in lines)


def measure(packed, out, *extra):
    return subprocess.run([sys.executable, os.path.join(TOOLS, "measure_cuda.py"), packed, out, "--cpu-smoke-test",
                           "--visits", "1", "--dtype", "float32", *extra], capture_output=True, text=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_measure_and_resume(d):
    packed = os.path.join(d, "packed")
    pack(packed)
    first = measure(packed, os.path.join(d, "run1"), "--limit", "1")
    check(first.returncode == 0, f"measure_cuda.py --cpu-smoke-test runs ({first.stderr.strip()[-200:]})")
    r1 = rows(os.path.join(d, "run1", "gpu.csv"))
    check([(r["network"], r["batch"], r["status"]) for r in r1] == [("tiny-0", "1", "ok"), ("tiny-0", "4", "ok")],
          "the first network is measured at both its batch sizes")
    check(all(float(r["median_ms"]) > 0 for r in r1), "ok rows carry a positive median")
    second = measure(packed, os.path.join(d, "run2"), "--resume-from", os.path.join(d, "run1", "gpu.csv"))
    r2 = rows(os.path.join(d, "run2", "gpu.csv"))
    check(second.returncode == 0 and [r["network"] for r in r2] == ["tiny-1"],
          "--resume-from measures only the network the first run did not")
    check("1 of 2 networks to measure" in second.stdout, "the resumed run says how many are left")
    bad = os.path.join(d, "not-a-store.csv")
    with open(bad, "w") as f:
        f.write("a,b\n1,2\n")
    refused = measure(packed, os.path.join(d, "run3"), "--resume-from", bad)
    check(refused.returncode != 0 and "--resume-from" in refused.stderr and "not a measurement store" in refused.stderr
          and "Traceback" not in refused.stderr, f"--resume-from a bad store is a clear error ({refused.stderr.strip()[-120:]})")
    return os.path.join(d, "run1", "gpu.csv"), os.path.join(d, "run2", "gpu.csv")


def merge(base, new):
    return subprocess.run([sys.executable, os.path.join(TOOLS, "merge_store.py"), base, new],
                          capture_output=True, text=True)


def check_merge(d, run1, run2):
    base = os.path.join(d, "merged.csv")
    check(merge(base, run1).returncode == 0 and merge(base, run2).returncode == 0, "two runs merge into a new store")
    check(len(rows(base)) == 3, f"the merged store has 3 rows (got {len(rows(base))})")
    # A re-measured row replaces the failed one of the same key.
    failed = [dict(r) for r in rows(run1)]
    for r in failed:
        r.update(status="failed", median_ms="0", message="run: RuntimeError")
    redo = os.path.join(d, "redo.csv")
    with open(redo, "w", newline="") as f:
        w = csv.DictWriter(f, list(failed[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(failed[:1])
    with open(run1 + ".platforms.jsonl") as src, open(redo + ".platforms.jsonl", "w") as dst:
        dst.write(src.read())
    out = merge(base, redo)
    merged = rows(base)
    check(out.returncode == 0 and "1 replaced" in out.stdout, f"merge reports the replaced row ({out.stdout.strip()})")
    check(len(merged) == 3 and sum(r["status"] == "failed" for r in merged) == 1, "one row per key after a replace")
    before = open(base).read()
    bad = os.path.join(d, "bad.csv")
    for text, why in [("a,b\n1,2\n", "not a measurement store"),
                      (open(redo).read().replace(",failed,", ",maybe,"), "unknown status 'maybe'")]:
        with open(bad, "w") as f:
            f.write(text)
        out = merge(base, bad)
        check(out.returncode != 0 and why in out.stderr, f"a bad store is refused: {why} ({out.stderr.strip()[-120:]})")
    os.remove(redo + ".platforms.jsonl")
    out = merge(base, redo)
    check(out.returncode == 0, "rows of a platform BASE already knows need no new fingerprint line")
    before = open(base).read()
    orphan = open(redo).read().replace(failed[0]["platform_id"], "0123456789abcdef")
    with open(bad, "w") as f:
        f.write(orphan)
    out = merge(base, bad)
    check(out.returncode != 0 and "no fingerprint line" in out.stderr, "rows of an unknown platform are refused")
    check(open(base).read() == before, "a refused merge leaves BASE as it was")


def main():
    check_device_neutral()
    with tempfile.TemporaryDirectory() as d:
        check_merge(d, *check_measure_and_resume(d))
    finish()


if __name__ == "__main__":
    main()
