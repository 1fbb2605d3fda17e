#!/usr/bin/env bash
# Installs the C libraries ablsim links against (FFTW single+double, zlib) when they are missing.
# Idempotent: does nothing when pkg-config already finds them.
set -euo pipefail
need=()
pkg-config --exists fftw3 fftw3f 2>/dev/null || need+=(libfftw3-dev)
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  echo "ablsim setup: installing ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
