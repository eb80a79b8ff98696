#!/usr/bin/env bash
# Issues one more client certificate, signed by the development CA in DIR
# (DIR/ca.pem + DIR/ca.key, see scripts/gen-dev-certs.sh). Used by tests for
# unknown principals and expired certificates.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/certs.sh
source "$REPO_ROOT/scripts/lib/certs.sh"

usage() {
  cat <<EOF
Usage: scripts/issue-client-cert.sh DIR NAME [--ou OU] [--days N] [--expired]

Writes DIR/NAME.pem and DIR/NAME.key (replacing existing ones):
subject CN=NAME, O=$CERTS_ORG, OU=OU; extendedKeyUsage clientAuth;
SAN URI spiffe://$CERTS_SPIFFE_TRUST_DOMAIN/NAME.

  --ou OU     organisational unit (group). Default: the group of a known
              principal (admin=beheer, steward=gegevensbeheer,
              reader=afnemers, auditor=toezicht), else '$CERTS_UNKNOWN_OU'.
  --days N    validity in days (default $CERTS_LEAF_DAYS).
  --expired   issue an already expired certificate
              (valid $CERTS_EXPIRED_START .. $CERTS_EXPIRED_END).
EOF
}

dir=""
name=""
ou=""
days="$CERTS_LEAF_DAYS"
expired=0
need_value() { (($# >= 2)) || die "option $1 needs a value"; }
while (($#)); do
  case "$1" in
    --ou)
      need_value "$@"
      ou="$2"
      shift
      ;;
    --days)
      need_value "$@"
      days="$2"
      shift
      ;;
    --expired) expired=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage >&2
      die "unknown option: $1"
      ;;
    *)
      if [[ -z "$dir" ]]; then
        dir="$1"
      elif [[ -z "$name" ]]; then
        name="$1"
      else
        die "unexpected argument: $1"
      fi
      ;;
  esac
  shift
done
[[ -n "$dir" && -n "$name" ]] || {
  usage >&2
  die "DIR and NAME are required"
}
dir="$(abspath "$dir")"
certs_check_name "$name"
[[ "$days" =~ ^[1-9][0-9]*$ ]] || die "--days needs a positive number, got '$days'"
[[ -f "$dir/ca.pem" && -f "$dir/ca.key" ]] ||
  die "no CA in $dir (need ca.pem and ca.key); create it with: scripts/gen-dev-certs.sh $dir"
[[ -n "$ou" ]] || ou="$(certs_ou_for "$name")"
certs_require_openssl

validity="$days"
what="valid for $days days"
if ((expired)); then
  validity=expired
  what="already expired ($CERTS_EXPIRED_START .. $CERTS_EXPIRED_END)"
fi
[[ ! -e "$dir/$name.pem" ]] || log "replacing existing $dir/$name.pem"

certs_issue_client "$dir" "$dir" "$name" "$ou" "$validity"
log "issued $dir/$name.pem (CN=$name, OU=$ou, $what), key $dir/$name.key"
