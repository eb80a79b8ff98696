#!/usr/bin/env bash
# Builds and runs a catalogd benchmark program (tests/bench/):
#   scripts/bench.sh [args...]            catalog_bench: bulk load, reads, creates
#   scripts/bench.sh --lineage [args...]  lineage_bench: GetLineage against a
#                                         PostgreSQL recursive CTE (also
#                                         scripts/bench-lineage.sh)
#   scripts/bench.sh --quality [args...]  quality_bench: bulk measurements,
#                                         GetQualityReport latency
#   scripts/bench.sh --watch [args...]    watch_bench: WatchChanges delivery
#                                         delay under 1,000 writes/s
#   scripts/bench.sh --landscape [args...] landscape_bench: GetLandscape at
#                                         100k / 1M datasets
#   scripts/bench.sh --processing [args...] processing_bench: OTLP ingest and
#                                         inzage of the processing log against
#                                         PostgreSQL (also
#                                         scripts/bench-processing.sh)
#   scripts/bench.sh --search [args...]   search_bench: SearchDatasets at 1M
#                                         datasets against PostgreSQL full
#                                         text (also scripts/bench-search.sh)
#   1. development certificates in <builddir>/bench-certs (if absent)
#   2. cmake --build <builddir> --target <program> (configures first if the
#      build directory does not exist yet)
#   3. runs the program with any extra arguments passed through, saving its
#      output in <builddir>/bench-results/; for --lineage with PostgreSQL
#      between its two phases (see run_lineage below), for --processing with
#      PostgreSQL running alongside (see run_with_postgres below)
# Method, targets and recorded results: docs/BENCHMARKS.md.
# Environment: BUILD_DIR (default build/ in the repository root), JOBS
# (parallel build jobs, default nproc), TMPDIR, KEEP_WORK (lineage,
# processing: keep the working directory), BUILD_LOCK (a lock file: the
# build runs under flock on it, for build directories shared by several
# people).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

program=catalog_bench
case "${1:-}" in
  --lineage)
    program=lineage_bench
    shift
    ;;
  --watch)
    program=watch_bench
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
  --processing)
    program=processing_bench
    shift
    ;;
  --search)
    program=search_bench
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
       scripts/bench.sh --watch [watch_bench arguments...]
       scripts/bench.sh --processing [processing_bench arguments...]
       (scripts/bench-processing.sh [processing_bench arguments...] is the same)
       scripts/bench.sh --search [search_bench arguments...]
       (scripts/bench-search.sh [search_bench arguments...] is the same)

  e.g. scripts/bench.sh --datasets 100000 --seconds 5
       scripts/bench.sh --datasets 5000 --seconds 2 --only read
       scripts/bench-lineage.sh                       # 1M datasets, ~3M edges
       scripts/bench-lineage.sh --datasets 20000 --rounds 3
       scripts/bench.sh --quality --measurements 500000 --datasets 1000
       scripts/bench.sh --landscape --datasets 100000
       scripts/bench.sh --watch --seconds 20          # 10 watchers, 1,000 writes/s
       scripts/bench-processing.sh                    # 20 s ingest, 10M operations
       scripts/bench-processing.sh --seconds 3 --operations 100000 --queries 200
       scripts/bench-search.sh                        # 1M datasets (about 25 min)
       scripts/bench-search.sh --datasets 100000 --seconds 3

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
  --datasets N [1000000]  --seed S [1]  --calls C [20]  --work DIR [fresh in \$TMPDIR]

processing_bench arguments (defaults in brackets):
  --clients C [8]  --spans S [512]  --seconds T [20]  --warmup W [3]
  --floor-seconds F [10]  --no-floors  --operations N [10000000]
  --per-subject P [10]  --checkpoints LIST [N/10,N/2]  --queries Q [2000]
  --query-clients K [8]  --soak-queries M [20000]  --activities A [4]
  --only ingest|inzage
  The script starts PostgreSQL on 127.0.0.1 (a fresh cluster in the working
  directory, TLS with the development certificates, client certificates of
  the development CA required; synchronous_commit and fsync on as shipped)
  and passes it to the program (--pg); the program runs the catalogd binary
  of the same build directory. PostgreSQL is stopped and the working
  directory removed at exit (about 8 GB at 10M operations: TMPDIR must
  have room).

search_bench arguments (defaults in brackets):
  --datasets N [1000000]  --seed S [1]  --seconds S [5]  --rounds R [3]
  --clients LIST [1,8]  --reindex  --lag-max-seconds T [3600]
  The script starts PostgreSQL as for --processing (TLS, client certificates
  required) and passes it to the program (--pg); the program bulk-loads
  catalogd in process (search indexer running), loads the same datasets into
  PostgreSQL (COPY, tsvector 'dutch', GIN) and measures the same 50 queries
  on both. About 4 GB in TMPDIR at 1M.

Environment:
  BUILD_DIR  build directory (default build/ in the repository root)
  JOBS       parallel build jobs (default: nproc)
  TMPDIR     where the temporary data directories go (must be a real disk,
             not tmpfs; the lineage benchmark needs about 3 GB at 1M)
  KEEP_WORK  lineage, processing: set to 1 to keep the working directory
  BUILD_LOCK a lock file; when set, the build runs under flock on it
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

if [[ "$program" == processing_bench || "$program" == search_bench ]] && ! pkg-config --exists libpq 2>/dev/null; then
  die "processing_bench needs libpq (Debian: apt-get install libpq-dev), then reconfigure $build_dir"
fi
build=(cmake --build "$build_dir" --target "$program" -j"$jobs")
if [[ -n "${BUILD_LOCK:-}" ]]; then
  require_cmd flock "BUILD_LOCK needs flock (util-linux)"
  build=(flock "$BUILD_LOCK" "${build[@]}")
fi
log "building $program in $build_dir ($jobs jobs${BUILD_LOCK:+, under flock $BUILD_LOCK})"
"${build[@]}" || die "build of $program failed"
bench="$build_dir/bin/$program"
[[ -x "$bench" ]] || die "$bench was not produced"

mkdir -p "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$results/$program-$stamp.txt"
json="$results/$program-$stamp.json"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (2 cores: other builds or tests running now disturb the numbers)"

# ---- PostgreSQL for lineage_bench and processing_bench ---------------------

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
  # every traversal. Everything else as Debian ships it. The caller may
  # set pg_setup (a function run between initdb and the start) and
  # pg_extra_options (more server options).
  if [[ -n "${pg_setup:-}" ]]; then
    "$pg_setup"
  fi
  local attempt
  for attempt in 1 2 3; do
    pg_port="$(free_port)"
    if as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c shared_buffers=2GB -c work_mem=64MB -c jit=off ${pg_extra_options:-}" \
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

# ---- processing: PostgreSQL alongside processing_bench ----------------------

# PostgreSQL over TLS like catalogd (pg_setup of start_postgres): the
# development server certificate, and on TCP client certificates of the
# development CA required (then trust, as for lineage).
pg_tls_setup() {
  cp "$certs/server.pem" "$pg_data/server.crt"
  cp "$certs/server.key" "$pg_data/server.key"
  cp "$certs/ca.pem" "$pg_data/root.crt"
  printf '%s\n' '# Written by scripts/bench.sh --processing.' \
    'local   all all              trust' \
    'hostssl all all 127.0.0.1/32 trust clientcert=verify-ca' >"$pg_data/pg_hba.conf"
  if ((EUID == 0)); then
    chown postgres:postgres "$pg_data/server.crt" "$pg_data/server.key" "$pg_data/root.crt" \
      "$pg_data/pg_hba.conf"
  fi
  chmod 600 "$pg_data/server.key"
}

# ---- PostgreSQL alongside processing_bench and search_bench -----------------

# run_with_postgres NAME [program arguments...]: a fresh PostgreSQL over TLS
# with client certificates required, passed to the program as --pg.
run_with_postgres() {
  local name="$1"
  shift
  work="$(mktemp -d "${TMPDIR:-/tmp}/$name-bench.XXXXXX")"
  trap lineage_cleanup EXIT
  log "working directory $work"
  pg_setup=pg_tls_setup
  pg_extra_options="-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=root.crt"
  start_postgres
  local conninfo="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres sslmode=verify-ca sslrootcert=$certs/ca.pem sslcert=$certs/application.pem sslkey=$certs/application.key"
  local keep=()
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    keep=(--keep)
  fi
  local rc=0
  log "running: $bench --certs $certs --work $work/bench --pg '$conninfo' ${keep[*]} $*"
  "$bench" --certs "$certs" --work "$work/bench" --pg "$conninfo" "${keep[@]}" "$@" 2>&1 |
    tee "$out" || rc=${PIPESTATUS[0]}
  log "load after the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  return "$rc"
}

rc=0
if [[ "$program" == lineage_bench ]]; then
  run_lineage "$@" || rc=$?
elif [[ "$program" == processing_bench ]]; then
  run_with_postgres processing --catalogd "$build_dir/bin/catalogd" "$@" || rc=$?
elif [[ "$program" == search_bench ]]; then
  run_with_postgres search "$@" || rc=$?
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
