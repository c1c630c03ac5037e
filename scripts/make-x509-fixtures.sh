#!/usr/bin/env bash
# Regenerates test/fixtures/x509/: a small PKI (root CA, intermediate CA with pathlen 0, signer
# certificates for RSA-2048, ECDSA P-256 and Ed25519, and deliberately broken certificates), CMS
# SignedData signatures over a simple-signing payload (`openssl cms -sign -binary -nodetach -outform
# DER`, with and without signed attributes), facts.json and README.md.
#
#   npm run build && scripts/make-x509-fixtures.sh
#
# Needs openssl and faketime (certificate validity windows and the CMS signing time are pinned with
# faketime, so the expected reasons hold at the fixed evaluation time 2026-01-01T00:00:00Z).
# OpenSSL before 3.2 cannot make Ed25519 CMS signatures; then the Ed25519 blobs are made by
# imagetrust's own CMS writer (dist/sign/cms.js, `npm run build` first).
#
# The private keys in test/fixtures/x509/keys/ are TEST-ONLY: they are published in this repository.
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/test/fixtures/x509
for tool in openssl faketime jq; do command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }; done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rm -rf "$OUT/certs" "$OUT/keys" "$OUT/signatures" "$OUT/trust"
mkdir -p "$OUT/certs" "$OUT/keys" "$OUT/signatures" "$OUT/trust"

DIGEST=sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55
REFERENCE=registry.example.com/ns/app:v1
SIGN_TIME='2025-06-01 00:00:00'
SIGN_EPOCH=$(date -u -d "$SIGN_TIME" +%s)
ORG='/O=Imagetrust Fixtures'

cat >"$WORK/ext.cnf" <<'EOF'
[ req ]
distinguished_name = dn
[ dn ]
[ root_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate_ca ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ sub_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ signer ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ no_digital_signature ]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
extendedKeyUsage = codeSigning
[ server_auth ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
[ unknown_critical ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
1.3.6.1.4.1.99999.1 = critical, ASN1:NULL
[ ca_without_key_cert_sign ]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature
EOF

key() { # name type
  local name=$1 type=$2 file=$OUT/keys/$1.key
  case $type in
    rsa1024|rsa2048) openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${type#rsa}" -out "$file" ;;
    p256) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$file" ;;
    ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$file" ;;
  esac
}
self_signed() { # name subject start days serial
  faketime "$3" openssl req -x509 -new -key "$OUT/keys/$1.key" -subj "$ORG/CN=$2" -days "$4" -set_serial "$5" -sha256 \
    -config "$WORK/ext.cnf" -extensions root_ca -out "$OUT/certs/$1.pem"
}
issue() { # name subject issuer start days serial extensions [issuer-key]
  local issuer_key=${8:-$3}
  openssl req -new -key "$OUT/keys/$1.key" -subj "$ORG/CN=$2" -config "$WORK/ext.cnf" -out "$WORK/$1.csr"
  faketime "$4" openssl x509 -req -in "$WORK/$1.csr" -CA "$OUT/certs/$3.pem" -CAkey "$OUT/keys/$issuer_key.key" -set_serial "$6" \
    -days "$5" -sha256 -extfile "$WORK/ext.cnf" -extensions "$7" -out "$OUT/certs/$1.pem" 2>/dev/null
}

echo "== keys and certificates"
for k in root-ca:p256 intermediate-ca:rsa2048 sub-ca:p256 expired-intermediate-ca:p256 lookalike-root-ca:p256 stranger-root-ca:p256 \
  signer-rsa2048:rsa2048 signer-p256:p256 signer-ed25519:ed25519 signer-expired:p256 signer-not-yet-valid:p256 \
  signer-no-digital-signature:p256 signer-server-auth:p256 signer-leaf-as-ca:p256 signer-under-leaf:p256 signer-under-sub-ca:p256 \
  signer-under-lookalike:p256 signer-under-stranger:p256 signer-under-expired-ca:p256 signer-rsa1024:rsa1024 \
  signer-unknown-critical:p256 ca-without-key-cert-sign:p256 signer-under-no-key-cert-sign:p256; do
  key "${k%%:*}" "${k#*:}"
done
self_signed root-ca 'Fixture Root CA' '2020-01-01 00:00:00' 7305 0x01
self_signed lookalike-root-ca 'Fixture Root CA' '2020-01-01 00:00:00' 7305 0x01   # same subject (and serial), another key
self_signed stranger-root-ca 'Fixture Stranger Root CA' '2020-01-01 00:00:00' 7305 0x02
issue intermediate-ca 'Fixture Intermediate CA' root-ca '2021-01-01 00:00:00' 5479 0x1001 intermediate_ca
issue expired-intermediate-ca 'Fixture Expired Intermediate CA' root-ca '2021-01-01 00:00:00' 1095 0x1002 sub_ca
issue sub-ca 'Fixture Sub CA Below Pathlen 0' intermediate-ca '2021-06-01 00:00:00' 3650 0x2001 sub_ca
issue signer-rsa2048 'Fixture RSA-2048 Signer' intermediate-ca '2025-01-01 00:00:00' 730 0x3001 signer
issue signer-p256 'Fixture P-256 Signer' intermediate-ca '2025-01-01 00:00:00' 730 0x3002 signer
issue signer-ed25519 'Fixture Ed25519 Signer' intermediate-ca '2025-01-01 00:00:00' 730 0x3003 signer
issue signer-expired 'Fixture Expired Signer' intermediate-ca '2025-01-01 00:00:00' 200 0x3004 signer
issue signer-not-yet-valid 'Fixture Future Signer' intermediate-ca '2027-01-01 00:00:00' 365 0x3005 signer
issue signer-no-digital-signature 'Fixture Encipherment-Only Certificate' intermediate-ca '2025-01-01 00:00:00' 730 0x3006 no_digital_signature
issue signer-server-auth 'Fixture TLS Server Certificate' intermediate-ca '2025-01-01 00:00:00' 730 0x3007 server_auth
issue signer-leaf-as-ca 'Fixture Leaf Used As CA' intermediate-ca '2025-01-01 00:00:00' 730 0x3008 signer
issue signer-under-leaf 'Fixture Signer Under A Leaf' signer-leaf-as-ca '2025-01-01 00:00:00' 730 0x3009 signer
issue signer-under-sub-ca 'Fixture Signer Under Sub CA' sub-ca '2025-01-01 00:00:00' 730 0x300a signer
issue signer-under-lookalike 'Fixture Signer Under Look-alike Root' lookalike-root-ca '2025-01-01 00:00:00' 730 0x300b signer
issue signer-under-stranger 'Fixture Signer Under Stranger Root' stranger-root-ca '2025-01-01 00:00:00' 730 0x300c signer
issue signer-under-expired-ca 'Fixture Signer Under Expired CA' expired-intermediate-ca '2023-06-01 00:00:00' 1095 0x300d signer
issue signer-rsa1024 'Fixture RSA-1024 Signer' intermediate-ca '2025-01-01 00:00:00' 730 0x300e signer
issue signer-unknown-critical 'Fixture Signer With Unknown Critical Extension' intermediate-ca '2025-01-01 00:00:00' 730 0x300f unknown_critical
issue ca-without-key-cert-sign 'Fixture CA Without keyCertSign' root-ca '2021-01-01 00:00:00' 3650 0x1003 ca_without_key_cert_sign
issue signer-under-no-key-cert-sign 'Fixture Signer Under CA Without keyCertSign' ca-without-key-cert-sign '2025-01-01 00:00:00' 730 0x3010 signer
cp "$OUT/certs/root-ca.pem" "$OUT/trust/root-ca.pem"

echo "== payloads"
printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"atomic container signature"},"optional":{"creator":"imagetrust x509 fixtures","timestamp":%s}}' \
  "$REFERENCE" "$DIGEST" "$SIGN_EPOCH" >"$OUT/payload.json"
printf 'not a simple-signing payload' >"$WORK/invalid-payload.txt"

chain() { cat "${@/#/$OUT/certs/}" >"$WORK/chain.pem"; echo "$WORK/chain.pem"; }
cms() { # out signer chain-file-or-empty payload [openssl cms options...]
  local out=$1 signer=$2 chainfile=$3 payload=$4; shift 4
  faketime "$SIGN_TIME" openssl cms -sign -binary -nodetach -outform DER -in "$payload" -signer "$OUT/certs/$signer.pem" \
    -inkey "$OUT/keys/$signer.key" ${chainfile:+-certfile "$chainfile"} "$@" -out "$OUT/signatures/$out.cms"
}
P=$OUT/payload.json
echo "== CMS signatures (openssl $(openssl version | cut -d' ' -f2))"
cms rsa2048 signer-rsa2048 "$(chain intermediate-ca.pem)" "$P" -md sha256
cms rsa2048.noattr signer-rsa2048 "$(chain intermediate-ca.pem)" "$P" -md sha256 -noattr
cms rsa2048-pss signer-rsa2048 "$(chain intermediate-ca.pem)" "$P" -md sha256 -keyopt rsa_padding_mode:pss
cms p256 signer-p256 "$(chain intermediate-ca.pem)" "$P" -md sha256
cms p256.noattr signer-p256 "$(chain intermediate-ca.pem)" "$P" -md sha256 -noattr
cms p256-with-root signer-p256 "$(chain intermediate-ca.pem root-ca.pem)" "$P" -md sha256
cms expired signer-expired "$(chain intermediate-ca.pem)" "$P" -md sha256
cms not-yet-valid.noattr signer-not-yet-valid "$(chain intermediate-ca.pem)" "$P" -md sha256 -noattr
cms no-digital-signature signer-no-digital-signature "$(chain intermediate-ca.pem)" "$P" -md sha256
cms server-auth signer-server-auth "$(chain intermediate-ca.pem)" "$P" -md sha256
cms leaf-as-issuer signer-under-leaf "$(chain signer-leaf-as-ca.pem intermediate-ca.pem)" "$P" -md sha256
cms pathlen signer-under-sub-ca "$(chain sub-ca.pem intermediate-ca.pem)" "$P" -md sha256
cms lookalike-root signer-under-lookalike "$(chain lookalike-root-ca.pem)" "$P" -md sha256
cms stranger-root signer-under-stranger "$(chain stranger-root-ca.pem)" "$P" -md sha256
cms expired-intermediate signer-under-expired-ca "$(chain expired-intermediate-ca.pem)" "$P" -md sha256
cms rsa1024 signer-rsa1024 "$(chain intermediate-ca.pem)" "$P" -md sha256
cms unknown-critical signer-unknown-critical "$(chain intermediate-ca.pem)" "$P" -md sha256
cms no-key-cert-sign signer-under-no-key-cert-sign "$(chain ca-without-key-cert-sign.pem)" "$P" -md sha256
cms stray-certificate signer-p256 "$(chain intermediate-ca.pem stranger-root-ca.pem)" "$P" -md sha256
cms sha1 signer-p256 "$(chain intermediate-ca.pem)" "$P" -md sha1
cms two-signers signer-p256 "$(chain intermediate-ca.pem)" "$P" -md sha256 -signer "$OUT/certs/signer-rsa2048.pem" -inkey "$OUT/keys/signer-rsa2048.key"
cms no-certs signer-p256 '' "$P" -md sha256 -nocerts
cms invalid-payload signer-p256 "$(chain intermediate-ca.pem)" "$WORK/invalid-payload.txt" -md sha256
faketime "$SIGN_TIME" openssl cms -sign -binary -outform DER -in "$P" -signer "$OUT/certs/signer-p256.pem" -inkey "$OUT/keys/signer-p256.key" \
  -certfile "$(chain intermediate-ca.pem)" -md sha256 -out "$OUT/signatures/detached.cms"

# Ed25519: OpenSSL >= 3.2 signs CMS with Ed25519 (SHA-512, RFC 8419); older versions cannot.
if openssl cms -sign -binary -nodetach -outform DER -md sha512 -in "$P" -signer "$OUT/certs/signer-ed25519.pem" -inkey "$OUT/keys/signer-ed25519.key" \
  -out "$WORK/probe.cms" 2>/dev/null; then
  ED25519_WRITER="openssl cms"
  cms ed25519 signer-ed25519 "$(chain intermediate-ca.pem)" "$P" -md sha512
  cms ed25519.noattr signer-ed25519 "$(chain intermediate-ca.pem)" "$P" -md sha512 -noattr
else
  ED25519_WRITER="imagetrust's CMS writer (dist/sign/cms.js; this openssl cannot sign CMS with Ed25519)"
  [[ -f $ROOT/dist/sign/cms.js ]] || { echo "$0: run npm run build first (needed for the Ed25519 CMS blobs)" >&2; exit 2; }
  (cd "$ROOT" && node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import { createPrivateKey } from "node:crypto";
    import { signCms } from "./dist/sign/cms.js";
    import { readCertificate } from "./dist/x509/certificate.js";
    import { readPemCertificates } from "./dist/x509/anchors.js";
    const [out, time] = process.argv.slice(1);
    const cert = (f) => readCertificate(readPemCertificates(readFileSync(f), f)[0]);
    const material = { privateKey: createPrivateKey(readFileSync(`${out}/keys/signer-ed25519.key`)),
      certificates: [cert(`${out}/certs/signer-ed25519.pem`), cert(`${out}/certs/intermediate-ca.pem`)] };
    const payload = readFileSync(`${out}/payload.json`);
    writeFileSync(`${out}/signatures/ed25519.cms`, signCms(payload, material, new Date(time * 1000)));
    writeFileSync(`${out}/signatures/ed25519.noattr.cms`, signCms(payload, material, new Date(time * 1000), { signedAttributes: false }));
  ' "$OUT" "$SIGN_EPOCH")
fi

echo "== openssl cms -verify of the good signatures"
AT_EPOCH=$(date -u -d 2026-01-01T00:00:00Z +%s)
for s in rsa2048 rsa2048.noattr rsa2048-pss p256 p256.noattr p256-with-root; do
  openssl cms -verify -binary -inform DER -in "$OUT/signatures/$s.cms" -CAfile "$OUT/trust/root-ca.pem" -purpose any -attime "$AT_EPOCH" \
    -out /dev/null 2>"$WORK/verify.log" || { cat "$WORK/verify.log" >&2; exit 1; }
  echo "   $s: $(cat "$WORK/verify.log")"
done

echo "== facts.json"
fpr() { openssl x509 -in "$OUT/certs/$1.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1 | tr a-f A-F; }
serial() { openssl x509 -in "$OUT/certs/$1.pem" -noout -serial | cut -d= -f2; }
declare -A SIGNER=(
  [rsa2048]="signer-rsa2048 Verified" [rsa2048.noattr]="signer-rsa2048 Verified" [rsa2048-pss]="signer-rsa2048 Verified"
  [p256]="signer-p256 Verified" [p256.noattr]="signer-p256 Verified" [p256-with-root]="signer-p256 Verified"
  [ed25519]="signer-ed25519 Verified" [ed25519.noattr]="signer-ed25519 Verified"
  [expired]="signer-expired KeyExpired" [not-yet-valid.noattr]="signer-not-yet-valid NotYetValid"
  [no-digital-signature]="signer-no-digital-signature UntrustedCertificate" [server-auth]="signer-server-auth UntrustedCertificate"
  [leaf-as-issuer]="signer-under-leaf UntrustedCertificate" [pathlen]="signer-under-sub-ca UntrustedCertificate"
  [lookalike-root]="signer-under-lookalike UntrustedCertificate" [stranger-root]="signer-under-stranger UntrustedCertificate"
  [expired-intermediate]="signer-under-expired-ca UntrustedCertificate" [rsa1024]="signer-rsa1024 WeakAlgorithm"
  [unknown-critical]="signer-unknown-critical UntrustedCertificate" [no-key-cert-sign]="signer-under-no-key-cert-sign UntrustedCertificate"
  [stray-certificate]="signer-p256 UntrustedCertificate"
  [sha1]="signer-p256 WeakAlgorithm" [two-signers]="- MultipleSignatures" [no-certs]="- MalformedSignature"
  [detached]="- MalformedSignature" [invalid-payload]="signer-p256 InvalidPayload"
)
{
  echo '{"evaluationTime":"2026-01-01T00:00:00Z","signingTime":"2025-06-01T00:00:00Z",'
  printf '"payload":{"dockerReference":"%s","manifestDigest":"%s"},' "$REFERENCE" "$DIGEST"
  echo '"certificates":['
  first=1
  for c in "$OUT"/certs/*.pem; do
    n=$(basename "$c" .pem)
    ((first)) || echo ','; first=0
    printf '{"name":"%s","fingerprint":"%s","serialNumber":"%s"}' "$n" "$(fpr "$n")" "$(serial "$n")"
  done
  echo '],"signatures":['
  first=1
  for s in $(printf '%s\n' "${!SIGNER[@]}" | sort); do
    read -r cert reason <<<"${SIGNER[$s]}"
    ((first)) || echo ','; first=0
    printf '{"name":"%s","signer":"%s","expected":"%s"}' "$s" "$cert" "$reason"
  done
  echo ']}'
} | jq . >"$OUT/facts.json"
[[ $(ls "$OUT/signatures" | wc -l) == "${#SIGNER[@]}" ]] || { echo "facts.json does not list every signature" >&2; exit 1; }
echo "   Ed25519 blobs by: $ED25519_WRITER"
echo "== wrote $OUT"
