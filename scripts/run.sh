#!/usr/bin/env bash
# Builds ablsim (release) and runs it; with no arguments, `ablsim run` on the bundled default preset.
# Usage: scripts/run.sh [ablsim arguments...]   e.g. scripts/run.sh run presets/heat-source-sphere.json --out out/demo
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build -c release --product ablsim >&2
# The default demo run replaces its own earlier output; any other run refuses to (see --force).
if [ $# -eq 0 ]; then set -- run --out out/heat-source-sphere --force; fi
exec .build/release/ablsim "$@"
