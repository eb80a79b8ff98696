#!/usr/bin/env bash
# Builds and runs the catalogd benchmark (tests/bench/catalog_bench.cc):
#   1. development certificates in <builddir>/bench-certs (if absent)
#   2. cmake --build <builddir> --target catalog_bench (configures first if
#      the build directory does not exist yet)
#   3. runs catalog_bench with any extra arguments passed through, saving
#      its output in <builddir>/bench-results/
# Method, targets and recorded results: docs/BENCHMARKS.md.
# Environment: BUILD_DIR (default build/ in the repository root), JOBS
# (parallel build jobs, default nproc).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  -h | --help)
    cat <<EOF
Usage: scripts/bench.sh [catalog_bench arguments...]

  e.g. scripts/bench.sh --datasets 100000 --seconds 5
       scripts/bench.sh --datasets 5000 --seconds 2 --only read

catalog_bench arguments (defaults in brackets):
  --datasets N [100000]  --seconds S [5]  --streams K [32]  --clients C [64]
  --rounds R [3]  --channels H [4]  --only read|bulk|create

Environment:
  BUILD_DIR  build directory (default build/ in the repository root)
  JOBS       parallel build jobs (default: nproc)
  TMPDIR     where the benchmark's temporary data directory goes (must be a
             real disk, not tmpfs, for durable writes to mean anything)
EOF
    exit 0
    ;;
esac

if [[ -n "${BUILD_DIR:-}" ]]; then
  build_dir="$(abspath "$BUILD_DIR")"
else
  build_dir="$REPO_ROOT/build"
fi
certs="$build_dir/bench-certs"
results="$build_dir/bench-results"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

require_cmd cmake "Install the dependencies first: scripts/install-deps.sh"
require_cmd ninja "Install the dependencies first: scripts/install-deps.sh"

cache="$build_dir/CMakeCache.txt"
if [[ ! -f "$cache" ]]; then
  log "configuring $build_dir (RelWithDebInfo)"
  cmake -S "$REPO_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ||
    die "CMake configuration failed"
elif ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  die "$build_dir was configured with another generator than Ninja; remove it or set BUILD_DIR"
fi
if grep -q '^CATALOG_SANITIZE:BOOL=ON' "$cache"; then
  warn "$build_dir is a sanitizer build: the numbers will not be representative"
fi
if grep -q '^CMAKE_BUILD_TYPE:STRING=Debug' "$cache"; then
  warn "$build_dir is a Debug build: the numbers will not be representative"
fi

if [[ ! -f "$certs/ca.pem" ]]; then
  log "generating development certificates in $certs"
  "$REPO_ROOT/scripts/gen-dev-certs.sh" "$certs"
fi

log "building catalog_bench in $build_dir ($jobs jobs)"
cmake --build "$build_dir" --target catalog_bench -j"$jobs" || die "build of catalog_bench failed"
bench="$build_dir/bin/catalog_bench"
[[ -x "$bench" ]] || die "$bench was not produced"

mkdir -p "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$results/catalog_bench-$stamp.txt"
json="$results/catalog_bench-$stamp.json"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (2 cores: other builds or tests running now disturb the numbers)"
log "running: $bench --certs $certs $*"

rc=0
"$bench" --certs "$certs" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
sed -n 's/^BENCH_JSON //p' "$out" >"$json"
[[ -s "$json" ]] || rm -f "$json"

log "output saved in $out"
if [[ -f "$json" ]]; then
  log "JSON result in $json"
fi
log "record noteworthy results (with the command) in docs/BENCHMARKS.md"
if ((rc != 0)); then
  die "catalog_bench exited with status $rc"
fi
