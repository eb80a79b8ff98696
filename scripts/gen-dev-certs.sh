#!/usr/bin/env bash
# Creates a development PKI for catalogd in DIR (openssl CLI only):
#   ca.pem ca.key                         development CA (key kept, see
#                                         scripts/issue-client-cert.sh)
#   server.pem server.key                 DNS localhost, IP 127.0.0.1, IP ::1
#   admin|steward|reader|auditor|privacy|application .pem/.key client
#                                         certificates
# Idempotent: does nothing if DIR/ca.pem exists, unless --force.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/certs.sh
source "$REPO_ROOT/scripts/lib/certs.sh"

usage() {
  cat <<EOF
Usage: scripts/gen-dev-certs.sh [--force] DIR

Creates a development CA, a server certificate (localhost, 127.0.0.1, ::1)
and client certificates for the principals ${CERTS_PRINCIPALS[*]} in DIR.
If DIR/ca.pem already exists nothing is done, unless --force is given
(which replaces the CA and all certificates named above).
EOF
}

force=0
dir=""
while (($#)); do
  case "$1" in
    --force) force=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage >&2
      die "unknown option: $1"
      ;;
    *)
      [[ -z "$dir" ]] || die "only one DIR may be given (got '$dir' and '$1')"
      dir="$1"
      ;;
  esac
  shift
done
[[ -n "$dir" ]] || {
  usage >&2
  die "missing DIR"
}
dir="$(abspath "$dir")"

if [[ -e "$dir/ca.pem" && "$force" -eq 0 ]]; then
  log "$dir/ca.pem already exists: keeping the existing certificates (use --force to regenerate)"
  exit 0
fi

certs_require_openssl
mkdir -p "$dir"
if [[ -e "$dir/ca.pem" ]]; then
  log "--force: replacing the CA in $dir; other certificates issued by the old CA there will no longer verify"
fi

# Everything is created in a staging directory next to the result and moved
# into place at the end, ca.pem last: an existing ca.pem means "complete".
staging="$(mktemp -d "$dir/.gen-dev-certs.XXXXXX")"
certs_workdir
# shellcheck disable=SC2064  # expand now: the paths are fixed
trap "rm -rf '$CERTS_WORK' '$staging'" EXIT

log "creating development CA"
certs_make_ca "$staging"
log "issuing server certificate (localhost, 127.0.0.1, ::1)"
certs_issue_server "$staging" "$staging"
for principal in "${CERTS_PRINCIPALS[@]}"; do
  ou="$(certs_ou_for "$principal")"
  log "issuing client certificate $principal (OU=$ou)"
  certs_issue_client "$staging" "$staging" "$principal" "$ou" "$CERTS_LEAF_DAYS"
done

for name in ca.key server.pem server.key; do
  mv -f "$staging/$name" "$dir/$name"
done
for principal in "${CERTS_PRINCIPALS[@]}"; do
  mv -f "$staging/$principal.pem" "$staging/$principal.key" "$dir/"
done
mv -f "$staging/ca.pem" "$dir/ca.pem"

log "development certificates written to $dir"
log "issue more client certificates with: scripts/issue-client-cert.sh $dir NAME [--ou OU]"
