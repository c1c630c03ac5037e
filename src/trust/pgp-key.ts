/** Facts about one OpenPGP key (a primary key or a subkey) that a trust root holds. Plain data. */
import type { VerificationKey } from '../pgp/verify.js';

export interface Revocation {
  /** Seconds since the epoch. */
  readonly time: number;
  /** No reason, or "key compromised": revokes every signature, whenever it was made. */
  readonly hard: boolean;
  readonly reason: string;
}

export interface PgpKey {
  /** 16 upper-case hex: the low 64 bits of the fingerprint. */
  readonly keyID: string;
  readonly fingerprint: string;
  /** The primary key's fingerprint: the identity signatures are reported under. */
  readonly primaryFingerprint: string;
  readonly isSubkey: boolean;
  /** Seconds since the epoch. */
  readonly created: number;
  /** Seconds since the epoch when this key (or its primary) expires; Infinity when never. */
  readonly expires: number;
  /** Verified revocations of this key and, for a subkey, of its primary. */
  readonly revocations: readonly Revocation[];
  /** Human-readable algorithm, e.g. `RSA-2048`, `Ed25519`, `ECDSA nistP256`. */
  readonly algorithm: string;
  readonly bits?: number;
  /** Missing when `node:crypto` cannot use this algorithm or curve. */
  readonly verification?: VerificationKey;
  /** Why this key cannot have made a valid signature (no signing capability, broken binding). */
  readonly unusable?: string;
  readonly commonName?: string;
  readonly organization?: string;
  readonly email?: string;
}
