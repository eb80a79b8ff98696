#!/usr/bin/env bash
# Configures (CMake + Ninja) and builds catalogd. Binaries: <builddir>/bin/
# catalogd and catalogctl. Does not install dependencies: run
# scripts/install-deps.sh first (scripts/run.sh and scripts/test.sh do).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/build.sh [--sanitize] [--release] [--build-dir DIR]

  --sanitize       AddressSanitizer + UBSan (-DCATALOG_SANITIZE=ON);
                   default build directory build-asan/
  --release        CMAKE_BUILD_TYPE=Release (default RelWithDebInfo)
  --build-dir DIR  build directory (default build/ in the repository root;
                   a relative DIR is taken from the current directory)
EOF
}

sanitize=0
build_type=RelWithDebInfo
build_dir=""
while (($#)); do
  case "$1" in
    --sanitize) sanitize=1 ;;
    --release) build_type=Release ;;
    --build-dir)
      (($# >= 2)) || die "option --build-dir needs a value"
      build_dir="$(abspath "$2")"
      shift
      ;;
    --build-dir=*) build_dir="$(abspath "${1#*=}")" ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
  esac
  shift
done

if [[ -z "$build_dir" ]]; then
  if ((sanitize)); then
    build_dir="$REPO_ROOT/build-asan"
  else
    build_dir="$REPO_ROOT/build"
  fi
fi
sanitize_flag=OFF
if ((sanitize)); then
  sanitize_flag=ON
fi

require_cmd cmake "Install the dependencies first: scripts/install-deps.sh"
require_cmd ninja "Install the dependencies first: scripts/install-deps.sh"

# A build directory configured with another generator cannot be reused.
cache="$build_dir/CMakeCache.txt"
if [[ -f "$cache" ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  die "$build_dir was configured with another generator than Ninja; remove it (rm -rf '$build_dir') and run again"
fi

cd "$REPO_ROOT"
log "configuring $build_dir ($build_type, sanitize=$sanitize_flag)"
cmake -S "$REPO_ROOT" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DCATALOG_SANITIZE="$sanitize_flag" ||
  die "CMake configuration failed (missing packages? try scripts/install-deps.sh)"

jobs="$(nproc 2>/dev/null || echo 2)"
log "building with $jobs jobs"
cmake --build "$build_dir" -j"$jobs" || die "build failed"

for bin in catalogd catalogctl; do
  [[ -x "$build_dir/bin/$bin" ]] || warn "expected binary $build_dir/bin/$bin was not produced"
done
log "done: binaries in $build_dir/bin"
