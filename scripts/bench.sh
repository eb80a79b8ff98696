#!/usr/bin/env bash
# Builds and runs a catalogd benchmark program (tests/bench/):
#   scripts/bench.sh [args...]            catalog_bench: bulk load, reads, creates
#   scripts/bench.sh --lineage [args...]  lineage_bench: GetLineage against a
#                                         PostgreSQL recursive CTE (also
#                                         scripts/bench-lineage.sh)
#   scripts/bench.sh --quality [args...]  quality_bench: bulk measurements,
#                                         GetQualityReport latency
#   scripts/bench.sh --landscape [args...] landscape_bench: GetLandscape at
#                                         100k / 1M datasets
#   1. development certificates in <builddir>/bench-certs (if absent)
#   2. cmake --build <builddir> --target <program> (configures first if the
#      build directory does not exist yet)
#   3. runs the program with any extra arguments passed through, saving its
#      output in <builddir>/bench-results/; for --lineage with PostgreSQL
#      between its two phases (see run_lineage below)
# Method, targets and recorded results: docs/BENCHMARKS.md.
# Environment: BUILD_DIR (default build/ in the repository root), JOBS
# (parallel build jobs, default nproc), TMPDIR, KEEP_WORK (lineage: keep the
# working directory).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

program=catalog_bench
case "${1:-}" in
  --lineage)
    program=lineage_bench
    shift
    ;;
  --quality)
    program=quality_bench
    shift
    ;;
  --landscape)
    program=landscape_bench
    shift
    ;;
esac

case "${1:-}" in
  -h | --help)
    cat <<EOF
Usage: scripts/bench.sh [catalog_bench arguments...]
       scripts/bench.sh --lineage [lineage_bench arguments...]
       (scripts/bench-lineage.sh [lineage_bench arguments...] is the same)
       scripts/bench.sh --quality [quality_bench arguments...]
       scripts/bench.sh --landscape [landscape_bench arguments...]

  e.g. scripts/bench.sh --datasets 100000 --seconds 5
       scripts/bench.sh --datasets 5000 --seconds 2 --only read
       scripts/bench-lineage.sh                       # 1M datasets, ~3M edges
       scripts/bench-lineage.sh --datasets 20000 --rounds 3
       scripts/bench.sh --quality --measurements 500000 --datasets 1000
       scripts/bench.sh --landscape --datasets 100000

catalog_bench arguments (defaults in brackets):
  --datasets N [100000]  --seconds S [5]  --streams K [32]  --clients C [64]
  --rounds R [3]  --channels H [4]  --only read|bulk|create

lineage_bench arguments (defaults in brackets):
  --datasets N [1000000]  --seed S [1]  --roots R [200]  --rounds K [5]
  --large-budget B [100000]
  The script loads the landscape into a store (lineage_bench --phase load),
  starts PostgreSQL on 127.0.0.1 (a fresh cluster in the working directory;
  the package is installed with scripts/install-deps.sh --with-bench when
  missing), loads the same edges with COPY, and measures both
  (lineage_bench --phase measure --psql ...). PostgreSQL is stopped and the
  working directory removed at exit.

quality_bench arguments (defaults in brackets):
  --measurements N [500000]  --datasets D [1000]  --report-years Y [10]
  --report-calls C [2000]  --only bulk|report  --order interleaved|grouped

landscape_bench arguments (defaults in brackets):
  --datasets N [1000000]  --seed S [1]  --calls C [20]  --work DIR [fresh in $TMPDIR]

Environment:
  BUILD_DIR  build directory (default build/ in the repository root)
  JOBS       parallel build jobs (default: nproc)
  TMPDIR     where the temporary data directories go (must be a real disk,
             not tmpfs; the lineage benchmark needs about 3 GB at 1M)
  KEEP_WORK  lineage: set to 1 to keep the working directory
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

log "building $program in $build_dir ($jobs jobs)"
cmake --build "$build_dir" --target "$program" -j"$jobs" || die "build of $program failed"
bench="$build_dir/bin/$program"
[[ -x "$bench" ]] || die "$bench was not produced"

mkdir -p "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$results/$program-$stamp.txt"
json="$results/$program-$stamp.json"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (2 cores: other builds or tests running now disturb the numbers)"

# ---- lineage: PostgreSQL between the two phases of lineage_bench ----------

pg_bin=""
pg_data=""
pg_port=""
work=""

# The newest PostgreSQL server binaries of the Debian package.
find_pg_bin() {
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
    sort -V | tail -n 1)"
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && printf '%s\n' "$dir"
}

# as_postgres CMD...: PostgreSQL refuses to run as root; as root, run as the
# package's postgres user.
as_postgres() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

lineage_cleanup() {
  if [[ -n "$pg_data" && -f "$pg_data/postmaster.pid" ]]; then
    log "stopping PostgreSQL"
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [[ -n "$work" && -d "$work" ]]; then
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then
      log "kept the working directory $work"
    else
      rm -rf "$work"
    fi
  fi
}

# A TCP port nobody listens on right now (the kernel's choice).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
  pg_bin="$(find_pg_bin)" || {
    log "PostgreSQL is not installed: scripts/install-deps.sh --with-bench"
    "$REPO_ROOT/scripts/install-deps.sh" --with-bench
    pg_bin="$(find_pg_bin)" || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  }
  pg_data="$work/pg"
  mkdir -p "$pg_data"
  if ((EUID == 0)); then
    chmod 711 "$work"
    chown postgres:postgres "$pg_data"
  fi
  chmod 700 "$pg_data"
  log "initdb ($pg_bin)"
  as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$work/initdb.log" 2>&1 || die "initdb failed: see $work/initdb.log"
  # Memory for a fair comparison (the edges table and its indexes fit in
  # shared buffers); JIT off, as its compile time would be charged to
  # every traversal. Everything else as Debian ships it.
  local attempt
  for attempt in 1 2 3; do
    pg_port="$(free_port)"
    if as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c shared_buffers=2GB -c work_mem=64MB -c jit=off" \
      start >/dev/null; then
      log "PostgreSQL on 127.0.0.1:$pg_port"
      return 0
    fi
    warn "PostgreSQL did not start on port $pg_port (attempt $attempt); log: $pg_data/server.log"
  done
  die "PostgreSQL did not start"
}

# pg_psql DATABASE ARGS...: psql as postgres on the benchmark's cluster.
pg_psql() {
  local database="$1"
  shift
  psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d "$database" "$@"
}

load_postgres() {
  pg_psql postgres -c "CREATE DATABASE lineage" || die "CREATE DATABASE failed"
  log "loading $(wc -l <"$work/edges.csv") edges into PostgreSQL (COPY, indexes on source and target, VACUUM ANALYZE)"
  local started=$SECONDS
  pg_psql lineage -v ON_ERROR_STOP=1 <<EOF || die "loading PostgreSQL failed"
CREATE TABLE edges (source text NOT NULL, target text NOT NULL);
\copy edges FROM '$work/edges.csv' WITH (FORMAT csv)
CREATE INDEX edges_source ON edges (source);
CREATE INDEX edges_target ON edges (target);
VACUUM ANALYZE edges;
EOF
  log "PostgreSQL loaded in $((SECONDS - started)) s ($(pg_psql lineage -tA -c "SELECT pg_size_pretty(pg_total_relation_size('edges'))") with indexes)"
}

run_lineage() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/lineage-bench.XXXXXX")"
  trap lineage_cleanup EXIT
  log "working directory $work"
  local rc=0
  log "running: $bench --phase load --work $work $*"
  "$bench" --phase load --work "$work" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
  ((rc == 0)) || die "$program --phase load exited with status $rc"
  start_postgres
  load_postgres
  # lineage_bench runs this command line through the shell.
  local psql_line="psql -h 127.0.0.1 -p $pg_port -U postgres -d lineage"
  log "running: $bench --phase measure --work $work --certs $certs --psql '$psql_line' $*"
  "$bench" --phase measure --work "$work" --certs "$certs" --psql "$psql_line" "$@" 2>&1 |
    tee -a "$out" || rc=${PIPESTATUS[0]}
  return "$rc"
}

rc=0
if [[ "$program" == lineage_bench ]]; then
  run_lineage "$@" || rc=$?
else
  log "running: $bench --certs $certs $*"
  "$bench" --certs "$certs" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
fi
sed -n 's/^BENCH_JSON //p' "$out" | tail -n 1 >"$json"
[[ -s "$json" ]] || rm -f "$json"

log "output saved in $out"
if [[ -f "$json" ]]; then
  log "JSON result in $json"
fi
log "record noteworthy results (with the command) in docs/BENCHMARKS.md"
if ((rc != 0)); then
  die "$program exited with status $rc"
fi
