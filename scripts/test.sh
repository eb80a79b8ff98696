#!/usr/bin/env bash
# Installs dependencies, builds, and runs the test suite with ctest.
#   scripts/test.sh                      build/ (RelWithDebInfo)
#   scripts/test.sh --sanitize           build-asan/ with ASan + UBSan
#   scripts/test.sh -R storage -V        extra arguments go to ctest
# Exits with ctest's status.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

sanitize=0
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    -h | --help)
      cat <<EOF
Usage: scripts/test.sh [--sanitize] [ctest args...]

Runs scripts/install-deps.sh --with-browser (the report's browser test needs
chromium and poppler-utils) and scripts/build.sh, then
  ctest --test-dir <builddir> --output-on-failure -j2 --timeout 600 [ctest args...]
--sanitize builds and tests in build-asan/ with ASan + UBSan.
EOF
      exit 0
      ;;
    *) ctest_args+=("$arg") ;;
  esac
done

cd "$REPO_ROOT"
"$REPO_ROOT/scripts/install-deps.sh" --with-browser

build_args=()
build_dir="$REPO_ROOT/build"
if ((sanitize)); then
  build_args+=(--sanitize)
  build_dir="$REPO_ROOT/build-asan"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  log "ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS"
fi
"$REPO_ROOT/scripts/build.sh" "${build_args[@]}" --build-dir "$build_dir"

log "running ctest in $build_dir"
exec ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 "${ctest_args[@]}"
