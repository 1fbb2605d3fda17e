#!/usr/bin/env bash
# Runs every bundled preset and compares the decoded necrosis, temperature_max and damage voxels
# with the recorded digests: a restructuring or a speed-up must leave them bit-identical.
#   scripts/digests/check.sh BIN 1mm      every preset at 1 mm voxels (seconds each; CI runs this)
#   scripts/digests/check.sh BIN full     every preset at its own spacing (minutes; before a release)
#   scripts/digests/check.sh BIN MODE --record   rewrites the recorded file (commit it on its own,
#                                                saying why the numbers moved)
# Runs use 2 worker threads so that digests do not depend on the machine's core count.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:?usage: scripts/digests/check.sh BIN 1mm|full [--record]}"
mode="${2:?usage: scripts/digests/check.sh BIN 1mm|full [--record]}"
record="${3:-}"
case "$mode" in
  1mm) extra=(--set grid.spacing_mm=1) ;;
  full) extra=() ;;
  *) echo "mode must be 1mm or full, got $mode" >&2; exit 64 ;;
esac
expected="scripts/digests/bundled-presets-$mode.sha256"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for preset in presets/*.json; do
  name="$(basename "$preset" .json)"
  [ "$name" = schema ] && continue
  "$bin" run "$preset" --out "$work/$name" --quiet --threads 2 "${extra[@]}" \
    --set 'output.formats=["nifti"]' > /dev/null
  python3 scripts/digests/voxel_digests.py "$work/$name" "$name" >> "$work/digests"
done
if [ "$record" = --record ]; then
  cp "$work/digests" "$expected"
  echo "recorded $(wc -l < "$expected") digests in $expected"
  exit 0
fi
scripts/digests/compare.sh "$expected" "$work/digests" "digests $mode"
