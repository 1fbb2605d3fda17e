#!/usr/bin/env bash
# Installs what the build and the checks need, then runs every test:
#   1. swift test: unit tests, the quick analytic verification suite, CLI and hostile-input tests;
#   2. scripts/interop/run.sh: the schema against the decoder, and the outputs of every bundled
#      preset re-read with independent readers (nibabel, SimpleITK, vtk, meshio, Pillow), run by the
#      release ablsim, the binary users run (scripts/run.sh);
#   3. scripts/validation/ci.sh: re-measures the whole validation table with the release ablsim at
#      the voxel size of validation/expected-ci.json: every held-out row within its stated tolerance, and
#      the fitted and held-out counts README and docs/validation.md quote unchanged;
#   4. scripts/slurm/integration.sh: a private one-node SLURM cluster runs a 6-case sweep submitted
#      by `ablsim sweep slurm --submit` (installs slurm-wlm and munge if missing);
#   5. scripts/fuzz.sh: libFuzzer on the preset decoder, the NIfTI reader, the NRRD reader and the sweep
#      decoder, FUZZ_SECONDS each
#      (default 30, which keeps the whole script near 25 min on 2 cores; FUZZ_SECONDS=0 skips it, and
#      the last line says so; scripts/fuzz.sh 600 fuzzes longer).
# Any failure stops the script with a non-zero status; the last line totals every stage.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
scripts/setup-system.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee "$log/swift.txt"
swift build -c release --product ablsim
scripts/interop/run.sh .build/release/ablsim | tee "$log/interop.txt"
scripts/validation/ci.sh | tee "$log/validation.txt"
scripts/slurm/integration.sh .build/release/ablsim | tee "$log/slurm.txt"
fuzzers=0
fuzz_note=""
if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"; fuzzers=4
else
  fuzz_note="; fuzzing SKIPPED (FUZZ_SECONDS=0)"
fi
# Counted per stage: swift-testing's total (parameterised cases count per case), the interop stage's
# own total, the validation stage's and the SLURM stage's lines; the last line names each.
swift_tests=$(grep -Eo "Test run with [0-9]+ tests? in" "$log/swift.txt" | grep -Eo "[0-9]+" | tail -n 1)
interop=$(grep -E "^interop total: [0-9]+ passed, 0 failed" "$log/interop.txt" | grep -Eo "[0-9]+ passed" | grep -Eo "[0-9]+")
validation=$(grep -E "^[0-9]+ passed, 0 failed" "$log/validation.txt" | tail -n 1 | grep -Eo "^[0-9]+")
slurm=$(grep -E "^[0-9]+ passed, 0 failed" "$log/slurm.txt" | tail -n 1 | grep -Eo "^[0-9]+")
echo "$((swift_tests + interop + validation + slurm + fuzzers)) passed, 0 failed (swift test $swift_tests, interop $interop, validation $validation, slurm $slurm, fuzzers $fuzzers$fuzz_note)"
