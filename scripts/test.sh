#!/usr/bin/env bash
# Installs what the build needs, then runs every test (unit, analytic verification, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build --build-tests
swift test --skip-build
