#!/usr/bin/env bash
# Makes the X.509 part of the `npm start` examples: an example PKI under examples/x509/ (root CA,
# intermediate CA, image-signing certificate; TEST-ONLY keys in examples/x509/secret/), the trust root
# examples/trust/example-ca.yaml (CA bundle examples/trust/certs/example-root-ca.pem), and the Image
# examples/images/checkout.json signed both ways with `imagetrust sign`: OpenPGP with the example
# release key (examples/keys/secret/example-release.asc) and X.509 with the example certificate.
# It also writes the X.509 section of examples/README.md (between the x509-examples markers).
#
#   npm run build && scripts/make-x509-examples.sh              # reuse the keys in examples/x509/secret/
#   npm run build && scripts/make-x509-examples.sh --new-keys   # new keys (new fingerprints)
#
# Run it after scripts/make-examples.sh, which rewrites examples/ from scratch. Needs openssl,
# faketime and jq: certificates are valid from 2025-01-01T00:00:00Z (CAs for 20 and 15 years, the
# signing certificate for 10), signatures are made at 2025-06-01T00:00:00Z, so the example stays
# trusted at the real current time. IMAGETRUST overrides the command (default: node dist/bin.js).
#
# The private keys in examples/x509/secret/ are TEST-ONLY: they are published in this repository.
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EX=$ROOT/examples
X=$EX/x509
IMAGETRUST=${IMAGETRUST:-node $ROOT/dist/bin.js}
for tool in openssl faketime jq; do command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }; done
case "${1:-}" in
  --new-keys) rm -rf "$X/secret" ;;
  "") ;;
  *) echo "usage: $0 [--new-keys]" >&2; exit 2 ;;
esac
[[ -f $EX/keys/secret/example-release.asc ]] || { echo "$0: run scripts/make-examples.sh first" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$X/secret" "$EX/trust/certs" "$EX/images"
ORG='/O=Example Corp'
MT=application/vnd.docker.distribution.manifest.v2+json

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
[ signer ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

for k in example-root-ca example-intermediate-ca example-signer; do
  if [[ -f $X/secret/$k.key ]]; then echo "== key $k: reusing examples/x509/secret/$k.key"
  else echo "== key $k: generating (ECDSA P-256)"
    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$X/secret/$k.key"
  fi
done
faketime '2025-01-01 00:00:00' openssl req -x509 -new -key "$X/secret/example-root-ca.key" -subj "$ORG/CN=Example Root CA" -days 7305 \
  -set_serial 0x01 -sha256 -config "$WORK/ext.cnf" -extensions root_ca -out "$X/example-root-ca.pem"
issue() { # name subject issuer days serial extensions
  openssl req -new -key "$X/secret/$1.key" -subj "$ORG/CN=$2" -config "$WORK/ext.cnf" -out "$WORK/$1.csr"
  faketime '2025-01-01 00:00:00' openssl x509 -req -in "$WORK/$1.csr" -CA "$X/$3.pem" -CAkey "$X/secret/$3.key" -set_serial "$5" \
    -days "$4" -sha256 -extfile "$WORK/ext.cnf" -extensions "$6" -out "$X/$1.pem" 2>/dev/null
}
issue example-intermediate-ca 'Example Intermediate CA' example-root-ca 5479 0x1001 intermediate_ca
issue example-signer 'Example Image Signing' example-intermediate-ca 3652 0x2001 signer
cp "$X/example-root-ca.pem" "$EX/trust/certs/example-root-ca.pem"
fpr() { openssl x509 -in "$X/$1.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1 | tr a-f A-F; }
SIGNER_FPR=$(fpr example-signer)

cat >"$X/secret/README.md" <<'EOF'
# TEST-ONLY private keys

These unprotected private keys belong to the example PKI in `..` (Example Root CA, Example
Intermediate CA, Example Image Signing). They are **published in this repository and worth nothing
as secrets**: never trust these certificates for anything real. `scripts/make-x509-examples.sh`
reuses them so fingerprints stay stable.
EOF

cat >"$EX/trust/example-ca.yaml" <<EOF
# The example PKI's root CA (examples/x509/example-root-ca.pem): trusts x509 signatures whose
# certificate chains to it. Signing certificate: Example Image Signing, publicKeyID $SIGNER_FPR.
apiVersion: imagetrust.io/v1alpha1
kind: TrustRoot
metadata:
  name: example-ca
spec:
  x509:
    caBundle: certs/example-root-ca.pem   # relative to this file
  keyValidity: now
EOF

# An Image like the other examples: a Docker schema 2 manifest pretty-printed with 3 spaces.
fake_digest() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
MANIFEST=$(jq -n --indent 3 --arg mt "$MT" --arg cd "$(fake_digest 'shop/checkout 2.1.0 config')" \
  --arg l1 "$(fake_digest 'shop/checkout 2.1.0 layer 1')" --arg l2 "$(fake_digest 'shop/checkout 2.1.0 layer 2')" \
  '{schemaVersion: 2, mediaType: $mt,
    config: {mediaType: "application/vnd.docker.container.image.v1+json", size: 1655, digest: $cd},
    layers: [{mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 28311552, digest: $l1},
             {mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 4096, digest: $l2}]}')
DIGEST=$(fake_digest "$MANIFEST")
jq -n --arg name "$DIGEST" --arg ref "registry.example.com/shop/checkout@$DIGEST" --arg man "$MANIFEST" --arg mt "$MT" \
  '{apiVersion: "image.openshift.io/v1", kind: "Image", metadata: {name: $name},
    dockerImageReference: $ref, dockerImageManifestMediaType: $mt, dockerImageManifest: $man}' >"$WORK/unsigned.json"

echo "== signing $DIGEST at 2025-06-01T00:00:00Z"
IDENTITY=registry.example.com/shop/checkout:2.1.0
at_sign_time() { FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '@2025-06-01 00:00:00 x0.01' "$@"; }
at_sign_time $IMAGETRUST sign "$WORK/unsigned.json" --identity "$IDENTITY" \
  --openpgp-key "$EX/keys/secret/example-release.asc" -o "$WORK/openpgp.json"
at_sign_time $IMAGETRUST sign "$WORK/openpgp.json" --identity "$IDENTITY" \
  --x509-key "$X/secret/example-signer.key" --x509-cert "$X/example-signer.pem" --x509-chain "$X/example-intermediate-ca.pem" \
  -o "$EX/images/checkout.json"
$IMAGETRUST verify "$EX/images/checkout.json" --trust "$EX/trust" -o table

echo "== examples/README.md"
SECTION=$(cat <<EOF
<!-- x509-examples:begin (written by scripts/make-x509-examples.sh) -->
## X.509 example (\`x509/\`, \`trust/example-ca.yaml\`, \`images/checkout.json\`)

Made by \`scripts/make-x509-examples.sh\` (openssl, faketime, \`imagetrust sign\`); run it after
\`scripts/make-examples.sh\`. An example PKI of ECDSA P-256 keys, valid from 2025-01-01T00:00:00Z:

| certificate | subject | valid for | file |
|---|---|---|---|
| root CA | CN=Example Root CA,O=Example Corp | 20 years | \`x509/example-root-ca.pem\` (also \`trust/certs/\`, trusted by \`trust/example-ca.yaml\`) |
| intermediate CA (pathlen 0) | CN=Example Intermediate CA,O=Example Corp | 15 years | \`x509/example-intermediate-ca.pem\` |
| image signing (digitalSignature, codeSigning) | CN=Example Image Signing,O=Example Corp, publicKeyID \`$SIGNER_FPR\` | 10 years | \`x509/example-signer.pem\` |

> **The private keys in \`x509/secret/\` are TEST-ONLY.** They are published here; never trust
> these certificates for anything real.

| file | image | signatures | expected |
|---|---|---|---|
| \`checkout.json\` | \`shop/checkout\` \`$DIGEST\` | (1) release key (\`atomic\`), (2) Example Image Signing certificate (\`x509\`, CMS with the intermediate CA), both for \`$IDENTITY\`, made 2025-06-01T00:00:00Z with \`imagetrust sign\` | **Trusted**: (1) Verified (\`example-release\`), (2) Verified (\`example-ca\`; issuedBy CN=Example Intermediate CA) |

With it, a run over \`images/\` reports 7 images: 4 Trusted, 2 Untrusted, 1 Unsigned.
<!-- x509-examples:end -->
EOF
)
README=$EX/README.md
if grep -q 'x509-examples:begin' "$README"; then
  awk -v section="$SECTION" '/x509-examples:begin/{print section; skip=1} !skip{print} /x509-examples:end/{skip=0}' "$README" >"$WORK/README.md"
else
  { cat "$README"; echo; echo "$SECTION"; } >"$WORK/README.md"
fi
sed -i 's/^So a run reports 6 images: 3 Trusted, 2 Untrusted, 1 Unsigned,/So a run reports 7 images (with `checkout.json`, below): 4 Trusted, 2 Untrusted, 1 Unsigned,/' "$WORK/README.md"
cp "$WORK/README.md" "$README"
echo "== wrote examples/x509, examples/trust/example-ca.yaml, examples/images/checkout.json"
