"""The Python integration tests' assertions: each check prints one ok/FAIL line and the run goes
on, so one run shows every failure; finish() exits non-zero when any check failed."""
import sys

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1
    return cond


def finish():
    print(f"{failures} failure(s)")
    sys.exit(1 if failures else 0)
