#!/usr/bin/env bash
# Regenerates policies/testdata/: the public keys, trust roots and signed OpenShift Images that the
# PolicyTests beside the example policies in policies/ run against.
#
#   scripts/make-policy-testdata.sh
#
# It signs with the TEST-ONLY example keys in examples/keys/secret/ (made by scripts/make-examples.sh;
# published, worth nothing as secrets), and the X.509 Images with the TEST-ONLY certificate keys of
# test/fixtures/x509/keys/ (scripts/make-x509-fixtures.sh). Only PUBLIC keys and certificates are
# copied into policies/testdata/. Needs gpg, jq and openssl.
#
# A throw-away GNUPGHOME and a frozen clock (--faked-system-time ...!) make every run rewrite the
# same bytes, except images/x509-stranger.json: its signer has a P-256 key, and OpenSSL 3.0 makes
# randomized ECDSA signatures (the new one verifies just the same). OpenPGP keys were created
# 2025-01-01T00:00:00Z and never expire; signatures are made at 2025-06-01T00:00:00Z, except
# fresh.json and one of fresh-and-old.json (2026-05-01T00:00:00Z).
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECRET=$ROOT/examples/keys/secret
OUT=$ROOT/policies/testdata

T_KEY=20250101T000000
T_SIGN=20250601T000000
T_FRESH=20260501T000000
MT=application/vnd.docker.distribution.manifest.v2+json

WORK=$(mktemp -d)
HOME_G=$WORK/gnupg
mkdir -m 700 "$HOME_G"
cleanup() {
  gpgconf --homedir "$HOME_G" --kill all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

g() {
  local t=$1; shift
  gpg --homedir "$HOME_G" --batch --no-tty --pinentry-mode loopback --passphrase '' \
    --faked-system-time "$t!" "$@" 2> >(grep -v 'running with faked system time' >&2)
}

# ---------------------------------------------------------------- keys (public parts only)
rm -rf "$OUT"
mkdir -p "$OUT/keys" "$OUT/certs" "$OUT/trust" "$OUT/trust-build-revoked" "$OUT/trust-release-named-as-ca" "$OUT/trust-x509" "$OUT/images"
declare -A EMAIL=([example-release]=release@example.com [example-build]=build@example.com [unknown-signer]=someone@untrusted.example)
declare -A FPR
for k in example-release example-build unknown-signer; do
  g "$T_KEY" --import "$SECRET/$k.asc" 2>/dev/null
  FPR[$k]=$(g "$T_KEY" --with-colons --fixed-list-mode --list-keys "<${EMAIL[$k]}>" | awk -F: '$1=="fpr"{print $10; exit}')
  [[ ${FPR[$k]} =~ ^[0-9A-F]{40}$ ]] || { echo "no fingerprint for $k" >&2; exit 1; }
  g "$T_KEY" --armor --export "${FPR[$k]}" >"$OUT/keys/$k.asc"
  echo "== key $k ${FPR[$k]}"
done

# ---------------------------------------------------------------- trust roots
trust_root() { # name commonName organization keyfile [revoked-fingerprint]
  cat <<EOF
apiVersion: imagetrust.io/v1alpha1
kind: TrustRoot
metadata:
  name: $1
spec:
  issuer: {commonName: "$2", organization: "$3"}
  openpgp:
    keyring: ../keys/$4   # relative to this file
  keyValidity: now
EOF
  if [[ -n ${5:-} ]]; then echo "  revokedKeys: [$5]"; fi
}
{
  echo "# The example release key (ed25519, ${FPR[example-release]}): TEST-ONLY."
  trust_root example-release "Example Release Signing" "Example Corp" example-release.asc
} >"$OUT/trust/example-release.yaml"
{
  echo "# The example build key (RSA-2048, ${FPR[example-build]}): TEST-ONLY."
  trust_root example-build "Example Build Key" "Example Corp" example-build.asc
} >"$OUT/trust/example-build.yaml"
{
  echo "# The example build key, revoked locally by this trust root (revokedKeys): its signatures are"
  echo "# KeyRevoked with revoked=true. Use it instead of trust/example-build.yaml."
  trust_root example-build "Example Build Key" "Example Corp" example-build.asc "${FPR[example-build]}"
} >"$OUT/trust-build-revoked/example-build.yaml"
{
  echo "# An OpenPGP trust root whose spec.issuer merely CLAIMS the name of the issuing CA that"
  echo "# x509-issuing-ca.yaml requires: an OpenPGP signature must still not pass that policy."
  trust_root release-named-as-ca "Example Issuing CA" "Example Corp" example-release.asc
} >"$OUT/trust-release-named-as-ca/release-named-as-ca.yaml"

# ---------------------------------------------------------------- manifests, signatures, Images
fake_digest() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
manifest() { # label
  jq -n --indent 3 --arg mt "$MT" --arg cd "$(fake_digest "$1 config")" --arg ld "$(fake_digest "$1 layer")" \
    '{schemaVersion: 2, mediaType: $mt,
      config: {mediaType: "application/vnd.docker.container.image.v1+json", size: 1500, digest: $cd},
      layers: [{mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 10485760, digest: $ld}]}' \

}
digest_of() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
payload() { # time reference digest
  local epoch
  epoch=$(date -u -d "${1:0:4}-${1:4:2}-${1:6:2}T${1:9:2}:${1:11:2}:${1:13:2}Z" +%s)
  printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"atomic container signature"},"optional":{"creator":"imagetrust policy testdata","timestamp":%s}}' "$2" "$3" "$epoch"
}
sign_b64() { # time key reference digest -> base64 of the binary signed message
  payload "$1" "$3" "$4" | g "$1" --sign --digest-algo SHA256 --local-user "${FPR[$2]}" | base64 -w0
}
X509=$ROOT/test/fixtures/x509
# A CMS SignedData (DER, payload encapsulated, no signed attributes so that the bytes are
# reproducible: RSA PKCS#1 v1.5 over a fixed payload) carrying the signer's issuing CA.
sign_x509_b64() { # time cert-name reference digest chain-cert-name
  payload "$1" "$3" "$4" >"$WORK/payload"
  openssl cms -sign -binary -nodetach -noattr -outform DER -md sha256 \
    -signer "$X509/certs/$2.pem" -inkey "$X509/keys/$2.key" -certfile "$X509/certs/$5.pem" \
    -in "$WORK/payload" | base64 -w0
}
sig_name() { printf '%s@%s' "$1" "$(base64 -d <<<"$2" | sha256sum | cut -c1-32)"; }

image() { # file reference-repository label [time:key:signed-reference ...]
  local file=$1 repo=$2 label=$3; shift 3
  local man digest sigs='[]' spec t k r b
  man=$(manifest "$label")
  digest=$(digest_of "$man")
  local type chain
  for spec in "$@"; do
    IFS=: read -r t k r <<<"$spec"
    r=${r//@/:} # signed references are written repo@tag in the argument list
    if [[ $k == x509/* ]]; then # x509/<signer certificate>/<issuing CA certificate>
      IFS=/ read -r _ k chain <<<"$k"
      b=$(sign_x509_b64 "$t" "$k" "$r" "$digest" "$chain"); type=x509
    else
      b=$(sign_b64 "$t" "$k" "$r" "$digest"); type=atomic
    fi
    sigs=$(jq -c --arg n "$(sig_name "$digest" "$b")" --arg c "$b" --arg t "$type" '. + [{metadata: {name: $n}, type: $t, content: $c}]' <<<"$sigs")
  done
  jq -n --arg name "$digest" --arg ref "$repo@$digest" --arg man "$man" --arg mt "$MT" --argjson sigs "$sigs" \
    '{apiVersion: "image.openshift.io/v1", kind: "Image", metadata: {name: $name},
      dockerImageReference: $ref, dockerImageManifestMediaType: $mt, dockerImageManifest: $man}
     + (if ($sigs | length) > 0 then {signatures: $sigs} else {} end)' >"$OUT/images/$file"
  echo "== $file $repo@$digest ($# signatures)"
}

E=registry.example.com
image release-signed.json $E/shop/web "shop/web 1.0.0" "$T_SIGN:example-release:$E/shop/web@1.0.0"
image build-signed.json $E/shop/api "shop/api 3.2.0" "$T_SIGN:example-build:$E/shop/api@3.2.0"
image unknown-signer.json $E/shop/tools "shop/tools 0.3.0" "$T_SIGN:unknown-signer:$E/shop/tools@0.3.0"
image unsigned.json $E/shop/search "shop/search 0.2.0"
image wrong-identity.json $E/shop/cart "shop/cart 1.1.0" "$T_SIGN:example-release:$E/other/cart@1.1.0"
image two-signers.json $E/shop/checkout "shop/checkout 2.1.0" \
  "$T_SIGN:example-release:$E/shop/checkout@2.1.0" "$T_SIGN:example-build:$E/shop/checkout@2.1.0"
image same-signer-twice.json $E/shop/inventory "shop/inventory 1.0.0" \
  "$T_SIGN:example-release:$E/shop/inventory@1.0.0" "$T_SIGN:example-release:$E/shop/inventory@1.0"
image release-and-unknown.json $E/shop/ledger "shop/ledger 4.0.0" \
  "$T_SIGN:example-release:$E/shop/ledger@4.0.0" "$T_SIGN:unknown-signer:$E/shop/ledger@4.0.0"
image fresh.json $E/shop/reports "shop/reports 5.0.0" "$T_FRESH:example-release:$E/shop/reports@5.0.0"
image fresh-and-old.json $E/shop/metrics "shop/metrics 6.0.0" \
  "$T_FRESH:example-release:$E/shop/metrics@6.0.0" "$T_SIGN:example-build:$E/shop/metrics@6.0.0"
# Stand-ins for Red Hat images: signed by the example release key, NOT by Red Hat.
image redhat-ubi.json registry.redhat.io/ubi9/ubi "ubi9 9.4" "$T_SIGN:example-release:registry.redhat.io/ubi9/ubi@9.4"
image redhat-access-ubi.json registry.access.redhat.com/ubi8/ubi "ubi8 8.10" "$T_SIGN:example-release:registry.access.redhat.com/ubi8/ubi@8.10"
image redhat-unsigned.json registry.redhat.io/ubi9/ubi-minimal "ubi9-minimal 9.4"
# X.509: signed by the fixture RSA-2048 signer (issued by "Fixture Intermediate CA", below the fixture
# root), and by a signer issued by "Fixture Stranger Root CA".
image x509-intermediate.json $E/secure/app "secure/app 1.0.0" "$T_SIGN:x509/signer-rsa2048/intermediate-ca:$E/secure/app@1.0.0"
image x509-stranger.json $E/secure/tool "secure/tool 1.0.0" "$T_SIGN:x509/signer-under-stranger/stranger-root-ca:$E/secure/tool@1.0.0"
# Mirrored Images: pulled from mirror.example.net, signed for registry.example.com.
image mirror-orders.json mirror.example.net/shop/orders "shop/orders 1.2.0" "$T_SIGN:example-release:$E/shop/orders@1.2.0"
image mirror-other-repo.json mirror.example.net/shop/billing "shop/billing 1.0.0" "$T_SIGN:example-release:$E/other/billing@1.0.0"
image mirror-unknown.json mirror.example.net/shop/orders "shop/orders 1.3.0" "$T_SIGN:unknown-signer:$E/shop/orders@1.3.0"

# ---------------------------------------------------------------- X.509 trust roots (public certificates only)
for c in root-ca intermediate-ca stranger-root-ca; do cp "$X509/certs/$c.pem" "$OUT/certs/$c.pem"; done
x509_root() { # name cert
  cat <<EOF
apiVersion: imagetrust.io/v1alpha1
kind: TrustRoot
metadata:
  name: $1
spec:
  x509:
    caBundle: ../certs/$2   # relative to this file
EOF
}
{ echo "# The fixture root CA of test/fixtures/x509 (TEST-ONLY): it issued Fixture Intermediate CA."; x509_root fixture-root-ca root-ca.pem; } >"$OUT/trust-x509/fixture-root-ca.yaml"
{ echo "# The fixture stranger root CA of test/fixtures/x509 (TEST-ONLY): another trusted CA."; x509_root fixture-stranger-root-ca stranger-root-ca.pem; } >"$OUT/trust-x509/fixture-stranger-root-ca.yaml"

cat >"$OUT/README.md" <<EOF
# Test data for the example policies

Made by \`scripts/make-policy-testdata.sh\` (GnuPG, frozen clock): re-run it rather than editing by
hand. Signed with the **TEST-ONLY** example keys of \`examples/keys/secret/\` (published: never trust
them for anything real); only their public keys are here.

- \`keys/\`: public keys: example-release \`${FPR[example-release]}\`, example-build
  \`${FPR[example-build]}\`, unknown-signer \`${FPR[unknown-signer]}\` (in no trust root here).
- \`trust/\`: trust roots \`example-release\` and \`example-build\`.
- \`trust-build-revoked/\`: \`example-build\` again, revoked locally (\`revokedKeys\`).
- \`trust-release-named-as-ca/\`: the release key under a trust root whose \`issuer.commonName\` claims
  to be \`Example Issuing CA\`.
- \`certs/\` and \`trust-x509/\`: public certificates of the TEST-ONLY PKI of test/fixtures/x509, and two
  X.509 trust roots: \`fixture-root-ca\` (\`Fixture Root CA\`, which issued \`Fixture Intermediate CA\`)
  and \`fixture-stranger-root-ca\` (\`Fixture Stranger Root CA\`). The X.509 signatures are CMS
  SignedData without signed attributes, made with the fixture keys (which are not copied here).
- \`images/\`: OpenShift Images (Docker schema 2 manifests; \`metadata.name\` is their sha256). Keys
  were created 2025-01-01T00:00:00Z and never expire; signatures were made 2025-06-01T00:00:00Z,
  except \`fresh.json\` and the release signature of \`fresh-and-old.json\` (2026-05-01T00:00:00Z).

| image | reference | signatures (signed identity) |
|---|---|---|
| release-signed.json | registry.example.com/shop/web | release (shop/web:1.0.0) |
| build-signed.json | registry.example.com/shop/api | build (shop/api:3.2.0) |
| unknown-signer.json | registry.example.com/shop/tools | unknown-signer (shop/tools:0.3.0) |
| unsigned.json | registry.example.com/shop/search | none |
| wrong-identity.json | registry.example.com/shop/cart | release (other/cart:1.1.0): IdentityMismatch |
| two-signers.json | registry.example.com/shop/checkout | release, build (shop/checkout:2.1.0) |
| same-signer-twice.json | registry.example.com/shop/inventory | release (shop/inventory:1.0.0), release (shop/inventory:1.0) |
| release-and-unknown.json | registry.example.com/shop/ledger | release, unknown-signer (shop/ledger:4.0.0) |
| fresh.json | registry.example.com/shop/reports | release, made 2026-05-01 (shop/reports:5.0.0) |
| fresh-and-old.json | registry.example.com/shop/metrics | release made 2026-05-01, build made 2025-06-01 (shop/metrics:6.0.0) |
| redhat-ubi.json | registry.redhat.io/ubi9/ubi | release (registry.redhat.io/ubi9/ubi:9.4): a stand-in, not Red Hat's key |
| redhat-access-ubi.json | registry.access.redhat.com/ubi8/ubi | release (registry.access.redhat.com/ubi8/ubi:8.10): a stand-in |
| redhat-unsigned.json | registry.redhat.io/ubi9/ubi-minimal | none |
| x509-intermediate.json | registry.example.com/secure/app | x509: Fixture RSA-2048 Signer, issued by Fixture Intermediate CA (secure/app:1.0.0) |
| x509-stranger.json | registry.example.com/secure/tool | x509: Fixture Signer Under Stranger Root, issued by Fixture Stranger Root CA (secure/tool:1.0.0) |
| mirror-orders.json | mirror.example.net/shop/orders | release (registry.example.com/shop/orders:1.2.0) |
| mirror-other-repo.json | mirror.example.net/shop/billing | release (registry.example.com/other/billing:1.0.0) |
| mirror-unknown.json | mirror.example.net/shop/orders | unknown-signer (registry.example.com/shop/orders:1.3.0) |
EOF
echo "== wrote $OUT"
