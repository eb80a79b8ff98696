# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts
# Development PKI helpers (openssl CLI only), shared by gen-dev-certs.sh and
# issue-client-cert.sh. Source it after lib/common.sh.
#
# Layout of a certificate directory DIR:
#   ca.pem ca.key                 development CA (ca.key kept to issue more)
#   server.pem server.key         catalogd: DNS localhost, IP 127.0.0.1, IP ::1
#   <principal>.pem <principal>.key
#                                 client certs: CN=<principal>,
#                                 O=Gemeente Voorbeeldstad, OU=<group>,
#                                 URI SAN spiffe://voorbeeldstad.nl/<principal>
# Keys are EC P-256 (mode 600), signatures SHA-256. All signing goes through
# `openssl ca` with a throw-away database, so that explicit (past) validity
# windows are possible on OpenSSL 3.0.

if [[ -n "${_CATALOG_CERTS_SH:-}" ]]; then
  return 0
fi
_CATALOG_CERTS_SH=1

CERTS_ORG="Gemeente Voorbeeldstad"
CERTS_SPIFFE_TRUST_DOMAIN="voorbeeldstad.nl"
CERTS_CA_CN="Gemeente Voorbeeldstad catalogd development CA"
CERTS_CA_DAYS=3650
CERTS_LEAF_DAYS=825
# Window used for deliberately expired certificates (tests).
CERTS_EXPIRED_START="20200101000000Z"
CERTS_EXPIRED_END="20200102000000Z"
# OU given to client certificates whose name is not a known principal.
CERTS_UNKNOWN_OU="onbekend"
# The development principals and their group (OU), in issuing order.
CERTS_PRINCIPALS=(admin steward reader auditor privacy application)
declare -A CERTS_PRINCIPAL_OU=(
  [admin]=beheer
  [steward]=gegevensbeheer
  [reader]=afnemers
  [auditor]=toezicht
  [privacy]=privacy
  [application]=applicaties
)

# certs_ou_for NAME: the OU (group) of a known principal, else CERTS_UNKNOWN_OU.
certs_ou_for() {
  printf '%s\n' "${CERTS_PRINCIPAL_OU[$1]:-$CERTS_UNKNOWN_OU}"
}

# certs_check_name NAME: die unless NAME is usable as CN and file name.
certs_check_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
    die "invalid certificate name '$1' (allowed: letters, digits, '.', '_', '-')"
  case "$1" in
    ca | server) die "'$1' is reserved for the CA/server certificate" ;;
  esac
}

certs_require_openssl() {
  require_cmd openssl "Install it with: scripts/install-deps.sh"
}

# certs_workdir: creates (once) a private scratch directory in CERTS_WORK,
# removed on exit (this sets the EXIT trap of the sourcing script).
certs_workdir() {
  if [[ -z "${CERTS_WORK:-}" ]]; then
    CERTS_WORK="$(mktemp -d "${TMPDIR:-/tmp}/catalog-certs.XXXXXX")"
    # shellcheck disable=SC2064  # expand now: the path is fixed
    trap "rm -rf '$CERTS_WORK'" EXIT
  fi
}

# certs_new_key FILE: new EC P-256 private key (PKCS#8 PEM), mode 600.
certs_new_key() {
  local file="$1"
  (
    umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
      -pkeyopt ec_param_enc:named_curve -out "$file" 2>/dev/null
  ) || die "could not generate EC P-256 key $file"
  chmod 600 "$file"
}

# certs_write_config FILE: minimal openssl config for req and ca; the
# extension sections are chosen with -extensions / -extfile.
certs_write_config() {
  local file="$1" db="$2"
  cat >"$file" <<EOF
[ req ]
distinguished_name = req_dn
prompt             = no
utf8               = yes
string_mask        = utf8only

[ req_dn ]

[ ca ]
default_ca = dev_ca

[ dev_ca ]
database       = $db/index.txt
serial         = $db/serial
new_certs_dir  = $db
default_md     = sha256
policy         = policy_any
unique_subject = no
copy_extensions = none
email_in_dn    = no
preserve       = yes

[ policy_any ]
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ v3_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
EOF
}

# certs_make_ca DIR: self-signed development CA -> DIR/ca.pem, DIR/ca.key.
certs_make_ca() {
  local dir="$1"
  certs_workdir
  local cfg="$CERTS_WORK/ca.cnf"
  mkdir -p "$CERTS_WORK/db"
  certs_write_config "$cfg" "$CERTS_WORK/db"
  certs_new_key "$dir/ca.key"
  openssl req -new -x509 -config "$cfg" -extensions v3_ca -utf8 -sha256 \
    -key "$dir/ca.key" -days "$CERTS_CA_DAYS" \
    -subj "/O=$CERTS_ORG/OU=catalogd/CN=$CERTS_CA_CN" \
    -out "$dir/ca.pem" || die "could not create the CA certificate"
}

# certs_sign CA_DIR OUT_DIR NAME SUBJECT EXTENSIONS VALIDITY
#   Creates OUT_DIR/NAME.key and OUT_DIR/NAME.pem, signed by CA_DIR/ca.pem +
#   CA_DIR/ca.key. EXTENSIONS: openssl extension lines (newline separated).
#   VALIDITY: a number of days, or "expired" for a window in the past.
certs_sign() {
  local ca_dir="$1" out_dir="$2" name="$3" subject="$4" exts="$5" validity="$6"
  certs_workdir
  local work="$CERTS_WORK/$name"
  rm -rf "$work"
  mkdir -p "$work/db"
  : >"$work/db/index.txt"
  certs_write_config "$work/ca.cnf" "$work/db"
  printf '[ leaf ]\nbasicConstraints = critical, CA:FALSE\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n%s\n' \
    "$exts" >"$work/ext.cnf"

  local -a dates
  if [[ "$validity" == expired ]]; then
    dates=(-startdate "$CERTS_EXPIRED_START" -enddate "$CERTS_EXPIRED_END")
  else
    [[ "$validity" =~ ^[1-9][0-9]*$ ]] || die "invalid validity '$validity' (days)"
    dates=(-days "$validity")
  fi

  certs_new_key "$work/key.pem"
  openssl req -new -config "$work/ca.cnf" -utf8 -sha256 -key "$work/key.pem" \
    -subj "$subject" -out "$work/req.csr" ||
    die "could not create the request for $name"
  openssl ca -batch -notext -config "$work/ca.cnf" -rand_serial -preserveDN \
    -cert "$ca_dir/ca.pem" -keyfile "$ca_dir/ca.key" -md sha256 \
    "${dates[@]}" -extfile "$work/ext.cnf" -extensions leaf \
    -in "$work/req.csr" -out "$work/cert.pem" 2>"$work/ca.log" || {
    cat "$work/ca.log" >&2
    die "could not sign the certificate for $name"
  }
  mv -f "$work/key.pem" "$out_dir/$name.key"
  mv -f "$work/cert.pem" "$out_dir/$name.pem"
  chmod 600 "$out_dir/$name.key"
  chmod 644 "$out_dir/$name.pem"
}

# certs_issue_server CA_DIR OUT_DIR: server.pem/server.key for catalogd.
certs_issue_server() {
  certs_sign "$1" "$2" server "/O=$CERTS_ORG/OU=catalogd/CN=localhost" \
    "keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1" "$CERTS_LEAF_DAYS"
}

# certs_issue_client CA_DIR OUT_DIR NAME OU VALIDITY: NAME.pem/NAME.key.
certs_issue_client() {
  local name="$3" ou="$4"
  [[ "$ou" =~ ^[^/=+]+$ ]] || die "invalid OU '$ou'"
  certs_sign "$1" "$2" "$name" "/O=$CERTS_ORG/OU=$ou/CN=$name" \
    "keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = URI:spiffe://$CERTS_SPIFFE_TRUST_DOMAIN/$name" "$5"
}
