/**
 * Step 6 of contract section 2: is the signing key, and the signature, valid at the evaluation
 * time? Under `keyValidity: signingTime` the key is judged at the signature's creation time, but a
 * hard revocation (no reason, or key compromised) rejects every signature: a stolen key can backdate.
 */
import { fail, type Failure } from '../codes.js';
import { isoSeconds } from '../iso-seconds.js';
import type { SignaturePacket } from '../pgp/signature-packet.js';
import type { AuthenticatedSignature, Holder } from './openpgp-signature.js';

/** Tolerated clock skew for signatures "from the future", in seconds. */
export const CLOCK_SKEW_SECONDS = 300;

export interface Validity {
  /** The first failing check, or null when the signature is valid at `at`. */
  readonly failure: Failure | null;
  /** The trust root the signature is judged under: the first that accepts it, else the first. */
  readonly holder: Holder;
  /** For the `Expired` condition: the signature or its key had expired at `at`. */
  readonly expired: boolean;
  /** For the `Revoked` condition: the key or subkey is revoked as of `at`. */
  readonly revoked: boolean;
}

/** What the checks read of an authenticated signature: all a cached verification needs to keep. */
export type ValiditySubject = Pick<AuthenticatedSignature, 'holders' | 'locallyRevokedBy'> & {
  readonly packet: Pick<SignaturePacket, 'created' | 'expiresAfter'>;
};

/** Never throws. `at` is the evaluation time in seconds since the epoch. */
export function checkValidity(signature: ValiditySubject, at: number): Validity {
  let first: Validity | undefined;
  for (const holder of signature.holders) {
    const validity = underRoot(signature, holder, at);
    if (validity.failure === null) return validity;
    first ??= validity;
  }
  // authenticate() never returns an empty holder list.
  return first ?? underRoot(signature, signature.holders[0] as Holder, at);
}

function underRoot(signature: ValiditySubject, holder: Holder, at: number): Validity {
  const { key, root } = holder.key;
  const created = signature.packet.created;
  const judgedAt = root.keyValidity === 'signingTime' ? created : at;
  const locallyRevoked = signature.locallyRevokedBy !== undefined;
  const revokedNow = locallyRevoked || key.revocations.some((r) => r.hard || r.time <= at);
  const revokedForSignature = locallyRevoked || key.revocations.some((r) => r.hard || r.time <= judgedAt);
  const signatureExpiry = signature.packet.expiresAfter ? created + signature.packet.expiresAfter : Infinity;
  const expired = key.expires <= at || signatureExpiry <= at;
  const result = (failure: Failure | null): Validity => ({ failure, holder, expired, revoked: revokedNow });

  if (revokedForSignature) {
    const revocation = key.revocations.find((r) => r.hard || r.time <= judgedAt);
    const why = locallyRevoked ? `revoked by trust root ${signature.locallyRevokedBy ?? ''}` : `revoked on ${iso(revocation?.time ?? 0)} (${revocation?.reason ?? 'no reason given'})`;
    return result(fail('KeyRevoked', `${key.isSubkey ? 'subkey' : 'key'} ${key.fingerprint} is ${why}`));
  }
  if (created < key.created) {
    return result(fail('NotYetValid', `signature made ${iso(created)}, before its key ${key.fingerprint} was created ${iso(key.created)}`));
  }
  if (created > at + CLOCK_SKEW_SECONDS) {
    // Messages never name the evaluation time: a rerun at a later time must not change a condition.
    return result(fail('NotYetValid', `signature made ${iso(created)}, later than the evaluation time`));
  }
  if (key.expires <= judgedAt) {
    const when = root.keyValidity === 'signingTime' ? `before the signature was made (${iso(created)})` : 'before the evaluation time';
    return result(fail('KeyExpired', `key ${key.fingerprint} expired ${iso(key.expires)}, ${when}`));
  }
  if (signatureExpiry <= at) {
    return result(fail('SignatureExpired', `signature expired ${iso(signatureExpiry)}, before the evaluation time`));
  }
  return result(null);
}

export function iso(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  return isoSeconds(seconds);
}
