#!/usr/bin/env bash
# Independent-reader checks (see README.md beside this file): the schema against the decoder, and
# every output of the bundled presets re-read with nibabel, SimpleITK, vtk, meshio and Pillow, and 3D
# Slicer segmentations written with pynrrd placed where pynrrd says.
# Every stage prints its own "N passed, M failed" line; the last line, "interop total: ...", sums them
# (a stage that stops before its checks counts as one failure).
# Usage: scripts/interop/run.sh [ablsim binary]   (default .build/debug/ablsim)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-.build/debug/ablsim}"
python3 -c "import nibabel, SimpleITK, vtk, meshio, PIL, jsonschema, nrrd" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check -r scripts/interop/requirements.txt >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
# Records a stage's last line ("N passed, M failed[, K not applicable]") for the total.
stage() {
  local label="$1" line="$2"
  echo "$label: $line"
  echo "$line" >> "$work/stages"
}
python3 scripts/interop/validate_presets.py --ablsim "$bin" > "$work/schema.log" || status=1
stage "schema and decoder" "$(tail -n 1 "$work/schema.log")"
for preset in presets/*.json; do
  [ "$(basename "$preset")" = schema.json ] && continue
  name="$(basename "$preset" .json)"
  # 1 mm voxels keep the runs to seconds; every output format is requested.
  "$bin" run "$preset" --out "$work/$name" --quiet --set grid.spacing_mm=1 \
    --set 'output.formats=["nifti","vti","stl","png","csv"]'
  python3 scripts/digests/voxel_digests.py "$work/$name" "$name" >> "$work/digests" || status=1
  if python3 scripts/interop/check_outputs.py "$work/$name" "$preset" > "$work/$name.log"; then
    stage "$name" "$(tail -n 1 "$work/$name.log")"
  else
    status=1
    grep -E "^FAIL" "$work/$name.log" || true
    stage "$name" "$(tail -n 1 "$work/$name.log")"
  fi
done
# The RF extensions that change the treatment time and the generator: a cluster with track
# ablation on withdrawal and a voltage limit (its simulated time counts the withdrawal).
"$bin" run presets/rfa-cluster-12min.json --out "$work/rf-extensions" --quiet --set grid.spacing_mm=1 \
  --set 'output.formats=["nifti","vti","stl","png","csv"]' \
  --set 'applicators.0.track_ablation={"length_mm":20}' --set 'applicators.0.control.max_voltage_v=150'
if python3 scripts/interop/check_outputs.py "$work/rf-extensions" presets/rfa-cluster-12min.json > "$work/rf-extensions.log"; then
  stage "rf-extensions" "$(tail -n 1 "$work/rf-extensions.log")"
else
  status=1
  grep -E "^FAIL" "$work/rf-extensions.log" || true
  stage "rf-extensions" "$(tail -n 1 "$work/rf-extensions.log")"
fi
# 3D Slicer segmentations (.seg.nrrd written by pynrrd: LPS, layered and single-layer) painted where
# pynrrd and nibabel place them.
if python3 scripts/interop/check_segmentation.py "$bin" > "$work/segmentation.log"; then
  stage "slicer-segmentation" "$(tail -n 1 "$work/segmentation.log")"
else
  status=1
  grep -E "^FAIL" "$work/segmentation.log" || true
  stage "slicer-segmentation" "$(tail -n 1 "$work/segmentation.log")"
fi
# The worked example's segmentation is what its script writes, and its NIfTI and .seg.nrrd agree.
if python3 scripts/interop/check_example.py > "$work/example.log"; then
  stage "worked-example data" "$(tail -n 1 "$work/example.log")"
else
  status=1
  grep -E "^FAIL" "$work/example.log" || true
  stage "worked-example data" "$(tail -n 1 "$work/example.log")"
fi
# The worked example planned from nothing placed, and the plan confirmed by an independent run.
if "$bin" plan presets/examples/liver-case/plan.json --out "$work/liver-plan" --no-cache --quiet \
   && "$bin" run "$work/liver-plan/plan.json" --out "$work/liver-plan-run" --quiet \
   && python3 scripts/interop/check_plan.py "$work/liver-plan" "$work/liver-plan-run" > "$work/plan.log"; then
  stage "worked-example plan" "$(tail -n 1 "$work/plan.log")"
else
  status=1
  grep -E "^FAIL" "$work/plan.log" 2>/dev/null || true
  stage "worked-example plan" "0 passed, 1 failed (plan, run or check stopped)"
fi
# The planner's preference beside a vein that caps the margin (docs/planning.md, "Vessel-capped margin").
if "$bin" plan presets/plan-mwa-25mm-vessel.json --out "$work/vein-capped" --no-cache --quiet \
     --set regions.0.shape.radius_mm=11 --set 'regions.1.shape.start_mm=[20.5,-35,0]' \
     --set 'regions.1.shape.end_mm=[20.5,35,0]' --set regions.1.shape.radius_mm=5 \
   && python3 scripts/interop/check_preference.py "$work/vein-capped" > "$work/preference.log"; then
  stage "planner preference" "$(tail -n 1 "$work/preference.log")"
else
  status=1
  grep -E "^FAIL" "$work/preference.log" 2>/dev/null || true
  stage "planner preference" "0 passed, 1 failed (plan or check stopped)"
fi
# The same runs' decoded necrosis, temperature_max and damage voxels against the recorded digests
# (scripts/digests/check.sh): numbers move only in a commit that says why.
scripts/digests/compare.sh scripts/digests/bundled-presets-1mm.sha256 "$work/digests" "voxel digests at 1 mm" > "$work/digests.log" || status=1
grep -E "^FAIL" "$work/digests.log" || true
stage "voxel digests at 1 mm" "$(tail -n 1 "$work/digests.log" | sed 's/^voxel digests at 1 mm: //')"
[ $status -eq 0 ] || grep -E "^FAIL" "$work/schema.log" || true
awk '{ for (i = 2; i <= NF; i++) { if ($i ~ /^passed/) p += $(i - 1); if ($i ~ /^failed/) f += $(i - 1); if ($i == "not") n += $(i - 1) } }
     END { printf "interop total: %d passed, %d failed, %d not applicable\n", p, f, n }' "$work/stages"
exit $status
