/**
 * What every signature format's authentication step hands to the pipeline: the time-independent
 * result (cached by the engine) and a pure `judge(at)` for the checks that depend on the time.
 */
import type { Failure } from '../codes.js';
import type { SignatureFormat, SignedClaims, VerifiedSigner } from '../types.js';

/** Step 6's outcome at one evaluation time. */
export interface Judgement {
  /** The first failing validity check, or null. */
  readonly failure: Failure | null;
  /** Who signed, as reported (for a key several trust roots hold: the root that accepted it). */
  readonly signer: VerifiedSigner;
  /** The verdict message when every later check passes too. */
  readonly verifiedMessage: string;
  /** For the `Expired` condition. */
  readonly expired: boolean;
  /** For the `Revoked` condition. */
  readonly revoked: boolean;
}

/** A signature whose bytes verified under trusted material (steps 1-5 passed). */
export interface Authenticated {
  readonly format: Exclude<SignatureFormat, 'unknown'>;
  /** Signature creation time, RFC 3339. */
  readonly created: string;
  /** The strict parse of the authenticated payload; reported only once `judge` passed (step 7 after 6). */
  readonly claims: SignedClaims | Failure;
  /** Validity at `at` (seconds since the epoch). Pure; never throws. */
  judge(at: number): Judgement;
}

/** Steps 1-5 failed: the reason, with the signer's key ID as an unverified hint when known. */
export interface Rejected {
  readonly failure: Failure;
  readonly keyIDHint?: string;
}

export function isAuthenticated(value: Authenticated | Rejected): value is Authenticated {
  return 'judge' in value;
}
