/**
 * One signature through contract section 2, in order: authenticate (steps 1-5, cached), validity at
 * the evaluation time (6), strict payload (7), digest (8), identity (9). The first failing step
 * names the reason; later steps never run on data an earlier step refused.
 */
import { fail, isFailure, type Failure } from '../codes.js';
import { parsePayload } from '../claims/payload.js';
import type { UntrustedSignature } from '../image/parse.js';
import { matchIdentity, type IdentityRule } from '../identity/rules.js';
import type { SignatureFormat, SignatureVerdict, SignedClaims, VerifiedSigner } from '../types.js';
import { isAuthenticated, type AuthenticatedSignature, type RejectedSignature } from './openpgp-signature.js';
import { checkValidity, iso } from './validity.js';

const OPENPGP_TYPES = new Set(['atomic', 'AtomicImageV1']);

/** What the image says about itself, judged before any signature is looked at. */
export interface ImageFacts {
  /** The manifest digest the signatures must name, or why it cannot be known. */
  readonly digest: { readonly ok: true; readonly digest: string } | { readonly ok: false; readonly problem: string };
  /** The identity signatures must match (the caller's expected identity, or dockerImageReference). */
  readonly expectedIdentity: string | undefined;
  readonly identityRule: IdentityRule;
}

/** Steps 1-5 for one blob: the engine supplies it, caching by content and trust revision. */
export type Authenticator = (content: Uint8Array, cacheKey: string) => AuthenticatedSignature | RejectedSignature;

/** Never throws. `at` is the evaluation time in seconds since the epoch. */
export function verifySignature(sig: UntrustedSignature, image: ImageFacts, at: number, authenticate: Authenticator, cacheKey: string): SignatureVerdict {
  const base = { index: sig.index, name: sig.name, type: sig.type };
  const reject = (format: SignatureFormat, failure: Failure, extra: Partial<SignatureVerdict> = {}): SignatureVerdict => ({
    ...base, format, trusted: false, forImage: false, reason: failure.code, message: failure.message, expired: false, revoked: false, ...extra,
  });
  if (!OPENPGP_TYPES.has(sig.type)) {
    const what = sig.type === 'x509' ? 'x509 (CMS) signatures are not supported yet' : `signature type ${JSON.stringify(sig.type)} is not supported (expected atomic or AtomicImageV1)`;
    return reject(sig.type === 'x509' ? 'x509' : 'unknown', fail('UnsupportedSignatureType', what));
  }
  if (sig.content === null) {
    return reject('openpgp', fail(sig.contentTooLarge ? 'TooLarge' : 'MalformedSignature', sig.contentProblem ?? 'signature content is not valid base64'));
  }
  const authenticated = authenticate(sig.content, cacheKey);
  if (!isAuthenticated(authenticated)) {
    return reject('openpgp', authenticated.failure, authenticated.keyIDHint ? { keyID: authenticated.keyIDHint } : {});
  }
  const signer = toSigner(authenticated);
  const verified = { signer, keyID: signer.keyID, created: iso(authenticated.packet.created) };
  const validity = checkValidity(authenticated, at);
  const flags = { expired: validity.expired, revoked: validity.revoked };
  if (validity.failure) return reject('openpgp', validity.failure, { ...verified, ...flags });

  const claims = parsePayload(authenticated.payload);
  if (isFailure(claims)) return reject('openpgp', claims, { ...verified, ...flags });
  const trusted = { ...base, format: 'openpgp' as const, trusted: true, ...verified, ...flags, claims };
  const binding = bindingFailure(claims, image);
  if (binding) return { ...trusted, forImage: false, reason: binding.code, message: binding.message };
  return { ...trusted, forImage: true, reason: 'Verified', message: `signed by ${signer.fingerprint} (${signer.trustRoot}) for ${claims.dockerReference}` };
}

/** Steps 8 and 9: the signature is about this manifest and this identity. */
function bindingFailure(claims: SignedClaims, image: ImageFacts): Failure | null {
  if (!image.digest.ok) return fail('DigestMismatch', image.digest.problem);
  if (claims.manifestDigest !== image.digest.digest) {
    return fail('DigestMismatch', `signed digest ${claims.manifestDigest} does not match the image digest ${image.digest.digest}`);
  }
  if (image.expectedIdentity === undefined) {
    return fail('IdentityMismatch', 'no expected identity: the Image has no dockerImageReference and none was given');
  }
  const match = matchIdentity(image.identityRule, image.expectedIdentity, claims.dockerReference);
  return match.match ? null : fail('IdentityMismatch', match.message);
}

function toSigner({ signer: { key, root } }: AuthenticatedSignature): VerifiedSigner {
  return {
    fingerprint: key.primaryFingerprint,
    keyID: key.keyID,
    trustRoot: root.name,
    ...(key.commonName ? { commonName: key.commonName } : {}),
    ...(key.organization ? { organization: key.organization } : {}),
    ...(key.email ? { email: key.email } : {}),
    issuer: root.issuer,
  };
}
