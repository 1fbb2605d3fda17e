#!/usr/bin/env bash
# Installs what the build and the checks need, then runs every test:
#   1. swift test (on the optimised build): unit tests, the quick analytic verification suite, CLI and
#      hostile-input tests;
#   2. scripts/interop/run.sh: the schema against the decoder, and the outputs of every bundled
#      preset re-read with independent readers (nibabel, SimpleITK, vtk, meshio, Pillow), run by the
#      optimised ablsim of that build;
#   3. scripts/validation/ci.sh: re-measures the validation table with that ablsim, the held-out rows at
#      1 mm (the size README quotes) and the whole table at 2 mm: every held-out row within its stated
#      tolerance, and the fitted and held-out counts README and docs/validation.md quote unchanged;
#   4. scripts/slurm/integration.sh: a private one-node SLURM cluster runs a 6-case sweep submitted
#      by `ablsim sweep slurm --submit` (installs slurm-wlm and munge if missing);
#   5. scripts/fuzz.sh: libFuzzer on the preset decoder, the NIfTI reader, the NRRD reader and the sweep
#      decoder, FUZZ_SECONDS each
#      (default 30, which keeps the whole script near 21 min on 2 idle cores; FUZZ_SECONDS=0 skips it, and
#      the last line says so; scripts/fuzz.sh 600 fuzzes longer).
# Any failure stops the script with a non-zero status; the last line totals every stage.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
scripts/setup-system.sh
# One optimised build serves every stage: the tests run on it (`-enable-testing` lets them import
# internal symbols; 3 min instead of 8 for the debug build), and its ablsim, the optimised binary users
# run, gives the bundled presets' voxel digests bit for bit, so the later stages use it as it is.
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release --skip-build -Xswiftc -enable-testing 2>&1 | tee "$log/swift.txt"
bin=.build/release/ablsim
scripts/interop/run.sh "$bin" | tee "$log/interop.txt"
scripts/validation/ci.sh "$bin" | tee "$log/validation.txt"
scripts/slurm/integration.sh "$bin" | tee "$log/slurm.txt"
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
