#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/) with the fuzzer and address sanitizers and runs each on
# its seed corpus for FUZZ_SECONDS (default 60). Fails on any crash, leak, timeout or OOM.
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-60}}"
scripts/setup-system.sh
cd Fuzz
# SwiftPM can reuse a stale build plan for the path dependency when files were added to or removed
# from the main package; re-planning costs nothing.
rm -f .build/release.yaml
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build "${flags[@]}" >&2
bin="$(swift build "${flags[@]}" --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in PresetFuzzer:preset NIfTIFuzzer:nifti NRRDFuzzer:nrrd SweepFuzzer:sweep; do
  name="${target%%:*}"; corpus="${target##*:}"
  mkdir -p "$work/$corpus"
  cp corpus/"$corpus"/* "$work/$corpus/"
  echo "fuzzing $name for ${seconds}s" >&2
  if ! "$bin/$name" "$work/$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$PWD/" -print_final_stats=1 2> "$work/$name.log"; then
    status=1
    tail -n 40 "$work/$name.log" >&2
    echo "$name: FAILED (artifacts in Fuzz/)" >&2
  else
    grep -E "stat::number_of_executed_units|Done " "$work/$name.log" | tail -n 2 >&2 || true
    echo "$name: no crash, leak or timeout in ${seconds}s" >&2
  fi
done
exit $status
