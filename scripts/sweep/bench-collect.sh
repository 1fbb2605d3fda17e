#!/usr/bin/env bash
# Times `ablsim sweep collect` over 10,000 case folders. One real case is simulated; its summary.json
# is copied into the folders of a 100 x 100 sweep (the manifest comes from `ablsim sweep list`, which
# also times checking 10,000 presets up front). Prints the times and checks the table's row count.
#
#   scripts/sweep/bench-collect.sh [path/to/ablsim]      (default .build/release/ablsim)
set -euo pipefail
cd "$(dirname "$0")/../.."
ablsim="$(realpath "${1:-.build/release/ablsim}")"
work="$(mktemp -d /tmp/ablsim-bench-collect.XXXXXX)"
trap 'rm -rf "$work"' EXIT
powers=$(python3 -c 'print(",".join(str(1 + i / 20) for i in range(100)))')
durations=$(python3 -c 'print(",".join(str(60 + 6 * i) for i in range(100)))')
cat > "$work/sweep.json" <<JSON
{"ablsim_sweep": 1, "name": "bench-10k", "base": "$(pwd)/presets/heat-source-sphere.json",
 "axes": {"grid.spacing_mm": [2], "applicators.0.schedule.0.power_w": [$powers],
          "applicators.0.schedule.0.duration_s": [$durations]}}
JSON
start=$(date +%s.%N)
"$ablsim" sweep list "$work/sweep.json" --out "$work/out" > "$work/list.tsv"
echo "sweep list (checks 10,000 presets, writes the manifest): $(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')") s"
[ "$(wc -l < "$work/list.tsv")" = 10000 ] || { echo "expected 10000 cases"; exit 1; }
"$ablsim" run presets/heat-source-sphere.json --set grid.spacing_mm=2 --out "$work/one" --quiet
python3 - "$work" <<'PY'
import os, shutil, sys
work = sys.argv[1]
summary = open(os.path.join(work, "one", "summary.json")).read()
for line in open(os.path.join(work, "list.tsv")):
    folder = os.path.join(work, "out", "cases", line.split("\t")[0])
    os.mkdir(folder)
    with open(os.path.join(folder, "summary.json"), "w") as f: f.write(summary)
PY
echo "summary.json: $(stat -c %s "$work/one/summary.json") bytes each"
sync
for attempt in 1 2 3; do
    start=$(date +%s.%N)
    "$ablsim" sweep collect "$work/out" > /dev/null
    echo "collect over 10,000 case folders, run $attempt: $(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')") s"
done
rows=$(($(wc -l < "$work/out/summary.csv") - 1))
[ "$rows" = 10000 ] || { echo "expected 10000 rows, got $rows"; exit 1; }
echo "summary.csv: $rows rows, $(stat -c %s "$work/out/summary.csv") bytes"
