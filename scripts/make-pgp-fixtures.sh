#!/usr/bin/env bash
# Regenerates the OpenPGP simple-signing fixtures in test/fixtures/pgp/ with GnuPG (made with 2.2.40).
#
#   scripts/make-pgp-fixtures.sh             # reuse the keys in test/fixtures/pgp/keys/secret/ (stable fingerprints)
#   scripts/make-pgp-fixtures.sh --new-keys  # generate every key afresh (new fingerprints!)
#
# Everything runs in a throw-away GNUPGHOME with a frozen clock (--faked-system-time ...!), so every
# creation, expiry, revocation and signature time is fixed. Inputs (payloads, user IDs, times) are
# fixed, and gpg-agent makes deterministic signatures (RSA PKCS#1 v1.5, EdDSA, and DSA/ECDSA with
# RFC 6979 nonces), so re-running with the same keys rewrites every output byte for byte (checked
# with GnuPG 2.2.40 / libgcrypt 1.10.1). Only --new-keys changes the keys and everything signed.
#
# The secret keys in keys/secret/ are TEST-ONLY: they are published in this repository.
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/test/fixtures/pgp
MANIFEST_SRC=$ROOT/test/fixtures/containers-image/image.manifest.json
MANIFEST_DIGEST=sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55

NEW_KEYS=0
case "${1:-}" in
  --new-keys) NEW_KEYS=1 ;;
  "") ;;
  *) echo "usage: $0 [--new-keys]" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- fixed times
T_KEY=20250101T000000        # every key (and subkey) created
T_SIGN=20250301T000000       # default signing time
T_REVOKE=20250701T000000     # revocation of `revoked` and `retired`
T_EVAL=20260101T000000       # evaluation time the expected reasons in facts.json refer to
T_FUTURE=20270101T000000     # `future` signature
T_BEFORE=20240601T000000     # `before-key` signature (older than its key)
KEY_EXPIRE_SECS=13046400     # 2025-01-01 + 151 days = 2025-06-01T00:00:00Z
SIG_EXPIRE_SECS=2678400      # 2025-03-01 + 31 days  = 2025-04-01T00:00:00Z

epoch() { date -u -d "${1:0:4}-${1:4:2}-${1:6:2}T${1:9:2}:${1:11:2}:${1:13:2}Z" +%s; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

[[ -f $MANIFEST_SRC ]] || { echo "missing $MANIFEST_SRC (copy the containers-image corpus first)" >&2; exit 1; }
actual=sha256:$(sha256sum "$MANIFEST_SRC" | cut -d' ' -f1)
[[ $actual == "$MANIFEST_DIGEST" ]] || { echo "unexpected manifest digest $actual" >&2; exit 1; }

WORK=$(mktemp -d)
SIGNHOME=$WORK/sign-home
VERIFYHOME=$WORK/verify-home
mkdir -m 700 "$SIGNHOME" "$VERIFYHOME"
cleanup() {
  gpgconf --homedir "$SIGNHOME" --kill all >/dev/null 2>&1 || true
  gpgconf --homedir "$VERIFYHOME" --kill all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# gpg at a frozen time: g <home> <yyyymmddThhmmss> args...  (drops gpg's "faked system time" warning)
g() {
  local home=$1 t=$2; shift 2
  gpg --homedir "$home" --batch --no-tty --pinentry-mode loopback --passphrase '' \
    --faked-system-time "$t!" "$@" 2> >(grep -v 'running with faked system time' >&2)
}
gs() { g "$SIGNHOME" "$@"; }
gv() { g "$VERIFYHOME" "$@"; }

# keep the previous secret keys (to reuse them) before the outputs are rewritten
PREV_SECRET_DIR=$WORK/previous-secret-keys
mkdir -p "$PREV_SECRET_DIR"
if [[ $NEW_KEYS == 0 && -d $OUT/keys/secret ]]; then cp "$OUT/keys/secret/"*.asc "$PREV_SECRET_DIR/" 2>/dev/null || true; fi
rm -rf "$OUT/keys" "$OUT/signatures" "$OUT/payloads" "$OUT/facts.json" "$OUT/README.md" "$OUT/image.manifest.json"
mkdir -p "$OUT/keys/secret" "$OUT/signatures" "$OUT/payloads"
cp "$MANIFEST_SRC" "$OUT/image.manifest.json"

# ---------------------------------------------------------------- keys
# name | batch parameters (one per `;`) | user ID lookup (e-mail) | signing subkey to add afterwards
KEY_NAMES=(rsa2048 rsa4096 ed25519 nistp256 nistp384 dsa2048 rsa1024 expiring revoked retired subkey-signer expired-subkey)
declare -A KEY_PARAMS=(
  [rsa2048]="Key-Type: RSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Imagetrust Test RSA-2048;Name-Email: rsa2048@imagetrust.test"
  [rsa4096]="Key-Type: RSA;Key-Length: 4096;Key-Usage: sign;Name-Real: Imagetrust Test RSA-4096;Name-Comment: release key 2;Name-Email: rsa4096@imagetrust.test"
  [ed25519]="Key-Type: EDDSA;Key-Curve: ed25519;Key-Usage: sign;Name-Real: Jane Signer;Name-Comment: Example Corp;Name-Email: jane@example.com"
  [nistp256]="Key-Type: ECDSA;Key-Curve: nistp256;Key-Usage: sign;Name-Real: Imagetrust Test ECDSA-P256;Name-Email: nistp256@imagetrust.test"
  [nistp384]="Key-Type: ECDSA;Key-Curve: nistp384;Key-Usage: sign;Name-Real: Imagetrust Test ECDSA-P384;Name-Email: nistp384@imagetrust.test"
  [dsa2048]="Key-Type: DSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Imagetrust Test DSA-2048;Name-Email: dsa2048@imagetrust.test"
  [rsa1024]="Key-Type: RSA;Key-Length: 1024;Key-Usage: sign;Name-Real: Imagetrust Test RSA-1024;Name-Comment: weak;Name-Email: rsa1024@imagetrust.test"
  [expiring]="Key-Type: RSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Imagetrust Test Expiring;Name-Email: expiring@imagetrust.test;Expire-Date: seconds=$KEY_EXPIRE_SECS"
  [revoked]="Key-Type: RSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Imagetrust Test Revoked;Name-Email: revoked@imagetrust.test"
  [retired]="Key-Type: RSA;Key-Length: 2048;Key-Usage: sign;Name-Real: Imagetrust Test Retired;Name-Email: retired@imagetrust.test"
  [subkey-signer]="Key-Type: EDDSA;Key-Curve: ed25519;Key-Usage: cert;Subkey-Type: RSA;Subkey-Length: 2048;Subkey-Usage: sign;Name-Real: Imagetrust Test Subkey Signer;Name-Email: subkey-signer@imagetrust.test"
  [expired-subkey]="Key-Type: RSA;Key-Length: 2048;Key-Usage: cert;Name-Real: Imagetrust Test Expired Subkey;Name-Email: expired-subkey@imagetrust.test"
)
declare -A KEY_EMAIL=(
  [rsa2048]=rsa2048@imagetrust.test [rsa4096]=rsa4096@imagetrust.test [ed25519]=jane@example.com
  [nistp256]=nistp256@imagetrust.test [nistp384]=nistp384@imagetrust.test [dsa2048]=dsa2048@imagetrust.test
  [rsa1024]=rsa1024@imagetrust.test [expiring]=expiring@imagetrust.test [revoked]=revoked@imagetrust.test
  [retired]=retired@imagetrust.test [subkey-signer]=subkey-signer@imagetrust.test
  [expired-subkey]=expired-subkey@imagetrust.test
)
# subkeys added with --quick-add-key: <algo> <usage> <expiry>
declare -A KEY_ADD_SUBKEY=([expired-subkey]="ed25519 sign seconds=$KEY_EXPIRE_SECS")
# revocations: <menu choice of gpg --gen-revoke> (1 = key has been compromised, 3 = key is no longer used)
declare -A KEY_REVOKE=([revoked]=1 [retired]=3)

declare -A FPR
fingerprint_of() { # home email
  g "$1" "$T_EVAL" --with-colons --fixed-list-mode --list-keys "<$2>" | awk -F: '$1=="fpr"{print $10; exit}'
}

for name in "${KEY_NAMES[@]}"; do
  if [[ -f $PREV_SECRET_DIR/$name.asc ]]; then
    echo "== key $name: reusing keys/secret/$name.asc"
    gs "$T_KEY" --import "$PREV_SECRET_DIR/$name.asc" 2>/dev/null
  else
    echo "== key $name: generating"
    {
      echo '%no-protection'
      tr ';' '\n' <<<"${KEY_PARAMS[$name]}"
      [[ ${KEY_PARAMS[$name]} == *Expire-Date* ]] || echo 'Expire-Date: 0'
      echo "Creation-Date: $T_KEY"
      echo '%commit'
    } >"$WORK/$name.params"
    gs "$T_KEY" --gen-key "$WORK/$name.params" 2>"$WORK/$name.genkey.log" || { cat "$WORK/$name.genkey.log" >&2; exit 1; }
    fpr=$(fingerprint_of "$SIGNHOME" "${KEY_EMAIL[$name]}")
    if [[ -n ${KEY_ADD_SUBKEY[$name]:-} ]]; then
      # shellcheck disable=SC2086
      gs "$T_KEY" --quick-add-key "$fpr" ${KEY_ADD_SUBKEY[$name]} 2>/dev/null
    fi
  fi
  FPR[$name]=$(fingerprint_of "$SIGNHOME" "${KEY_EMAIL[$name]}")
  [[ ${FPR[$name]} =~ ^[0-9A-F]{40}$ ]] || { echo "no fingerprint for $name" >&2; exit 1; }
  # secret key as it is before any revocation (revocations are re-made below at a fixed time)
  gs "$T_KEY" --armor --export-secret-keys "${FPR[$name]}" >"$OUT/keys/secret/$name.asc"
  echo "   ${FPR[$name]}"
done

# ---------------------------------------------------------------- payloads
ts() { epoch "$1"; }
compact_payload() { # reference digest timestamp
  printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"atomic container signature"},"optional":{"creator":"imagetrust fixtures","timestamp":%s}}' "$1" "$2" "$3"
}
REF=registry.example.com/ns/app:v1
OTHER_REF=registry.example.com/ns/other:v1
OTHER_DIGEST=sha256:$(printf '%s' 'imagetrust: this is not the manifest' | sha256sum | cut -d' ' -f1)
compact_payload "$REF" "$MANIFEST_DIGEST" "$(ts $T_SIGN)" >"$OUT/payloads/base.json"
compact_payload "$REF" "$MANIFEST_DIGEST" "$(ts $T_FUTURE)" >"$OUT/payloads/future.json"
compact_payload "$REF" "$MANIFEST_DIGEST" "$(ts $T_BEFORE)" >"$OUT/payloads/before-key.json"
compact_payload "$REF" "$OTHER_DIGEST" "$(ts $T_SIGN)" >"$OUT/payloads/digest-other.json"
compact_payload "$OTHER_REF" "$MANIFEST_DIGEST" "$(ts $T_SIGN)" >"$OUT/payloads/identity-other.json"
# pretty-printed multi-line form (as OpenShift CI writes it), with a final newline
jq --indent 2 . "$OUT/payloads/base.json" >"$OUT/payloads/pretty.json"

# ---------------------------------------------------------------- signatures
# variant | signer key names (comma) | time | payload | extra gpg options
SIG_VARIANTS=(
  "rsa2048|rsa2048|$T_SIGN|base|"
  "rsa4096|rsa4096|$T_SIGN|base|"
  "ed25519|ed25519|$T_SIGN|base|"
  "nistp256|nistp256|$T_SIGN|base|"
  "nistp384|nistp384|$T_SIGN|base|--digest-algo SHA384"
  "dsa2048|dsa2048|$T_SIGN|base|"
  "rsa1024|rsa1024|$T_SIGN|base|"
  "rsa2048-sha1|rsa2048|$T_SIGN|base|--digest-algo SHA1"
  "rsa2048-sha512|rsa2048|$T_SIGN|base|--digest-algo SHA512"
  "rsa2048-uncompressed|rsa2048|$T_SIGN|base|--compress-algo none"
  "rsa2048-zlib|rsa2048|$T_SIGN|base|--compress-algo zlib"
  "rsa2048-bzip2|rsa2048|$T_SIGN|base|--compress-algo bzip2"
  "rsa2048-textmode|rsa2048|$T_SIGN|pretty|--textmode"
  "expiring|expiring|$T_SIGN|base|"
  "revoked|revoked|$T_SIGN|base|"
  "retired|retired|$T_SIGN|base|"
  "subkey-signer|subkey-signer|$T_SIGN|base|"
  "expired-subkey|expired-subkey|$T_SIGN|base|"
  "sig-expires|rsa2048|$T_SIGN|base|--default-sig-expire seconds=$SIG_EXPIRE_SECS"
  "future|rsa2048|$T_FUTURE|future|"
  "before-key|rsa2048|$T_BEFORE|before-key|--ignore-time-conflict"
  "double|rsa2048,ed25519|$T_SIGN|base|"
  "payload-digest-other|rsa2048|$T_SIGN|digest-other|"
  "payload-identity-other|rsa2048|$T_SIGN|identity-other|"
)
SKIPPED=()
for v in "${SIG_VARIANTS[@]}"; do
  IFS='|' read -r variant signers t payload extra <<<"$v"
  users=()
  IFS=',' read -ra sl <<<"$signers"
  for s in "${sl[@]}"; do users+=(--local-user "${FPR[$s]}"); done
  digest_opt=(--digest-algo SHA256)
  [[ $extra == *--digest-algo* ]] && digest_opt=()
  # shellcheck disable=SC2086
  if ! gs "$t" --sign "${digest_opt[@]}" $extra "${users[@]}" --output "$OUT/signatures/$variant.signature" \
        <"$OUT/payloads/$payload.json" 2>"$WORK/$variant.err"; then
    echo "!! gpg refused to make $variant:" >&2; cat "$WORK/$variant.err" >&2
    rm -f "$OUT/signatures/$variant.signature"
    SKIPPED+=("$variant")
    continue
  fi
  echo "== signed $variant (signers $signers, time $t, payload $payload.json${extra:+, $extra})"
done

# non-key armor: an armored detached signature (a "keyring" holding no public key)
printf 'This file is an armored OpenPGP signature, not a key.\n' \
  | gs "$T_SIGN" --armor --detach-sign --digest-algo SHA256 --local-user "${FPR[rsa2048]}" >"$OUT/keys/no-public-key.asc"

# ---------------------------------------------------------------- revocations (after signing)
for name in "${!KEY_REVOKE[@]}"; do
  printf 'y\n%s\n\ny\n' "${KEY_REVOKE[$name]}" \
    | gpg --homedir "$SIGNHOME" --no-tty --pinentry-mode loopback --passphrase '' \
        --faked-system-time "$T_REVOKE!" --command-fd 0 --armor --output "$WORK/$name.rev" \
        --gen-revoke "${FPR[$name]}" 2>/dev/null
  gs "$T_REVOKE" --import "$WORK/$name.rev" 2>/dev/null
  echo "== revoked $name at $T_REVOKE (gen-revoke choice ${KEY_REVOKE[$name]})"
done

# ---------------------------------------------------------------- public exports
for name in "${KEY_NAMES[@]}"; do
  gs "$T_EVAL" --armor --export "${FPR[$name]}" >"$OUT/keys/$name.asc"
done
gs "$T_EVAL" --export "${FPR[rsa2048]}" >"$OUT/keys/rsa2048.gpg"

# verification home: only the exported public keys
for name in "${KEY_NAMES[@]}"; do gv "$T_EVAL" --import "$OUT/keys/$name.asc" 2>/dev/null; done
# `gpg --list-keys` text followed by the armored key, as Red Hat's redhat.txt is laid out
{
  gv "$T_EVAL" --trust-model always --keyid-format long --list-keys "${FPR[rsa2048]}"
  cat "$OUT/keys/rsa2048.asc"
} >"$OUT/keys/listing-then-armor.txt"

# ---------------------------------------------------------------- verify every signature with gpg
# gpg's verdict at the evaluation time with the final (revocations included) public keys. gpg's
# rules are not the contract's (gpg accepts SHA-1, RSA-1024, DSA and future signatures); the expected
# gpg keywords below only catch broken outputs.
declare -A GPG_EXPECT=(
  [expiring]=EXPKEYSIG [expired-subkey]=EXPKEYSIG [revoked]=REVKEYSIG [retired]=REVKEYSIG
  [sig-expires]=EXPSIG [before-key]=ERRSIG [double]="GOODSIG GOODSIG"
)
declare -A GPG_STATUS
fail=0
echo
echo "== gpg --verify at $T_EVAL (status lines)"
for v in "${SIG_VARIANTS[@]}"; do
  variant=${v%%|*}
  f=$OUT/signatures/$variant.signature
  [[ -f $f ]] || continue
  status=$(gv "$T_EVAL" --trust-model always --status-fd 1 --verify "$f" 2>/dev/null || true)
  words=$(awk '$1=="[GNUPG:]" && $2 ~ /^(GOODSIG|BADSIG|EXPSIG|EXPKEYSIG|REVKEYSIG|ERRSIG)$/ {print $2}' <<<"$status" | paste -sd' ')
  GPG_STATUS[$variant]=$words
  want=${GPG_EXPECT[$variant]:-GOODSIG}
  mark=ok; [[ $words == "$want" ]] || { mark="MISMATCH (want $want)"; fail=1; }
  echo "-- $variant: $words $mark"
  grep -E '^\[GNUPG:\] (GOODSIG|BADSIG|EXPSIG|EXPKEYSIG|REVKEYSIG|ERRSIG|VALIDSIG|KEYEXPIRED|KEYREVOKED|SIGEXPIRED)' <<<"$status" | sed 's/^/   /'
done
[[ $fail == 0 ]] || { echo "some signatures did not verify as expected" >&2; exit 1; }

# ---------------------------------------------------------------- facts.json
algo_name() { case $1 in 1) echo RSA ;; 16) echo ElGamal ;; 17) echo DSA ;; 18) echo ECDH ;; 19) echo ECDSA ;; 22) echo EdDSA ;; *) echo "algo$1" ;; esac; }
digest_name() { case $1 in 1) echo MD5 ;; 2) echo SHA1 ;; 3) echo RIPEMD160 ;; 8) echo SHA256 ;; 9) echo SHA384 ;; 10) echo SHA512 ;; 11) echo SHA224 ;; *) echo "digest$1" ;; esac; }
compress_name() { case $1 in 0) echo none ;; 1) echo ZIP ;; 2) echo ZLIB ;; 3) echo BZIP2 ;; *) echo "compress$1" ;; esac; }
reason_name() { case $1 in 00) echo "no reason specified" ;; 01) echo "key is superseded" ;; 02) echo "key has been compromised" ;; 03) echo "key is no longer used" ;; 20) echo "user ID is no longer valid" ;; *) echo "reason $1" ;; esac; }

ts_or_null() { if [[ -n $1 ]]; then jq -n --arg t "$(iso "$1")" '$t'; else echo null; fi; }

keys_json=$WORK/keys.json
: >"$keys_json"
for name in "${KEY_NAMES[@]}"; do
  colons=$(gv "$T_EVAL" --with-colons --fixed-list-mode --list-sigs "${FPR[$name]}")
  pub=$(awk -F: '$1=="pub"{print; exit}' <<<"$colons")
  IFS=: read -ra P <<<"$pub"
  uid=$(awk -F: '$1=="uid"{print $10; exit}' <<<"$colons")
  rev=$(awk -F: '$1=="rev"{print; exit}' <<<"$colons")
  revocation=null
  if [[ -n $rev ]]; then
    IFS=: read -ra R <<<"$rev"
    code=${R[10]#*,}
    kind=soft; [[ $code == 00 || $code == 02 ]] && kind=hard
    revocation=$(jq -n --arg t "$(iso "${R[5]}")" --arg c "$code" --arg r "$(reason_name "$code")" --arg k "$kind" \
      '{time: $t, reasonCode: ($c|tonumber), reason: $r, kind: $k}')
  fi
  # subkeys: sub line followed by its fpr line
  subkeys=$(awk -F: '
      $1=="sub"{algo=$4; len=$3; cr=$6; ex=$7; cap=$12; curve=$17; want=1; next}
      $1=="fpr" && want {printf "%s|%s|%s|%s|%s|%s|%s\n", $10, algo, len, cr, ex, cap, curve; want=0}
    ' <<<"$colons" | while IFS='|' read -r sfpr salgo slen scr sex scap scurve; do
      jq -n --arg fpr "$sfpr" --arg algo "$(algo_name "$salgo")" --argjson algoId "$salgo" --argjson bits "$slen" \
        --arg curve "$scurve" --argjson created "$(ts_or_null "$scr")" --argjson expires "$(ts_or_null "$sex")" --arg cap "$scap" \
        '{fingerprint: $fpr, keyId: $fpr[24:], algorithm: $algo, algorithmId: $algoId, bits: $bits,
          curve: (if $curve == "" then null else $curve end), created: $created, expires: $expires,
          usage: $cap}'
    done | jq -s .)
  signing_fpr=$(jq -r '[.[] | select(.usage | test("s"))][0].fingerprint // empty' <<<"$subkeys")
  [[ -n $signing_fpr ]] || signing_fpr=${FPR[$name]}
  jq -n --arg name "$name" --arg fpr "${FPR[$name]}" --arg signingFpr "$signing_fpr" \
    --arg algo "$(algo_name "${P[3]}")" --argjson algoId "${P[3]}" --argjson bits "${P[2]}" --arg curve "${P[16]}" \
    --arg uid "$uid" --argjson created "$(ts_or_null "${P[5]}")" --argjson expires "$(ts_or_null "${P[6]}")" \
    --arg usage "${P[11]}" --argjson revocation "$revocation" --argjson subkeys "$subkeys" \
    --arg pubFile "keys/$name.asc" --arg secFile "keys/secret/$name.asc" \
    '{name: $name, fingerprint: $fpr, keyId: $fpr[24:], signingKeyId: $signingFpr[24:], signingKeyFingerprint: $signingFpr,
      algorithm: $algo, algorithmId: $algoId, bits: $bits, curve: (if $curve == "" then null else $curve end),
      userId: $uid,
      userIdParts: ($uid | capture("^(?<name>[^(<]*[^(< ])?\\s*(\\((?<comment>[^)]*)\\))?\\s*(<(?<email>[^>]*)>)?$")),
      created: $created, expires: $expires, usage: ($usage | gsub("[A-Z]"; "")), revocation: $revocation,
      subkeys: $subkeys, publicKey: $pubFile, secretKey: $secFile}' >>"$keys_json"
done

# expected reason codes at T_EVAL, trust root = all keys, identity registry.example.com/ns/app:v1,
# manifest image.manifest.json: "<keyValidity now>|<keyValidity signingTime>"
declare -A EXPECT=(
  [rsa1024]="WeakAlgorithm|WeakAlgorithm" [rsa2048-sha1]="WeakAlgorithm|WeakAlgorithm" [dsa2048]="WeakAlgorithm|WeakAlgorithm"
  [expiring]="KeyExpired|Verified" [expired-subkey]="KeyExpired|Verified"
  [revoked]="KeyRevoked|KeyRevoked" [retired]="KeyRevoked|Verified"
  [sig-expires]="SignatureExpired|SignatureExpired"
  [future]="NotYetValid|NotYetValid" [before-key]="NotYetValid|NotYetValid"
  [double]="MultipleSignatures|MultipleSignatures"
  [payload-digest-other]="DigestMismatch|DigestMismatch" [payload-identity-other]="IdentityMismatch|IdentityMismatch"
)
declare -A NOTES=(
  [rsa1024]="RSA key under 2048 bits" [rsa2048-sha1]="data signature over SHA-1" [dsa2048]="DSA key (DSA is weak under the contract)"
  [expiring]="key expired 2025-06-01, after the signature was made"
  [expired-subkey]="signing subkey expired 2025-06-01, after the signature was made"
  [revoked]="hard revocation (key has been compromised) 2025-07-01: rejects in every mode"
  [retired]="soft revocation (key is no longer used) 2025-07-01, after the signature"
  [sig-expires]="signature expiration subpacket: expires 2025-04-01"
  [future]="signature created 2027-01-01, after the evaluation time"
  [before-key]="signature created 2024-06-01, before its key (2025-01-01); made with --ignore-time-conflict"
  [double]="two one-pass/signature pairs (rsa2048 and ed25519), one literal"
  [payload-digest-other]="signed digest is $OTHER_DIGEST"
  [payload-identity-other]="signed identity is $OTHER_REF"
  [nistp384]="gpg refuses SHA-256 with a P-384 key (\"signing failed: Invalid length\"), so SHA-384"
  [rsa2048-textmode]="canonical text signature (class 0x01) over payloads/pretty.json; gpg stores the text in the literal packet (format t) with CRLF line endings (379 bytes for the 364-byte LF file) and hashes the CRLF form"
)

sigs_json=$WORK/sigs.json
: >"$sigs_json"
for v in "${SIG_VARIANTS[@]}"; do
  IFS='|' read -r variant signers t payload extra <<<"$v"
  f=$OUT/signatures/$variant.signature
  [[ -f $f ]] || continue
  packets=$(gpg --homedir "$VERIFYHOME" --batch --list-packets "$f" 2>/dev/null)
  calgo=$(awk '/^:compressed packet:/{sub(/.*algo=/,""); print; exit}' <<<"$packets")
  [[ -n $calgo ]] || calgo=0
  literal_mode=$(awk '/^:literal data packet:/{getline; sub(/^[ \t]*mode /,""); print $1; exit}' <<<"$packets")
  # one object per signature packet
  sigpk=$(awk '
      /^:signature packet:/ {if (n) print line; n=1; line=""; match($0,/keyid [0-9A-F]+/); kid=substr($0,RSTART+6,RLENGTH-6); sub(/.*algo /,""); sub(/,.*/,""); line=kid "\t" $0; next}
      n && /version [0-9]+, created/ {match($0,/version [0-9]+/); ver=substr($0,RSTART+8,RLENGTH-8); match($0,/created [0-9]+/); cr=substr($0,RSTART+8,RLENGTH-8); match($0,/sigclass 0x[0-9a-f]+/); cl=substr($0,RSTART+9,RLENGTH-9); line=line "\t" ver "\t" cr "\t" cl; next}
      n && /digest algo [0-9]+/ {match($0,/digest algo [0-9]+/); line=line "\t" substr($0,RSTART+12,RLENGTH-12); next}
      END {if (n) print line}
    ' <<<"$packets")
  sig_objs=$(while IFS=$'\t' read -r kid palgo ver cr cl dalgo; do
      jq -n --arg kid "$kid" --arg palgo "$(algo_name "$palgo")" --argjson ver "$ver" --arg cr "$(iso "$cr")" \
        --arg cl "$cl" --arg d "$(digest_name "$dalgo")" \
        '{signingKeyId: $kid, publicKeyAlgorithm: $palgo, version: $ver, created: $cr, signatureClass: $cl, digestAlgorithm: $d}'
    done <<<"$sigpk" | jq -s .)
  expires=null
  [[ $variant == sig-expires ]] && expires=$(jq -n --arg t "$(iso $(( $(ts $T_SIGN) + SIG_EXPIRE_SECS )))" '$t')
  IFS='|' read -r exp_now exp_signing <<<"${EXPECT[$variant]:-Verified|Verified}"
  jq -n --arg file "signatures/$variant.signature" --arg variant "$variant" --arg signers "$signers" \
    --argjson sigs "$sig_objs" --arg comp "$(compress_name "$calgo")" --arg lit "$literal_mode" \
    --arg payload "payloads/$payload.json" --arg opts "--sign$([[ $extra == *--digest-algo* ]] || echo ' --digest-algo SHA256')${extra:+ $extra}" \
    --argjson expires "$expires" --arg now "$exp_now" --arg st "$exp_signing" \
    --arg gpg "${GPG_STATUS[$variant]}" --arg note "${NOTES[$variant]:-}" \
    '{file: $file, name: $variant, signers: ($signers | split(",")), signatureCount: ($sigs | length),
      signingKeyId: $sigs[0].signingKeyId, digestAlgorithm: $sigs[0].digestAlgorithm,
      signatureClass: $sigs[0].signatureClass, created: $sigs[0].created, expires: $expires,
      compression: $comp, literalFormat: $lit, payload: $payload, gpgOptions: $opts,
      signaturePackets: $sigs,
      expected: {keyValidityNow: $now, keyValiditySigningTime: $st},
      gpgStatusAtEvaluationTime: ($gpg | split(" ")),
      note: (if $note == "" then null else $note end)}' >>"$sigs_json"
done

jq -n --slurpfile keys "$keys_json" --slurpfile sigs "$sigs_json" \
  --arg eval "$(iso "$(ts $T_EVAL)")" --arg digest "$MANIFEST_DIGEST" --arg ref "$REF" \
  --arg gpgver "$(gpg --version | head -1)" --argjson skipped "$(printf '%s\n' "${SKIPPED[@]+"${SKIPPED[@]}"}" | jq -R . | jq -s 'map(select(. != ""))')" \
  '{generatedBy: "scripts/make-pgp-fixtures.sh", gnupg: $gpgver,
    evaluationTime: $eval,
    evaluation: {trustRoot: "every public key listed under keys[] (keys/<name>.asc; one keyring holding them all, or one trust root each)",
                 manifest: "image.manifest.json", manifestDigest: $digest, expectedIdentity: $ref,
                 identityRule: "matchRepoDigestOrExact",
                 expected: "keyValidityNow = reason code with keyValidity: now; keyValiditySigningTime = with keyValidity: signingTime; no allowWeakAlgorithms"},
    keys: $keys, signatures: $sigs, skipped: $skipped}' >"$OUT/facts.json"

# ---------------------------------------------------------------- README
{
cat <<EOF
# Generated OpenPGP simple-signing fixtures

Made by \`scripts/make-pgp-fixtures.sh\` with $(gpg --version | head -1). **Do not edit by hand**: re-run
the script (\`scripts/make-pgp-fixtures.sh\` reuses the keys in \`keys/secret/\`, so fingerprints stay the
same; \`--new-keys\` makes new keys and changes every fingerprint). With the same keys a re-run
rewrites every file byte for byte (gpg-agent signs deterministically, DSA/ECDSA with RFC 6979 nonces).
Machine-readable facts (fingerprints, key IDs, times, expected reason codes): \`facts.json\`.

> ## ⚠ The secret keys in \`keys/secret/\` are TEST-ONLY
> They are unprotected and published in this repository. Never trust any key in this folder outside
> the tests. They are stored as they were *before* the revocations (the script re-creates the
> revocation certificates at a fixed time), so \`revoked\` and \`retired\` can still sign.

## Fixed times (all UTC, frozen with \`--faked-system-time <time>!\`)

| what | time |
|---|---|
| every key and subkey created | 2025-01-01T00:00:00Z |
| \`expiring\` key and \`expired-subkey\`'s signing subkey expire | 2025-06-01T00:00:00Z |
| signatures made (unless said) | 2025-03-01T00:00:00Z (payload \`timestamp\` $(ts $T_SIGN)) |
| \`sig-expires\` signature expires | 2025-04-01T00:00:00Z |
| \`revoked\` (key has been compromised) and \`retired\` (key is no longer used) revoked | 2025-07-01T00:00:00Z |
| \`future\` signature made | 2027-01-01T00:00:00Z |
| \`before-key\` signature made | 2024-06-01T00:00:00Z |
| **evaluation time** for the expected reason codes | 2026-01-01T00:00:00Z |

## Keys (\`keys/<name>.asc\`: armored public key, revocation included; \`keys/secret/<name>.asc\`: secret key)

| name | fingerprint (primary) | signing key ID | algorithm | user ID | expires | revoked |
|---|---|---|---|---|---|---|
EOF
jq -r '.keys[] | "| `\(.name)` | `\(.fingerprint)` | `\(.signingKeyId)` | \(.algorithm) \(.curve // (.bits|tostring))\(if (.subkeys|length) > 0 then " (certify-only) + " + ([.subkeys[] | .algorithm + " " + (.curve // (.bits|tostring)) + " signing subkey `" + .fingerprint + "`"] | join(", ")) else "" end) | \(.userId) | \(.expires // ([.subkeys[].expires | select(. != null)] | if length > 0 then "subkey: " + .[0] else "never" end)) | \(if .revocation then .revocation.time + ", " + .revocation.reason + " (" + .revocation.kind + ")" else "no" end) |"' "$OUT/facts.json"
cat <<'EOF'

Key generation: one `gpg --batch --gen-key` parameter file per key (`%no-protection`, `Key-Type`,
`Key-Length`/`Key-Curve`, `Key-Usage`, `Name-Real`/`Name-Comment`/`Name-Email`,
`Expire-Date: 0` or `seconds=13046400`, `Creation-Date: 20250101T000000`), at the faked time
2025-01-01. `subkey-signer` uses `Key-Usage: cert` with `Subkey-Type: RSA`, `Subkey-Length: 2048`,
`Subkey-Usage: sign`; `expired-subkey` is an RSA-2048 certify-only primary plus
`gpg --quick-add-key <fpr> ed25519 sign seconds=13046400`. `dsa2048` is what gpg makes for
`Key-Type: DSA`, `Key-Length: 2048` (q = 256 bits); its signatures use SHA-256.
Revocations: `gpg --gen-revoke <fpr>` driven through `--command-fd` (choice 1 "Key has been
compromised" for `revoked`, choice 3 "Key is no longer used" for `retired`, empty description) at
the faked time 2025-07-01, then imported.

Other key files:

- `keys/rsa2048.gpg`: binary (`gpg --export`) form of `keys/rsa2048.asc`.
- `keys/listing-then-armor.txt`: `gpg --keyid-format long --list-keys <rsa2048>` output followed by
  the armored key, laid out like Red Hat's `redhat.txt` (free text before the armor header).
- `keys/no-public-key.asc`: an armored *detached signature* (`-----BEGIN PGP SIGNATURE-----`), made by
  `rsa2048`; a "keyring" holding no public key at all (must be a configuration error).

## Payloads (`payloads/`, the exact signed bytes)

- `base.json`: containers/image compact form, identity `registry.example.com/ns/app:v1`, digest of
  `image.manifest.json` (`sha256:20bf21ed…7e55`, copied from the containers-image corpus), creator
  `imagetrust fixtures`, timestamp = signing time. No trailing newline.
- `pretty.json`: the same JSON pretty-printed (`jq --indent 2`), multi-line, ends with a newline.
- `future.json`, `before-key.json`: as base, timestamp = their signing time.
- `digest-other.json`: digest = sha256 of the text `imagetrust: this is not the manifest`.
- `identity-other.json`: identity `registry.example.com/ns/other:v1`.

## Signatures (`signatures/<name>.signature`, binary)

Every one is `gpg --sign --local-user <fingerprint> [options] < payloads/<payload>.json` (payload from
standard input, so the literal data has an empty file name and the signing time as its date), with
`--digest-algo SHA256` unless another digest is named, default compression (ZIP) unless another is
named. Expected reason codes hold at 2026-01-01T00:00:00Z with a trust root holding every key, the
manifest `image.manifest.json` and the expected identity `registry.example.com/ns/app:v1`
(matchRepoDigestOrExact); "now" / "signingTime" are the two `keyValidity` modes.

| file | signer | time | payload | options | compression | expected (now / signingTime) | gpg at 2026-01-01 |
|---|---|---|---|---|---|---|---|
EOF
jq -r '.signatures[] | "| `\(.file)` | \(.signers | join(" + ")) (`\([.signaturePackets[].signingKeyId] | join("`, `"))`) | \(.created) | `\(.payload)` | `\(.gpgOptions)` | \(.compression) | \(.expected.keyValidityNow) / \(.expected.keyValiditySigningTime) | \(.gpgStatusAtEvaluationTime | join(" ")) |"' "$OUT/facts.json"
cat <<'EOF'

Notes:

- gpg's own verdict differs from the contract on purpose for `rsa1024`, `rsa2048-sha1` and `dsa2048`
  (gpg: good; contract: `WeakAlgorithm`) and `future` (gpg 2.2 says good for a signature from its
  future; contract: `NotYetValid`). gpg cannot tell "signing time" mode apart: it reports
  `EXPKEYSIG`/`REVKEYSIG` whatever the signature's age.
- `before-key`: gpg refuses to sign with a key created after the (faked) current time ("key … was
  created 214 days in the future", "Unusable secret key"); the file was made with
  `--ignore-time-conflict`. gpg itself cannot verify it (`ERRSIG`); expected `NotYetValid`.
- `double`: one compressed message with two one-pass signature packets, one literal data packet and
  two signature packets (gpg reports two `GOODSIG`).
- `rsa2048-textmode`: literal data format `t`, signature class 0x01. gpg canonicalises the text while
  signing: the literal packet holds CRLF line endings (379 bytes for the 364-byte LF file
  `payloads/pretty.json`), and the hash is over that CRLF text. `gpg -d` turns CRLF back into LF on
  output; the bytes in the packet are the CRLF form. Either way the JSON is the same.
- `nistp384`: gpg refuses SHA-256 with a P-384 key ("signing failed: Invalid length"; it wants a
  digest at least as long as the curve), so this one is signed with `--digest-algo SHA384`.
- `sig-expires`: `--default-sig-expire seconds=2678400` (critical signature-expiration subpacket, 31 days).
- `image.manifest.json` is a copy of `../containers-image/image.manifest.json` (containers/image,
  Apache-2.0).
EOF
if ((${#SKIPPED[@]})); then
  echo
  echo "Variants gpg refused to make (skipped): ${SKIPPED[*]}."
fi
} >"$OUT/README.md"

echo
echo "== wrote $OUT"
if ((${#SKIPPED[@]})); then echo "skipped: ${SKIPPED[*]}"; fi
