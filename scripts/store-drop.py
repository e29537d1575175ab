#!/usr/bin/env python3
"""Drops rows from a measurement store, so that `acesniper measure --resume` measures them again.

The store is append-only for the measuring code; this is the one deliberate exception, for rows
found wrong after the fact (docs/dataset.md names each use). It rewrites the file atomically
(a temporary file, then rename) and prints how many rows it dropped and kept.

  scripts/store-drop.py STORE.csv --platform NAME [--network-prefix PREFIX]
"""
import argparse
import csv
import os
import sys

HEADER = ("platform,platform_id,network,network_hash,batch,status,median_ms,mad_ms,min_ms,cv,runs,rejected,"
          "visits,visit_spread,flops,measured_at,message")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store")
    p.add_argument("--platform", required=True, help="drop rows of this platform name")
    p.add_argument("--network-prefix", default="", help="and whose network name starts with this")
    a = p.parse_args()
    try:
        with open(a.store, newline="") as f:
            lines = f.read().splitlines(keepends=True)
    except OSError as e:
        sys.exit(f"store-drop: cannot read '{a.store}': {e.strerror}")
    if not lines or lines[0].rstrip("\r\n") != HEADER:
        sys.exit(f"store-drop: '{a.store}' does not start with the store header")
    kept, dropped = [lines[0]], 0
    for n, line in enumerate(lines[1:], start=2):
        row = next(csv.reader([line]))
        if len(row) != HEADER.count(",") + 1:
            sys.exit(f"store-drop: '{a.store}' line {n}: {len(row)} fields, expected {HEADER.count(',') + 1}")
        if row[0] == a.platform and row[2].startswith(a.network_prefix):
            dropped += 1
        else:
            kept.append(line)
    tmp = a.store + ".drop-tmp"
    with open(tmp, "w", newline="") as f:
        f.writelines(kept)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, a.store)
    print(f"{a.store}: dropped {dropped} rows of {a.platform} (prefix '{a.network_prefix}'), kept {len(kept) - 1}")


if __name__ == "__main__":
    main()
