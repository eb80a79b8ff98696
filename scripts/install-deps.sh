#!/usr/bin/env bash
# Installs the Debian 12 packages catalogd needs, skipping what is present.
#   scripts/install-deps.sh                  base set (build, test, run)
#   scripts/install-deps.sh --with-bench     + benchmark baseline (postgresql)
#   scripts/install-deps.sh --with-browser   + chromium, poppler-utils
#   scripts/install-deps.sh --all            every group
# Always, after the packages: the Node client test's npm packages
# (tests/node/package-lock.json) with `npm ci`, when tests/node/node_modules
# is missing or was installed from another lockfile. Node and npm come from
# Debian (nodejs, npm) when the machine has no node yet.
# To add a package, append it to the array of its group below; to add a
# group, add an array and a line to PACKAGE_GROUPS.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The arrays are read through PACKAGE_GROUPS (declare -n).
# shellcheck disable=SC2034
BASE_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # TLS
  openssl libssl-dev
  # gRPC / protobuf
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  # storage and search
  librocksdb-dev libxapian-dev libcsv-dev
  # HTTPS listener (OpenLineage HTTP transport)
  libcpp-httplib-dev
  # memory allocator of catalogd
  libjemalloc-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # libraries
  libabsl-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
  # python test clients, process tools
  python3 python3-grpcio python3-protobuf python3-rdflib procps
)
BENCH_PACKAGES=(
  postgresql # benchmark baseline
  libpq-dev  # the benchmarks' PostgreSQL client (processing_bench)
)
BROWSER_PACKAGES=(
  # the landscape report: PDF and browser test (chromium), page counts
  # (pdfinfo), the font its CSS names
  chromium poppler-utils fonts-dejavu-core
)
# name:array  (in installation order; "base" is always installed)
PACKAGE_GROUPS=(base:BASE_PACKAGES bench:BENCH_PACKAGES browser:BROWSER_PACKAGES)

usage() {
  cat <<EOF
Usage: scripts/install-deps.sh [--with-bench] [--with-browser] [--all]

Installs the Debian 12 packages of the base group (always) and of the
requested optional groups with apt-get, skipping installed packages; then
the npm packages of tests/node (npm ci) unless they are up to date.
  --with-bench     also: ${BENCH_PACKAGES[*]}
  --with-browser   also: ${BROWSER_PACKAGES[*]}
  --all            every group
EOF
}

declare -A wanted=([base]=1)
while (($#)); do
  case "$1" in
    --with-bench) wanted[bench]=1 ;;
    --with-browser) wanted[browser]=1 ;;
    --all) for g in "${PACKAGE_GROUPS[@]}"; do wanted[${g%%:*}]=1; done ;;
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

require_cmd dpkg-query "This script needs a Debian-based system (Debian 12)."

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing_all=()
for g in "${PACKAGE_GROUPS[@]}"; do
  group="${g%%:*}"
  [[ -n "${wanted[$group]:-}" ]] || continue
  declare -n pkgs="${g#*:}"
  missing=()
  for p in "${pkgs[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "$group: all ${#pkgs[@]} packages present"
  else
    log "$group: installing: ${missing[*]}"
    missing_all+=("${missing[@]}")
  fi
  unset -n pkgs
done

# Node for the Node client test: Debian's nodejs and npm, unless the
# machine already has a node and npm (of any origin).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "node: installing: nodejs npm"
  missing_all+=(nodejs npm)
fi

# apt_install PACKAGE...: apt-get update and install (as root or with sudo),
# then checks that every package is installed.
apt_install() {
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 ||
      die "not root and sudo is not available; run as root: apt-get install $*"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update ||
    die "apt-get update failed (is the Debian package archive reachable?)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "$@" ||
    die "apt-get install failed for: $*"

  local still_missing=() p
  for p in "$@"; do
    is_installed "$p" || still_missing+=("$p")
  done
  ((${#still_missing[@]} == 0)) || die "still not installed after apt-get: ${still_missing[*]}"
  log "installed $# package(s)"
}

# npm_install DIR: `npm ci` in DIR (its package-lock.json, no install
# scripts) unless DIR/node_modules was installed from the same lockfile
# (the lockfile's SHA-256 is kept in node_modules/.lockfile.sha256).
npm_install() {
  local dir="$1" stamp="$1/node_modules/.lockfile.sha256" sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
    log "npm: ${dir#"$REPO_ROOT"/}/node_modules is up to date"
    return 0
  fi
  log "npm: npm ci in ${dir#"$REPO_ROOT"/}"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund) ||
    die "npm ci failed in $dir (is the npm registry reachable?)"
  printf '%s\n' "$sum" >"$stamp"
}

if ((${#missing_all[@]} > 0)); then
  apt_install "${missing_all[@]}"
fi
npm_install "$REPO_ROOT/tests/node"
