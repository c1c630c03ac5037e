/**
 * The informative members of an `ImageSignature` (formats.md 1.2, 1.4), computed from verified data
 * only. Nothing here reads the untrusted values already on the Image.
 */
import type { JsonObject, SignatureVerdict, SignedClaims } from '../types.js';
import { isConditionTime } from './compare.js';

/** The informative members, in the order they are written when new (OpenShift's field order). */
export const INFORMATIVE_FIELDS = ['imageIdentity', 'signedClaims', 'created', 'issuedBy', 'issuedTo'] as const;

/** One of {@link INFORMATIVE_FIELDS}. */
export type InformativeField = (typeof INFORMATIVE_FIELDS)[number];

/**
 * The value of each informative member for a verdict; `undefined` means "delete the member".
 * `issuedBy`, `issuedTo` and `created` come from `verdict.signer` (and `verdict.created`);
 * `imageIdentity` and `signedClaims` from `verdict.claims`. An issuer with neither common name nor
 * organization gives no `issuedBy`; `issuedTo.publicKeyID` is always the primary key fingerprint.
 * `created` is written only as a `metav1.Time` can hold it (a four-digit year): an X.509 signature
 * without signed attributes takes its creation time from the payload, which may name any year, and
 * the API server refuses an Image update carrying a time it cannot decode.
 */
export function informativeFields(verdict: SignatureVerdict): Record<InformativeField, unknown> {
  const { signer, claims } = verdict;
  let issuedBy: JsonObject | undefined;
  let issuedTo: JsonObject | undefined;
  if (signer) {
    const { issuer } = signer;
    if (issuer.commonName !== undefined || issuer.organization !== undefined) {
      issuedBy = {};
      if (issuer.commonName !== undefined) issuedBy['commonName'] = issuer.commonName;
      if (issuer.organization !== undefined) issuedBy['organization'] = issuer.organization;
    }
    issuedTo = {};
    if (signer.commonName !== undefined) issuedTo['commonName'] = signer.commonName;
    if (signer.organization !== undefined) issuedTo['organization'] = signer.organization;
    issuedTo['publicKeyID'] = signer.fingerprint;
  }
  return {
    imageIdentity: claims?.dockerReference,
    signedClaims: claims ? signedClaims(claims) : undefined,
    created: signer && isConditionTime(verdict.created) ? verdict.created : undefined,
    issuedBy,
    issuedTo,
  };
}

/** `signedClaims` string map: the payload's digest, reference, creator and timestamp (decimal). */
export function signedClaims(claims: SignedClaims): Record<string, string> {
  const map: Record<string, string> = {
    'docker-manifest-digest': claims.manifestDigest,
    'docker-reference': claims.dockerReference,
  };
  if (claims.creator !== undefined) map['creator'] = claims.creator;
  const { timestamp } = claims;
  if (timestamp !== undefined && Number.isFinite(timestamp)) {
    // Safe integers print the same either way; BigInt spells out larger ones without an exponent.
    map['timestamp'] = Number.isSafeInteger(timestamp) || !Number.isInteger(timestamp) ? String(timestamp) : BigInt(timestamp).toString();
  }
  return map;
}
