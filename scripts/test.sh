#!/usr/bin/env bash
# Installs what the build and the checks need, then runs every test:
#   1. swift test: unit tests, the quick analytic verification suite, CLI and hostile-input tests;
#   2. scripts/interop/run.sh: the schema against the decoder, and the outputs of every bundled
#      preset re-read with independent readers (nibabel, SimpleITK, vtk, meshio, Pillow);
#   3. scripts/fuzz.sh: libFuzzer on the preset decoder and the NIfTI reader, FUZZ_SECONDS each
#      (default 60; FUZZ_SECONDS=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee /tmp/ablsim-swift-test.log
scripts/interop/run.sh .build/debug/ablsim
if [ "${FUZZ_SECONDS:-60}" != 0 ]; then scripts/fuzz.sh "${FUZZ_SECONDS:-60}"; fi
echo "all stages passed"
