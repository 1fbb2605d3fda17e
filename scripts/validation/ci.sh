#!/usr/bin/env bash
# Re-measures the whole validation table and compares it with validation/expected-ci.json:
#   runs `ablsim validate --json` on every row of the bundled table at the file's spacing (the rows side
#   by side, each on its share of the cores) and checks (scripts/validation/check_ci.py) that every
#   held-out row stays within its stated tolerance and that the counts README and docs/validation.md
#   quote at that spacing are unchanged. Ends with its own `N passed, M failed` line.
#
#   scripts/validation/ci.sh [BIN]            compare (exit 1 naming every row or count that differs)
#   scripts/validation/ci.sh [BIN] --record   rewrite the expected counts and held-out rows from this run
#                                             (hand-written tolerances, bounds and sources are kept)
#   BIN: the ablsim to run (scripts/test.sh passes the one its tests ran on); without it the release
#   binary is built first (`swift build -c release --product ablsim`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=""
if [ $# -gt 0 ] && [ "$1" != --record ]; then bin="$1"; shift; fi
mode="${1:-}"
case "$mode" in ""|--record) ;; *) echo "usage: scripts/validation/ci.sh [BIN] [--record]" >&2; exit 64 ;; esac
expected=validation/expected-ci.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)
if [ -z "$bin" ]; then
  swift build -c release --product ablsim 2>&1 | tail -n 3
  bin=.build/release/ablsim
fi
built=$(date +%s)
spacing=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["spacing_mm"])' "$expected")
if ! "$bin" validate --spacing "$spacing" --json > "$work/report.json" 2> "$work/log.txt"; then
  cat "$work/log.txt" >&2
  echo "ablsim validate failed" >&2
  exit 1
fi
measured=$(date +%s)
echo "validation: build $((built - started)) s, whole table at $spacing mm $((measured - built)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 scripts/validation/check_ci.py "$expected" "$work/report.json" $mode
