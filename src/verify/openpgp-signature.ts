/**
 * Steps 1-6 of contract section 2 for one OpenPGP simple-signing blob: bounds and message grammar,
 * exactly one signature, a trusted signer, the cryptographic check, algorithm strength. What does
 * not depend on the evaluation time is computed here once and cached by the engine; the time
 * checks (step 6) are in `validity.ts`.
 */
import { fail, isFailure, type Failure } from '../codes.js';
import { parsePayload } from '../claims/payload.js';
import type { SignedClaims, VerifiedSigner } from '../types.js';
import type { Authenticated, Rejected } from './authenticated.js';
import { checkValidity, iso, type ValiditySubject } from './validity.js';
import { parseSignedMessage, type MessageLimits } from '../pgp/message.js';
import { PUBLIC_KEY_ALGORITHM, type SignaturePacket } from '../pgp/signature-packet.js';
import { verifySignature } from '../pgp/verify.js';
import type { TrustMaterial, TrustedKey } from '../trust/material.js';

/** An OpenPGP signature whose bytes verified under a key some trust root holds. */
export interface AuthenticatedSignature {
  /**
   * Every trust root that holds the signing key and accepts its algorithms, in trust order. The
   * signature is judged under each (validity depends on the root's settings); the first that
   * accepts it is reported.
   */
  readonly holders: readonly Holder[];
  /** A trust root that revokes this key locally: that revocation wins over every other root. */
  readonly locallyRevokedBy?: string;
  /** Signature creation time, RFC 3339. */
  readonly created: string;
  readonly packet: SignaturePacket;
  /**
   * The strict parse of the authenticated payload (step 7). Computed here so the cache holds it,
   * but reported only after the validity checks of step 6 passed.
   */
  readonly claims: SignedClaims | Failure;
}

export interface Holder {
  readonly key: TrustedKey;
  /** The signer as verdicts report it (primary fingerprint, user ID, trust root). */
  readonly signer: VerifiedSigner;
  /** The verdict message when every check passes. */
  readonly verifiedMessage: string;
}

/** Steps 1-5 for an OpenPGP blob, with step 6 as `judge`. Never throws. */
export function authenticateOpenPgp(blob: Uint8Array, trust: TrustMaterial, limits: MessageLimits): Authenticated | Rejected {
  const result = authenticate(blob, trust, limits);
  if (!('holders' in result)) return result;
  // The engine caches this: keep only what the time checks read, not the whole packet.
  const subject = validitySubject(result);
  return {
    format: 'openpgp',
    created: result.created,
    claims: result.claims,
    judge: (at) => {
      const { failure, holder, expired, revoked } = checkValidity(subject, at);
      // Written out, not spread: V8 builds a literal that extends a spread slowly (every Image does this).
      return { failure, holder, expired, revoked, signer: holder.signer, verifiedMessage: holder.verifiedMessage };
    },
  };
}

function validitySubject({ holders, locallyRevokedBy, packet: { created, expiresAfter } }: AuthenticatedSignature): ValiditySubject {
  const packet = expiresAfter === undefined ? { created } : { created, expiresAfter };
  return locallyRevokedBy === undefined ? { holders, packet } : { holders, locallyRevokedBy, packet };
}

/** Never throws. */
export function authenticate(blob: Uint8Array, trust: TrustMaterial, limits: MessageLimits): AuthenticatedSignature | Rejected {
  const message = parseSignedMessage(blob, limits);
  if (isFailure(message)) return { failure: message };
  const packet = message.signature;
  const keyIDHint = packet.issuerFingerprint?.slice(-16) ?? packet.issuerKeyIDs[0];

  const candidates = findCandidates(packet, trust);
  if (candidates.length === 0) {
    const tried = packet.issuerFingerprint ? `fingerprint ${packet.issuerFingerprint}` : `key ID ${packet.issuerKeyIDs.join(', ')}`;
    return rejected(fail('UnknownKey', `signed by ${tried}, which no trust root holds`), keyIDHint);
  }
  const usable = candidates.filter((c) => c.key.unusable === undefined && c.key.verification !== undefined);
  if (usable.length === 0) {
    const first = candidates[0];
    const why = first?.key.unusable ?? `algorithm ${first?.key.algorithm ?? '?'} is not supported`;
    return rejected(fail('UnknownKey', `key ${first?.key.fingerprint ?? '?'} in trust root ${first?.root.name ?? '?'} cannot sign: ${why}`), keyIDHint);
  }
  const signer = usable.find((c) => c.key.verification && verifySignature(packet, message.untrustedPayload, c.key.verification));
  if (!signer) {
    return rejected(fail('BadSignature', `signature does not verify with key ${usable.map((c) => c.key.fingerprint).join(', ')}`), keyIDHint);
  }
  // The same key may sit in several roots with different settings: none may be ignored.
  const sameKey = usable.filter((c) => c.key.fingerprint === signer.key.fingerprint);
  const strongEnough = sameKey.filter((c) => weakAlgorithm(packet, c) === null);
  if (strongEnough.length === 0) return rejected(fail('WeakAlgorithm', weakAlgorithm(packet, signer) ?? 'weak algorithm'), keyIDHint);
  // Only now, with the bytes authenticated, is the payload parsed (strictly: a trusted key can sign junk).
  const claims = parsePayload(message.untrustedPayload);
  const forIdentity = isFailure(claims) ? '' : ` for ${claims.dockerReference}`;
  const holders = strongEnough.map((key): Holder => {
    const reported = toSigner(key);
    return { key, signer: reported, verifiedMessage: `signed by ${reported.fingerprint} (${reported.trustRoot})${forIdentity}` };
  });
  const revoker = sameKey.find((c) => locallyRevokes(c));
  const created = iso(packet.created);
  return revoker ? { holders, locallyRevokedBy: revoker.root.name, created, packet, claims } : { holders, created, packet, claims };
}

function rejected(failure: Failure, keyIDHint: string | undefined): Rejected {
  return keyIDHint ? { failure, keyIDHint } : { failure };
}

function locallyRevokes({ key, root }: TrustedKey): boolean {
  const revoked = root.revokedKeys;
  return revoked.has(key.fingerprint) || revoked.has(key.primaryFingerprint) || revoked.has(key.keyID) || revoked.has(key.primaryFingerprint.slice(-16));
}

/** One frozen signer per trusted key: it depends on nothing else, and every signature by the key reports it. */
const signers = new WeakMap<TrustedKey, VerifiedSigner>();

function toSigner(trusted: TrustedKey): VerifiedSigner {
  let signer = signers.get(trusted);
  if (signer === undefined) {
    signer = newSigner(trusted);
    signers.set(trusted, signer);
  }
  return signer;
}

function newSigner({ key, root }: TrustedKey): VerifiedSigner {
  const signer: { -readonly [K in keyof VerifiedSigner]?: VerifiedSigner[K] } = { fingerprint: key.primaryFingerprint, keyID: key.keyID, trustRoot: root.name };
  if (key.commonName) signer.commonName = key.commonName;
  if (key.organization) signer.organization = key.organization;
  if (key.email) signer.email = key.email;
  signer.issuer = Object.freeze({ ...root.issuer });
  return Object.freeze(signer as VerifiedSigner);
}

/**
 * The hashed issuer fingerprint binds the signature to one key; key IDs are unhashed hints, so every
 * key they name is a candidate and the cryptographic check decides.
 */
function findCandidates(packet: SignaturePacket, trust: TrustMaterial): readonly TrustedKey[] {
  if (packet.issuerFingerprint) return trust.byFingerprint.get(packet.issuerFingerprint) ?? [];
  const found: TrustedKey[] = [];
  for (const keyID of packet.issuerKeyIDs) {
    for (const entry of trust.byKeyID.get(keyID) ?? []) if (!found.includes(entry)) found.push(entry);
  }
  return found.filter((c) => c.key.verification === undefined || c.key.verification.algorithm === packet.publicKeyAlgorithm);
}

const HASH_WEAK: Readonly<Record<number, { name: string; allowedBy?: 'SHA1' }>> = {
  1: { name: 'MD5' },
  2: { name: 'SHA-1', allowedBy: 'SHA1' },
  3: { name: 'RIPEMD-160' },
};

function weakAlgorithm(packet: SignaturePacket, signer: TrustedKey): string | null {
  const allowed = signer.root.allowWeakAlgorithms;
  const hash = HASH_WEAK[packet.hashAlgorithm];
  if (hash && !(hash.allowedBy && allowed.has(hash.allowedBy))) {
    return `data signature by key ${signer.key.fingerprint} uses ${hash.name}${hash.allowedBy ? ` (allow it with allowWeakAlgorithms: [${hash.allowedBy}])` : ', which is never accepted'}`;
  }
  const { key } = signer;
  if (key.verification?.algorithm === PUBLIC_KEY_ALGORITHM.dsa && !allowed.has('DSA')) {
    return `${key.algorithm} key ${key.fingerprint} (DSA is weak; allow it with allowWeakAlgorithms: [DSA])`;
  }
  const isRsa = key.verification?.algorithm === PUBLIC_KEY_ALGORITHM.rsa || key.verification?.algorithm === PUBLIC_KEY_ALGORITHM.rsaSign;
  if (isRsa && key.bits !== undefined && key.bits < 2048) {
    if (key.bits < 1024 || !allowed.has('RSA1024')) {
      return `${key.algorithm} key ${key.fingerprint} is under 2048 bits${key.bits >= 1024 ? ' (allow it with allowWeakAlgorithms: [RSA1024])' : ''}`;
    }
  }
  return null;
}
