#!/usr/bin/env bash
# Bad arguments to scripts/collect-dataset.sh: each is refused with its reason before anything is
# measured or written (the script exits before it creates data/ directories).
# Usage: collect_dataset_test.sh path/to/repository
set -u
REPO=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"
SCRIPT=$REPO/scripts/collect-dataset.sh

expect "unknown argument" error "unknown argument '--fast'" -- bash "$SCRIPT" --fast
expect "--noise not a multiple of the chunk" error "multiple of 100" -- bash "$SCRIPT" --noise 150
expect "--extended not a multiple of the chunk" error "--extended must be a multiple of 100" -- bash "$SCRIPT" --extended 50
expect "--extended not a number" error "--extended must be a multiple of 100" -- bash "$SCRIPT" --extended many
expect "--host with capitals and '_'" error "lower-case letters, digits and '-' only" -- bash "$SCRIPT" --host Bad_Tag
expect "--host starting with '-'" error "lower-case letters" -- bash "$SCRIPT" --host -zen4
expect "--until not HH:MM" error "expected HH:MM (UTC)" -- bash "$SCRIPT" --until 9:00
expect "--until past 23:59" error "expected HH:MM (UTC)" -- bash "$SCRIPT" --until 24:10
test ! -e "$REPO/data/Bad_Tag" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: a refused --host created data/Bad_Tag"; }

echo "collect-dataset arguments: $pass passed, $fail failed"
[ $fail -eq 0 ]
