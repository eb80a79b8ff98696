#!/usr/bin/env bash
# One command to a running development catalogue:
#   1. installs dependencies, builds (build/)
#   2. creates development certificates in var/certs (if absent)
#   3. on first run (no data directory yet): loads a deterministic demo
#      landscape through a temporary catalogd on a free loopback port
#   4. runs catalogd in the foreground (exec) with mTLS
# Environment: CATALOG_LISTEN (default 127.0.0.1:7443), CATALOG_DATA_DIR
# (default var/catalog), DEMO_DATASETS (default 500).
# Extra arguments are passed to `catalogd serve`.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  -h | --help)
    cat <<EOF
Usage: scripts/run.sh [extra catalogd serve arguments...]

Environment:
  CATALOG_LISTEN    listen address        (default 127.0.0.1:7443)
  CATALOG_DATA_DIR  catalogue data dir    (default var/catalog in the repository)
  DEMO_DATASETS     demo datasets loaded on first run (default 500)
Delete the data directory to reload the demo landscape.
EOF
    exit 0
    ;;
esac
extra_serve_args=("$@")

listen="${CATALOG_LISTEN:-127.0.0.1:7443}"
if [[ -n "${CATALOG_DATA_DIR:-}" ]]; then
  data_dir="$(abspath "$CATALOG_DATA_DIR")"
else
  data_dir="$REPO_ROOT/var/catalog"
fi
data_dir="${data_dir%/}"
demo_datasets="${DEMO_DATASETS:-500}"
[[ "$demo_datasets" =~ ^[0-9]+$ ]] || die "DEMO_DATASETS must be a number, got '$demo_datasets'"

certs="$REPO_ROOT/var/certs"
bin="$REPO_ROOT/build/bin"
policy="$REPO_ROOT/scripts/dev/policy.toml"
subject_key="$REPO_ROOT/var/processing-subject.key"
health_timeout=30

# --- addresses and ports ------------------------------------------------

# parse_listen ADDR: sets listen_host and listen_port ("[::1]:7443" or
# "127.0.0.1:7443" or ":7443").
parse_listen() {
  if [[ "$1" =~ ^\[([0-9A-Fa-f:.]*)\]:([0-9]+)$ ]] ||
    [[ "$1" =~ ^([^:]*):([0-9]+)$ ]]; then
    listen_host="${BASH_REMATCH[1]}"
    listen_port="${BASH_REMATCH[2]}"
  else
    die "cannot parse listen address '$1' (expected HOST:PORT or [IPV6]:PORT)"
  fi
  ((listen_port > 0 && listen_port < 65536)) || die "invalid port in '$1'"
}

# client_address HOST PORT: the address a local client uses to reach it.
client_address() {
  case "$1" in
    "" | 0.0.0.0) printf '127.0.0.1:%s\n' "$2" ;;
    "::") printf '[::1]:%s\n' "$2" ;;
    *:*) printf '[%s]:%s\n' "$1" "$2" ;;
    *) printf '%s:%s\n' "$1" "$2" ;;
  esac
}

# port_in_use PORT: true if some socket listens on TCP PORT (any address).
port_in_use() {
  local hex files=()
  hex="$(printf '%04X' "$1")"
  [[ -r /proc/net/tcp ]] && files+=(/proc/net/tcp)
  [[ -r /proc/net/tcp6 ]] && files+=(/proc/net/tcp6)
  if ((${#files[@]} == 0)); then
    # No procfs: try to connect instead.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    return
  fi
  awk -v want=":$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == want { found = 1 }
                       END { exit !found }' "${files[@]}"
}

ensure_port_free() {
  local port="$1" what="$2"
  if port_in_use "$port"; then
    local owner=""
    if command -v ss >/dev/null 2>&1; then
      owner="$(ss -H -ltnp "sport = :$port" 2>/dev/null | head -n 3 || true)"
    fi
    die "port $port ($what) is already in use${owner:+:
$owner
}
Is another catalogd running? Stop it, or choose another address, e.g.
  CATALOG_LISTEN=127.0.0.1:$((port + 1)) scripts/run.sh"
  fi
}

pick_free_port() {
  local i port
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  return 1
}

# --- catalogd / catalogctl ----------------------------------------------

# serve_args DATA_DIR LISTEN: fills the array serve_cmd.
serve_args() {
  serve_cmd=("$bin/catalogd" serve --listen "$2" --data-dir "$1"
    --tls-cert "$certs/server.pem" --tls-key "$certs/server.key"
    --client-ca "$certs/ca.pem" --processing-subject-key "$subject_key")
  if [[ -f "$policy" ]]; then
    serve_cmd+=(--policy "$policy")
  fi
}

# ctl SERVER PRINCIPAL ARGS...: catalogctl as PRINCIPAL against SERVER
# (killed after ctl_timeout seconds if that variable is set).
ctl() {
  local server="$1" principal="$2"
  shift 2
  local -a prefix=()
  if [[ -n "${ctl_timeout:-}" ]]; then
    prefix=(timeout "$ctl_timeout")
  fi
  "${prefix[@]}" env CATALOG_SERVER="$server" CATALOG_CA="$certs/ca.pem" \
    CATALOG_CERT="$certs/$principal.pem" CATALOG_KEY="$certs/$principal.key" \
    "$bin/catalogctl" "$@"
}

server_pid=""
staging=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$staging" ]]; then
    rm -rf "$staging"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
  if [[ -s "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n 30 "$1" >&2
    printf -- '---\n' >&2
  fi
}

# wait_healthy SERVER PID LOG: polls until catalogctl gets an answer.
wait_healthy() {
  local server="$1" pid="$2" log_file="$3" deadline=$((SECONDS + health_timeout))
  local probe_err
  probe_err="$(mktemp)"
  until ctl_timeout=10 ctl "$server" admin dataset list --page-size 1 >/dev/null 2>"$probe_err"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log "$log_file"
      rm -f "$probe_err"
      die "catalogd exited during startup (log: $log_file)"
    fi
    if ((SECONDS >= deadline)); then
      show_log "$log_file"
      printf 'last catalogctl error:\n' >&2
      cat "$probe_err" >&2
      rm -f "$probe_err"
      die "catalogd on $server did not become healthy within ${health_timeout}s (log: $log_file)"
    fi
    sleep 0.5
  done
  rm -f "$probe_err"
}

# stop_server PID LOG: SIGTERM, wait (at most 30 s), check the exit status.
stop_server() {
  local pid="$1" log_file="$2" i rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    server_pid=""
    show_log "$log_file"
    die "catalogd did not stop within 30 s after SIGTERM (killed)"
  fi
  wait "$pid" || rc=$?
  server_pid=""
  if ((rc != 0 && rc != 143)); then
    show_log "$log_file"
    die "catalogd exited with status $rc after SIGTERM (log: $log_file)"
  fi
}

# --- main ------------------------------------------------------------------

cd "$REPO_ROOT"
parse_listen "$listen"
ensure_port_free "$listen_port" "CATALOG_LISTEN=$listen"

"$REPO_ROOT/scripts/install-deps.sh"
"$REPO_ROOT/scripts/build.sh"
for b in catalogd catalogctl; do
  [[ -x "$bin/$b" ]] || die "$bin/$b was not built"
done

if [[ ! -f "$certs/ca.pem" ]]; then
  "$REPO_ROOT/scripts/gen-dev-certs.sh" "$certs"
fi
# Principals added since an older run made the certificates.
for principal in privacy application; do
  if [[ ! -f "$certs/$principal.pem" ]]; then
    "$REPO_ROOT/scripts/issue-client-cert.sh" "$certs" "$principal"
  fi
done
# The development key of the processing log's subject-id hashes: outside the
# data directory (server/core/subject_key.h), readable by its owner only.
if [[ ! -s "$subject_key" ]]; then
  log "creating the development subject key $subject_key"
  (umask 077 && openssl rand -hex 32 >"$subject_key")
fi

if [[ ! -e "$data_dir" ]]; then
  # Load into a staging directory and rename it only when everything
  # succeeded, so an interrupted first run never leaves a half-filled
  # catalogue behind (the next run simply loads again).
  mkdir -p "$(dirname "$data_dir")"
  staging="$data_dir.loading"
  rm -rf "$staging"
  load_port="$(pick_free_port)" || die "found no free loopback port for the demo load"
  load_addr="127.0.0.1:$load_port"
  load_log="$(dirname "$data_dir")/demo-load.catalogd.log"
  serve_args "$staging" "$load_addr"
  log "first run: loading $demo_datasets demo datasets via a temporary catalogd on $load_addr (log: $load_log)"
  "${serve_cmd[@]}" >"$load_log" 2>&1 &
  server_pid=$!
  wait_healthy "$load_addr" "$server_pid" "$load_log"
  ctl "$load_addr" admin demo load --datasets "$demo_datasets" --seed 1 ||
    {
      show_log "$load_log"
      die "demo load failed"
    }
  # The processing log of the demo register, written as applications write
  # it (OTLP, the application principal).
  ctl "$load_addr" application demo log --operations 3000 --seed 1 ||
    {
      show_log "$load_log"
      die "demo log failed"
    }
  log "stopping the temporary catalogd"
  stop_server "$server_pid" "$load_log"
  log "checking the indexes of the loaded catalogue"
  "$bin/catalogd" check --data-dir "$staging" ||
    die "catalogd check reported a problem in the freshly loaded catalogue ($staging is removed)"
  mv "$staging" "$data_dir"
  staging=""
  log "demo catalogue ready in $data_dir"
else
  log "using existing catalogue $data_dir (delete it to reload the demo landscape)"
fi

ensure_port_free "$listen_port" "CATALOG_LISTEN=$listen"
serve_args "$data_dir" "$listen"
serve_cmd+=("${extra_serve_args[@]}")
client_addr="$(client_address "$listen_host" "$listen_port")"

q() { printf '%q' "$1"; }
cat <<EOF

catalogd is starting on $listen (data: $data_dir). Stop it with Ctrl-C.
In another shell, from $REPO_ROOT:

  export CATALOG_SERVER=$client_addr CATALOG_CA=$(q "$certs/ca.pem") CATALOG_CERT=$(q "$certs/steward.pem") CATALOG_KEY=$(q "$certs/steward.key")
  build/bin/catalogctl dataset list --page-size 20
  build/bin/catalogctl dataset get brp-ingezetenen
  build/bin/catalogctl dataset list --hosting-kind public_cloud --inside-eea false
  build/bin/catalogctl -o json dataset get bag-adressen-gebouwen

Other principals: use admin, reader, auditor, privacy (privacy officer) or application
(writes the processing log only) instead of steward in CATALOG_CERT/CATALOG_KEY.
More client certificates: scripts/issue-client-cert.sh var/certs NAME [--ou OU]

EOF

trap - EXIT INT TERM
exec "${serve_cmd[@]}"
