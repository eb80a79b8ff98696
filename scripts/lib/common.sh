# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts
# Shared helpers for the scripts in scripts/. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# After sourcing, REPO_ROOT is the repository root and CALLER_PWD the
# directory the script was started from (user-given relative paths are
# resolved against CALLER_PWD, the scripts' own defaults against REPO_ROOT).

if [[ -n "${_CATALOG_COMMON_SH:-}" ]]; then
  return 0
fi
_CATALOG_COMMON_SH=1

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
CALLER_PWD="${CALLER_PWD:-$PWD}"
SCRIPT_NAME="$(basename "${BASH_SOURCE[-1]:-$0}")"

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '[%s] error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

# abspath PATH: PATH made absolute against the caller's working directory.
abspath() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$CALLER_PWD/$1" ;;
  esac
}

# require_cmd CMD HINT: die with HINT unless CMD is on PATH.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found. $2"
}
