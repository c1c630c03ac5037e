#!/usr/bin/env bash
# Regenerates test/fixtures/audit/: a TEST-ONLY self-signed client certificate for the audit tests'
# kubeconfig client-certificate authentication against the fake Image API (which trusts exactly this
# certificate). EC P-256, valid for 100 years from the day it was made.
#
#   scripts/make-audit-fixtures.sh
#
# The private key is published in the repository and worth nothing: never use it elsewhere.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/test/fixtures/audit
mkdir -p "$OUT"

openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/client.key"
openssl req -x509 -new -key "$OUT/client.key" -sha256 -days 36500 \
  -subj "/O=system:serviceaccounts/CN=system:serviceaccount:imagetrust:imagetrust-audit" \
  -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
  -addext "extendedKeyUsage=clientAuth" -out "$OUT/client.crt"

cat >"$OUT/README.md" <<'MD'
# Audit test fixtures (TEST-ONLY)

Made by `scripts/make-audit-fixtures.sh` (OpenSSL); re-run it rather than editing by hand.

- `client.crt` / `client.key`: a self-signed client certificate (EC P-256, extended key usage
  clientAuth, valid for 100 years), subject
  `O=system:serviceaccounts, CN=system:serviceaccount:imagetrust:imagetrust-audit`. The audit tests'
  kubeconfig authenticates with it, and the fake Image API (`test/helpers/fake-image-api.ts`) trusts
  exactly this certificate. The fake server itself serves `../tls/server-a.crt`.

> **The private key here is published and worth nothing.** Never use it outside the tests.
MD
