#!/usr/bin/env bash
# Regenerates the `npm start` examples: examples/trust/ (trust roots + keys), examples/images/ (OpenShift
# Images with simple-signing signatures), examples/keys/ and examples/README.md.
#
#   scripts/make-examples.sh             # reuse the keys in examples/keys/secret/ (stable fingerprints)
#   scripts/make-examples.sh --new-keys  # generate the example keys afresh
#
# Keys are created at 2025-01-01T00:00:00Z and never expire (the CLI may run at the real current time);
# signatures are made at 2025-06-01T00:00:00Z. A throw-away GNUPGHOME and a frozen clock
# (--faked-system-time ...!) make every run with the same keys rewrite the same bytes.
#
# The secret keys in examples/keys/secret/ are TEST-ONLY: they are published in this repository.
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EX=$ROOT/examples

NEW_KEYS=0
case "${1:-}" in
  --new-keys) NEW_KEYS=1 ;;
  "") ;;
  *) echo "usage: $0 [--new-keys]" >&2; exit 2 ;;
esac

T_KEY=20250101T000000
T_SIGN=20250601T000000
SIGN_EPOCH=$(date -u -d 2025-06-01T00:00:00Z +%s)
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

PREV=$WORK/previous-secret-keys
mkdir -p "$PREV"
if [[ $NEW_KEYS == 0 && -d $EX/keys/secret ]]; then cp "$EX/keys/secret/"*.asc "$PREV/" 2>/dev/null || true; fi
rm -rf "$EX/trust" "$EX/images" "$EX/keys" "$EX/README.md"
mkdir -p "$EX/trust/keys" "$EX/images" "$EX/keys/secret"

# ---------------------------------------------------------------- keys
KEYS=(example-release example-build unknown-signer)
declare -A PARAMS=(
  [example-release]="Key-Type: EDDSA;Key-Curve: ed25519;Key-Usage: sign;Name-Real: Example Release Signing;Name-Comment: Example Corp;Name-Email: release@example.com"
  [example-build]="Key-Type: RSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Example Build Key;Name-Comment: Example Corp;Name-Email: build@example.com"
  [unknown-signer]="Key-Type: EDDSA;Key-Curve: ed25519;Key-Usage: sign;Name-Real: Unknown Signer;Name-Comment: Not Trusted Ltd;Name-Email: someone@untrusted.example"
)
declare -A EMAIL=([example-release]=release@example.com [example-build]=build@example.com [unknown-signer]=someone@untrusted.example)
declare -A FPR
for k in "${KEYS[@]}"; do
  if [[ -f $PREV/$k.asc ]]; then
    echo "== key $k: reusing examples/keys/secret/$k.asc"
    g "$T_KEY" --import "$PREV/$k.asc" 2>/dev/null
  else
    echo "== key $k: generating"
    { echo '%no-protection'; tr ';' '\n' <<<"${PARAMS[$k]}"; echo 'Expire-Date: 0'; echo "Creation-Date: $T_KEY"; echo '%commit'; } >"$WORK/$k.params"
    g "$T_KEY" --gen-key "$WORK/$k.params" 2>"$WORK/$k.log" || { cat "$WORK/$k.log" >&2; exit 1; }
  fi
  FPR[$k]=$(g "$T_KEY" --with-colons --fixed-list-mode --list-keys "<${EMAIL[$k]}>" | awk -F: '$1=="fpr"{print $10; exit}')
  [[ ${FPR[$k]} =~ ^[0-9A-F]{40}$ ]] || { echo "no fingerprint for $k" >&2; exit 1; }
  echo "   ${FPR[$k]}"
  g "$T_KEY" --armor --export-secret-keys "${FPR[$k]}" >"$EX/keys/secret/$k.asc"
done
g "$T_KEY" --armor --export "${FPR[example-release]}" >"$EX/trust/keys/example-release.asc"
g "$T_KEY" --armor --export "${FPR[example-build]}" >"$EX/trust/keys/example-build.asc"
# the unknown signer's public key is deliberately NOT in examples/trust/
g "$T_KEY" --armor --export "${FPR[unknown-signer]}" >"$EX/keys/unknown-signer.asc"

cat >"$EX/keys/secret/README.md" <<'EOF'
# TEST-ONLY secret keys

These unprotected secret keys sign the examples in `../../images/`. They are **published in this
repository and worth nothing as secrets**: never trust `Example Release Signing`, `Example Build Key`
or `Unknown Signer` for anything real. `scripts/make-examples.sh` reuses them so fingerprints stay stable.
EOF

# ---------------------------------------------------------------- trust roots
trust_root() { # name commonName keyfile
  cat <<EOF
apiVersion: imagetrust.io/v1alpha1
kind: TrustRoot
metadata:
  name: $1
spec:
  issuer: {commonName: "$2", organization: "Example Corp"}
  openpgp:
    keyring: keys/$3   # relative to this file
  keyValidity: now
EOF
}
{
  echo "# Release signing key of Example Corp (ed25519, ${FPR[example-release]})."
  trust_root example-release "Example Release Signing" example-release.asc
} >"$EX/trust/example-release.yaml"
{
  echo "# Build key of Example Corp (RSA-2048, ${FPR[example-build]})."
  trust_root example-build "Example Build Key" example-build.asc
} >"$EX/trust/example-build.yaml"

# ---------------------------------------------------------------- manifests
# Docker schema 2 manifests, pretty-printed with 3 spaces like `docker push` writes them, no final
# newline. The Image's name is the sha256 of exactly these bytes.
fake_digest() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
manifest() { # label config-size layer sizes...
  local label=$1 csize=$2; shift 2
  local layers='[]' i=0
  for size in "$@"; do
    i=$((i + 1))
    layers=$(jq -c --arg d "$(fake_digest "$label layer $i")" --argjson s "$size" \
      '. + [{mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: $s, digest: $d}]' <<<"$layers")
  done
  printf '%s' "$(jq -n --indent 3 --arg mt "$MT" --arg cd "$(fake_digest "$label config")" --argjson cs "$csize" --argjson layers "$layers" \
    '{schemaVersion: 2, mediaType: $mt,
      config: {mediaType: "application/vnd.docker.container.image.v1+json", size: $cs, digest: $cd},
      layers: $layers}')"
}
digest_of() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }

M_FRONTEND=$(manifest "shop/frontend 1.4.2" 1843 2811478 17324 512)
M_BACKEND=$(manifest "shop/backend 2.0.0" 2210 31457280 8642)
M_CART_SIGNED=$(manifest "shop/cart 0.9.0" 1590 24117248)
M_CART=$(manifest "shop/cart 0.9.0 (rebuilt, one layer swapped)" 1590 24117248)
M_UNSIGNED=$(manifest "shop/search 0.1.0" 1402 9437184 2048)
M_CATALOG=$(manifest "shop/catalog 3.1.0" 1977 12582912 40960)
M_PAYMENTS=$(manifest "shop/payments 1.0.0" 1720 20971520)

# ---------------------------------------------------------------- signatures
payload() { # reference digest
  printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"atomic container signature"},"optional":{"creator":"imagetrust examples","timestamp":%s}}' "$1" "$2" "$SIGN_EPOCH"
}
sign_b64() { # key reference digest  -> base64 of the binary signed message
  payload "$2" "$3" | g "$T_SIGN" --sign --digest-algo SHA256 --local-user "${FPR[$1]}" | base64 -w0
}
check_sig() { # label base64 trusted-key-or-empty
  local status
  status=$(base64 -d <<<"$2" | gpg --homedir "$HOME_G" --batch --faked-system-time "$T_SIGN!" --status-fd 1 --verify 2>/dev/null \
    | grep -E '^\[GNUPG:\] (GOODSIG|BADSIG|ERRSIG|EXPSIG|EXPKEYSIG|REVKEYSIG)' || true)
  echo "   gpg --verify $1: $status"
  [[ $status == *GOODSIG* ]] || { echo "signature $1 does not verify" >&2; exit 1; }
}
sig_name() { # image-digest base64 -> <digest>@<32 hex>, derived from the blob so runs are stable
  printf '%s@%s' "$1" "$(base64 -d <<<"$2" | sha256sum | cut -c1-32)"
}

D_FRONTEND=$(digest_of "$M_FRONTEND"); D_BACKEND=$(digest_of "$M_BACKEND")
D_CART=$(digest_of "$M_CART"); D_CART_SIGNED=$(digest_of "$M_CART_SIGNED")
D_UNSIGNED=$(digest_of "$M_UNSIGNED"); D_CATALOG=$(digest_of "$M_CATALOG"); D_PAYMENTS=$(digest_of "$M_PAYMENTS")

echo "== signing at $T_SIGN"
S_FRONTEND=$(sign_b64 example-release registry.example.com/shop/frontend:1.4.2 "$D_FRONTEND"); check_sig frontend "$S_FRONTEND"
S_BACKEND_BUILD=$(sign_b64 example-build registry.example.com/shop/backend:2.0.0 "$D_BACKEND"); check_sig backend/build "$S_BACKEND_BUILD"
S_BACKEND_UNKNOWN=$(sign_b64 unknown-signer registry.example.com/shop/backend:2.0.0 "$D_BACKEND"); check_sig backend/unknown "$S_BACKEND_UNKNOWN"
S_CART=$(sign_b64 example-release registry.example.com/shop/cart:0.9.0 "$D_CART_SIGNED"); check_sig cart "$S_CART"
S_CATALOG=$(sign_b64 example-release registry.example.com/shop/catalog:3.1.0 "$D_CATALOG"); check_sig catalog "$S_CATALOG"
S_PAYMENTS=$(sign_b64 example-build registry.example.com/other/payments:1.0.0 "$D_PAYMENTS"); check_sig payments "$S_PAYMENTS"

# ---------------------------------------------------------------- Images
image_json() { # repo digest manifest [base64...]
  local repo=$1 digest=$2 man=$3; shift 3
  local sigs='[]'
  for b in "$@"; do
    sigs=$(jq -c --arg n "$(sig_name "$digest" "$b")" --arg c "$b" '. + [{metadata: {name: $n}, type: "atomic", content: $c}]' <<<"$sigs")
  done
  jq -n --arg name "$digest" --arg ref "registry.example.com/$repo@$digest" --arg man "$man" --arg mt "$MT" --argjson sigs "$sigs" \
    '{apiVersion: "image.openshift.io/v1", kind: "Image", metadata: {name: $name},
      dockerImageReference: $ref, dockerImageManifestMediaType: $mt, dockerImageManifest: $man}
     + (if ($sigs | length) > 0 then {signatures: $sigs} else {} end)'
}
# YAML for one Image; the manifest goes in a literal block (|-) so its bytes are kept exactly
image_yaml() { # repo digest manifest [base64...]
  local repo=$1 digest=$2 man=$3; shift 3
  cat <<EOF
apiVersion: image.openshift.io/v1
kind: Image
metadata:
  name: "$digest"
dockerImageReference: "registry.example.com/$repo@$digest"
dockerImageManifestMediaType: $MT
dockerImageManifest: |-
$(sed 's/^/  /' <<<"$man")
EOF
  if (($#)); then
    echo "signatures:"
    for b in "$@"; do
      printf -- '- metadata:\n    name: "%s"\n  type: atomic\n  content: %s\n' "$(sig_name "$digest" "$b")" "$b"
    done
  fi
}

image_json shop/frontend "$D_FRONTEND" "$M_FRONTEND" "$S_FRONTEND" >"$EX/images/frontend.json"
image_json shop/cart "$D_CART" "$M_CART" "$S_CART" >"$EX/images/tampered.json"
image_json shop/search "$D_UNSIGNED" "$M_UNSIGNED" >"$EX/images/unsigned.json"
{
  echo "# Two signatures: one by the Example Build Key (trusted), one by a key no trust root holds."
  image_yaml shop/backend "$D_BACKEND" "$M_BACKEND" "$S_BACKEND_BUILD" "$S_BACKEND_UNKNOWN"
} >"$EX/images/backend.yaml"
{
  echo "# An ImageList: catalog is signed for its own repository (trusted); payments' signature names"
  echo "# registry.example.com/other/payments:1.0.0, another repository (IdentityMismatch)."
  echo "apiVersion: image.openshift.io/v1"
  echo "kind: ImageList"
  echo "metadata: {}"
  echo "items:"
  for item in catalog payments; do
    if [[ $item == catalog ]]; then y=$(image_yaml shop/catalog "$D_CATALOG" "$M_CATALOG" "$S_CATALOG")
    else y=$(image_yaml shop/payments "$D_PAYMENTS" "$M_PAYMENTS" "$S_PAYMENTS"); fi
    sed '1s/^/- /; 2,$s/^/  /' <<<"$y"
  done
} >"$EX/images/list.yaml"

# ---------------------------------------------------------------- README
cat >"$EX/README.md" <<EOF
# Examples for \`npm start\`

\`npm start\` runs \`imagetrust verify examples/images --trust examples/trust\` over these files.
Everything here is made by \`scripts/make-examples.sh\` (GnuPG, frozen clock); re-run it rather than
editing by hand (it reuses the keys in \`keys/secret/\`, so fingerprints stay the same).

> **The secret keys in \`keys/secret/\` are TEST-ONLY.** They are published here; never trust these
> keys for anything real.

## Keys (created 2025-01-01T00:00:00Z, no expiry; signatures made 2025-06-01T00:00:00Z)

| key | user ID | fingerprint | where |
|---|---|---|---|
| release | Example Release Signing (Example Corp) <release@example.com>, ed25519 | \`${FPR[example-release]}\` | \`trust/keys/example-release.asc\` (trusted) |
| build | Example Build Key (Example Corp) <build@example.com>, RSA-2048 | \`${FPR[example-build]}\` | \`trust/keys/example-build.asc\` (trusted) |
| unknown | Unknown Signer (Not Trusted Ltd) <someone@untrusted.example>, ed25519 | \`${FPR[unknown-signer]}\` | \`keys/unknown-signer.asc\` (NOT in \`trust/\`) |

## Trust roots (\`trust/\`)

- \`trust/example-release.yaml\`: a \`TrustRoot\` (\`imagetrust.io/v1alpha1\`) named \`example-release\`,
  issuer \`{commonName: "Example Release Signing", organization: "Example Corp"}\`, keyring
  \`keys/example-release.asc\` (relative to the YAML file), \`keyValidity: now\`.
- \`trust/example-build.yaml\`: the same for the build key (\`example-build\`, commonName
  \`Example Build Key\`).
- \`trust/keys/\`: the armored public keys the two trust roots point at. They sit in a subfolder so
  that \`--trust examples/trust\` loads each key once, through its YAML.

## Images (\`images/\`)

Each is an OpenShift \`Image\` (\`image.openshift.io/v1\`): \`metadata.name\` is the sha256 of the raw
\`dockerImageManifest\` string (a Docker schema 2 manifest, pretty-printed with 3 spaces, no final
newline); \`dockerImageReference\` is \`registry.example.com/shop/<name>@<that digest>\`, which is also the
expected identity (default rule \`matchRepoDigestOrExact\`: a digest reference accepts a signature for
any tag of the same repository). Signatures are containers/image simple-signing blobs
(\`type: atomic\`, \`content\` = base64 of a binary OpenPGP signed message, name
\`<digest>@<32 hex>\`).

| file | image | signatures | expected |
|---|---|---|---|
| \`frontend.json\` | \`shop/frontend\` \`${D_FRONTEND}\` | release key, identity \`registry.example.com/shop/frontend:1.4.2\` | **Trusted** (Verified) |
| \`backend.yaml\` | \`shop/backend\` \`${D_BACKEND}\` | (1) build key, identity \`registry.example.com/shop/backend:2.0.0\`; (2) unknown key, same claims | **Trusted**: (1) Verified, (2) UnknownKey — one trusted signature is enough |
| \`tampered.json\` | \`shop/cart\` \`${D_CART}\` | release key, identity \`registry.example.com/shop/cart:0.9.0\`, but signed digest \`${D_CART_SIGNED}\` (the manifest before a layer was swapped) | **Untrusted**: DigestMismatch (Trusted=True, ForImage=False) |
| \`unsigned.json\` | \`shop/search\` \`${D_UNSIGNED}\` | none | **Unsigned** |
| \`list.yaml\` (\`ImageList\`) | \`shop/catalog\` \`${D_CATALOG}\` | release key, identity \`registry.example.com/shop/catalog:3.1.0\` | **Trusted** (Verified) |
| | \`shop/payments\` \`${D_PAYMENTS}\` | build key, identity \`registry.example.com/other/payments:1.0.0\` (another repository) | **Untrusted**: IdentityMismatch (Trusted=True, ForImage=False) |

So a run reports 6 images: 3 Trusted, 2 Untrusted, 1 Unsigned, and exits with status 1 (not every
image is trusted). The keys never expire and nothing is revoked, so the verdicts hold at any
evaluation time from 2025-06-01 on: at the real current time as well as with a pinned \`--at\`.

Other files: \`keys/unknown-signer.asc\` (public key of the unknown signer, for experiments such as
\`--trust examples/keys/unknown-signer.asc\`), \`keys/secret/\` (TEST-ONLY secret keys of all three).
EOF

echo "== wrote $EX"

# The X.509 examples live beside these and are rebuilt on top (this script removed images/ and trust/).
"$ROOT/scripts/make-x509-examples.sh"
