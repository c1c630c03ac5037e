#!/usr/bin/env bash
# Regenerates test/fixtures/tls/: a TEST-ONLY certificate authority and two server certificates it
# signed (server-a, server-b), for the `imagetrust serve` tests (TLS, certificate reload) and the
# fake Image API. EC P-256 keys; valid for 100 years from the day they were made; subject
# alternative names localhost, 127.0.0.1, ::1 and imagetrust-webhook.imagetrust.svc.
#
#   scripts/make-tls-fixtures.sh
#
# The private keys are published in the repository and worth nothing: never use them elsewhere.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/test/fixtures/tls
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/ca.key"
openssl req -x509 -new -key "$WORK/ca.key" -sha256 -days 36500 -subj "/O=imagetrust tests/CN=imagetrust test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$OUT/ca.crt"

for name in server-a server-b; do
  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/$name.key"
  openssl req -new -key "$OUT/$name.key" -subj "/O=imagetrust tests/CN=$name" -out "$WORK/$name.csr"
  cat >"$WORK/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:imagetrust-webhook.imagetrust.svc
EXT
  openssl x509 -req -in "$WORK/$name.csr" -CA "$OUT/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 36500 -sha256 \
    -extfile "$WORK/$name.ext" -out "$OUT/$name.crt" 2>/dev/null
done
rm -f "$OUT/ca.srl"
cat >"$OUT/README.md" <<'MD'
# TLS fixtures (TEST-ONLY)

Made by `scripts/make-tls-fixtures.sh` (OpenSSL); re-run it rather than editing by hand.

- `ca.crt`: a throw-away certificate authority (its key was discarded after signing).
- `server-a.crt` / `server-a.key`, `server-b.crt` / `server-b.key`: two server certificates signed
  by that CA (CN `server-a` and `server-b`), subject alternative names `localhost`, `127.0.0.1`,
  `::1` and `imagetrust-webhook.imagetrust.svc`, EC P-256, valid for 100 years.

The tests serve with `server-a`, swap the files for `server-b` to check certificate reload, and
trust `ca.crt` as a client would trust a webhook's `caBundle`.

> **The private keys here are published and worth nothing.** Never use them outside the tests.
MD
echo "wrote $OUT"
