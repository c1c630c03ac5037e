/**
 * One signature through contract section 2, in order: authenticate (steps 1-5, cached), validity at
 * the evaluation time (6), strict payload (7), digest (8), identity (9). The first failing step
 * names the reason; later steps never run on data an earlier step refused.
 */
import { fail, isFailure, type Failure } from '../codes.js';
import type { UntrustedSignature } from '../image/parse.js';
import type { IdentityMatch } from '../identity/rules.js';
import type { SignatureFormat, SignatureVerdict, SignedClaims } from '../types.js';
import { isAuthenticated, type Authenticated, type Judgement, type Rejected } from './authenticated.js';
import { signatureFormat } from './authenticate.js';

/** What the image says about itself, judged before any signature is looked at. */
export interface ImageFacts {
  /** The manifest digest the signatures must name, or why it cannot be known. */
  readonly digest: { readonly ok: true; readonly digest: string } | { readonly ok: false; readonly problem: string };
  /** The identity signatures must match (the caller's expected identity, or dockerImageReference). */
  readonly expectedIdentity: string | undefined;
  readonly matchIdentity: IdentityMatcher;
}

/** Steps 1-5 for one blob: the engine supplies it, caching by format, content and trust revision. */
export type Authenticator = (format: SignatureFormat, content: Uint8Array, cacheKey: string) => Authenticated | Rejected;

/** Step 9's matcher under the engine's identity rule (the engine may memoize it). */
export type IdentityMatcher = (expected: string, signed: string) => IdentityMatch;

/** Never throws. `at` is the evaluation time in seconds since the epoch. */
export function verifySignature(sig: UntrustedSignature, image: ImageFacts, at: number, authenticate: Authenticator, cacheKey: string): SignatureVerdict {
  const format = signatureFormat(sig.type);
  if (format === 'unknown') {
    return rejected(sig, format, fail('UnsupportedSignatureType', `signature type ${JSON.stringify(sig.type)} is not supported (expected atomic, AtomicImageV1 or x509)`));
  }
  if (sig.content === null) {
    return rejected(sig, format, fail(sig.contentTooLarge ? 'TooLarge' : 'MalformedSignature', sig.contentProblem ?? 'signature content is not valid base64'));
  }
  const authenticated = authenticate(format, sig.content, cacheKey);
  if (!isAuthenticated(authenticated)) {
    const verdict = rejected(sig, format, authenticated.failure);
    if (authenticated.keyIDHint) verdict.keyID = authenticated.keyIDHint;
    return verdict;
  }
  const judgement = authenticated.judge(at);
  const { signer } = judgement;
  if (judgement.failure) return rejectedVerified(sig, format, judgement.failure, judgement, authenticated.created);
  const claims = authenticated.claims;
  if (isFailure(claims)) return rejectedVerified(sig, format, claims, judgement, authenticated.created);
  const binding = bindingFailure(claims, image);
  // Written out, not spread: V8 builds a literal that extends a spread slowly (every signature does this).
  return {
    index: sig.index,
    name: sig.name,
    type: sig.type,
    format,
    trusted: true,
    forImage: binding === null,
    reason: binding?.code ?? 'Verified',
    message: binding?.message ?? judgement.verifiedMessage,
    signer,
    keyID: signer.keyID,
    created: authenticated.created,
    expired: judgement.expired,
    revoked: judgement.revoked,
    claims,
  };
}

type VerdictDraft = { -readonly [K in keyof SignatureVerdict]: SignatureVerdict[K] };

function rejected(sig: UntrustedSignature, format: SignatureFormat, failure: Failure): VerdictDraft {
  return {
    index: sig.index, name: sig.name, type: sig.type, format, trusted: false, forImage: false,
    reason: failure.code, message: failure.message, expired: false, revoked: false,
  };
}

/** Rejected after authentication: with the signer, as members after the others (`expired`, `revoked` from `judgement`). */
function rejectedVerified(sig: UntrustedSignature, format: SignatureFormat, failure: Failure, judgement: Judgement, created: string): SignatureVerdict {
  const { signer } = judgement;
  return {
    index: sig.index, name: sig.name, type: sig.type, format, trusted: false, forImage: false,
    reason: failure.code, message: failure.message, expired: judgement.expired, revoked: judgement.revoked,
    signer, keyID: signer.keyID, created,
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
