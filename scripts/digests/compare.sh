#!/usr/bin/env bash
# Compares voxel digests (lines "NAME FILE SHA256") with the recorded ones.
# Usage: scripts/digests/compare.sh RECORDED ACTUAL LABEL   (last line: "LABEL: N passed, M failed")
set -euo pipefail
recorded="$1" actual="$2" label="$3"
passed=0 failed=0
while read -r name volume digest; do
  if grep -qx "$name $volume $digest" "$recorded"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name $volume: digest $digest, recorded $(grep "^$name $volume " "$recorded" | cut -d' ' -f3 || echo none)"
  fi
done < "$actual"
if [ "$(wc -l < "$actual")" -ne "$(wc -l < "$recorded")" ]; then
  echo "FAIL $recorded lists $(wc -l < "$recorded") volumes, the run gave $(wc -l < "$actual")"
  failed=$((failed + 1))
fi
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
