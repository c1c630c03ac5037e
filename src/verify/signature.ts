/**
 * One signature through contract section 2, in order: authenticate (steps 1-5, cached), validity at
 * the evaluation time (6), strict payload (7), digest (8), identity (9). The first failing step
 * names the reason; later steps never run on data an earlier step refused.
 */
import { fail, isFailure, type Failure } from '../codes.js';
import type { UntrustedSignature } from '../image/parse.js';
import type { IdentityMatch } from '../identity/rules.js';
import type { SignatureFormat, SignatureVerdict, SignedClaims } from '../types.js';
import { isAuthenticated, type AuthenticatedSignature, type RejectedSignature } from './openpgp-signature.js';
import { checkValidity } from './validity.js';

const OPENPGP_TYPES = new Set(['atomic', 'AtomicImageV1']);

/** What the image says about itself, judged before any signature is looked at. */
export interface ImageFacts {
  /** The manifest digest the signatures must name, or why it cannot be known. */
  readonly digest: { readonly ok: true; readonly digest: string } | { readonly ok: false; readonly problem: string };
  /** The identity signatures must match (the caller's expected identity, or dockerImageReference). */
  readonly expectedIdentity: string | undefined;
  readonly matchIdentity: IdentityMatcher;
}

/** Steps 1-5 for one blob: the engine supplies it, caching by content and trust revision. */
export type Authenticator = (content: Uint8Array, cacheKey: string) => AuthenticatedSignature | RejectedSignature;

/** Step 9's matcher under the engine's identity rule (the engine may memoize it). */
export type IdentityMatcher = (expected: string, signed: string) => IdentityMatch;

/** Never throws. `at` is the evaluation time in seconds since the epoch. */
export function verifySignature(sig: UntrustedSignature, image: ImageFacts, at: number, authenticate: Authenticator, cacheKey: string): SignatureVerdict {
  if (!OPENPGP_TYPES.has(sig.type)) {
    const what = sig.type === 'x509' ? 'x509 (CMS) signatures are not supported yet' : `signature type ${JSON.stringify(sig.type)} is not supported (expected atomic or AtomicImageV1)`;
    return rejected(sig, sig.type === 'x509' ? 'x509' : 'unknown', fail('UnsupportedSignatureType', what));
  }
  if (sig.content === null) {
    return rejected(sig, 'openpgp', fail(sig.contentTooLarge ? 'TooLarge' : 'MalformedSignature', sig.contentProblem ?? 'signature content is not valid base64'));
  }
  const authenticated = authenticate(sig.content, cacheKey);
  if (!isAuthenticated(authenticated)) {
    return rejected(sig, 'openpgp', authenticated.failure, authenticated.keyIDHint ? { keyID: authenticated.keyIDHint } : {});
  }
  const validity = checkValidity(authenticated, at);
  const { signer, verifiedMessage } = validity.holder;
  const verified = { signer, keyID: signer.keyID, created: authenticated.created, expired: validity.expired, revoked: validity.revoked };
  if (validity.failure) return rejected(sig, 'openpgp', validity.failure, verified);
  const claims = authenticated.claims;
  if (isFailure(claims)) return rejected(sig, 'openpgp', claims, verified);
  const binding = bindingFailure(claims, image);
  return {
    index: sig.index,
    name: sig.name,
    type: sig.type,
    format: 'openpgp',
    trusted: true,
    forImage: binding === null,
    reason: binding?.code ?? 'Verified',
    message: binding?.message ?? verifiedMessage,
    ...verified,
    claims,
  };
}

function rejected(sig: UntrustedSignature, format: SignatureFormat, failure: Failure, extra: Partial<SignatureVerdict> = {}): SignatureVerdict {
  return {
    index: sig.index, name: sig.name, type: sig.type, format, trusted: false, forImage: false,
    reason: failure.code, message: failure.message, expired: false, revoked: false, ...extra,
  };
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
  const match = image.matchIdentity(image.expectedIdentity, claims.dockerReference);
  return match.match ? null : fail('IdentityMismatch', match.message);
}
