#!/usr/bin/env python3
"""Merge measurement rows made elsewhere (a GPU lease) into a store, one row per key.

A row of NEW replaces the row of BASE with the same (platform_id, network_hash, batch): a second
lease that re-measured a failed network leaves one row, the new one. Platform fingerprints
(NEW.platforms.jsonl) are added to BASE's sidecar, one line per platform_id. BASE is rewritten
through a temporary file and a rename, so a crash leaves the old or the new file, never half.
Both files must carry the store header (docs/measurement.md); a malformed row names its line.

read_rows() is also measure_cuda.py's reader for --resume-from: one place knows the format.

Usage: merge_store.py BASE.csv NEW.csv   (BASE is created if missing; NEW may be .gz)
"""
import csv
import gzip
import json
import os
import sys

COLUMNS = ["platform", "platform_id", "network", "network_hash", "batch", "status", "median_ms",
           "mad_ms", "min_ms", "cv", "runs", "rejected", "visits", "visit_spread", "flops",
           "measured_at", "message"]
STATUSES = {"ok", "unsupported", "failed", "timeout", "crashed"}


class MergeError(Exception):
    pass


def read_rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise MergeError(f"{path}: not a measurement store (header {reader.fieldnames})")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                if None in row or any(v is None for v in row.values()):
                    raise ValueError("wrong number of fields")
                if row["status"] not in STATUSES:
                    raise ValueError(f"unknown status '{row['status']}'")
                int(row["batch"])
                float(row["median_ms"])
            except ValueError as e:
                raise MergeError(f"{path}:{line}: {e}") from None
            rows.append(row)
        return rows


def key(row):
    return row["platform_id"], row["network_hash"], int(row["batch"])


def read_platforms(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for n, line in enumerate(f, start=1):
                try:
                    p = json.loads(line)
                    out[p["platform_id"]] = p
                except (ValueError, KeyError) as e:
                    raise MergeError(f"{path}:{n}: not a platform line ({e})") from None
    return out


def merge(base, new):
    """Returns (kept from BASE, replaced, added)."""
    new_rows = read_rows(new)
    base_rows = read_rows(base) if os.path.exists(base) else []
    platforms = read_platforms(base + ".platforms.jsonl")
    new_platforms = read_platforms((new[:-3] if new.endswith(".gz") else new) + ".platforms.jsonl")
    missing = {r["platform_id"] for r in new_rows} - set(platforms) - set(new_platforms)
    if missing:
        raise MergeError(f"{new}: rows of platform_id {sorted(missing)} have no fingerprint line")
    platforms.update(new_platforms)
    incoming = {key(r) for r in new_rows}
    if len(incoming) != len(new_rows):
        raise MergeError(f"{new}: the same (platform_id, network_hash, batch) appears twice")
    kept = [r for r in base_rows if key(r) not in incoming]
    for path, write in ((base + ".platforms.jsonl", lambda f: [f.write(json.dumps(p, sort_keys=True) + "\n")
                                                              for p in platforms.values()]),
                        (base, lambda f: csv.DictWriter(f, COLUMNS, lineterminator="\n").writerows(
                            [dict(zip(COLUMNS, COLUMNS))] + kept + new_rows))):
        with open(path + ".tmp", "w", newline="") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(path + ".tmp", path)
    return len(kept), len(base_rows) - len(kept), len(new_rows) - (len(base_rows) - len(kept))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: merge_store.py BASE.csv NEW.csv")
    try:
        kept, replaced, added = merge(sys.argv[1], sys.argv[2])
    except (MergeError, OSError) as e:
        sys.exit(f"merge_store.py: {e}")
    print(f"{sys.argv[1]}: {kept} rows kept, {replaced} replaced, {added} added")


if __name__ == "__main__":
    main()
