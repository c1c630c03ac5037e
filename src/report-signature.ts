/**
 * One signature as reports print it (`verify -o json`, the audit's items): the verifier's facts,
 * flattened. Field names are part of the contract; absent facts are omitted, never faked.
 */
import type { SignatureVerdict } from './types.js';

export interface ReportSignature {
  readonly name: string;
  readonly type: string;
  readonly trusted: boolean;
  readonly forImage: boolean;
  readonly reason: string;
  readonly message: string;
  readonly keyID?: string;
  readonly fingerprint?: string;
  readonly trustRoot?: string;
  readonly signer?: { readonly commonName?: string; readonly organization?: string; readonly email?: string };
  /** Who vouches for the signer: the issuing CA (X.509) or the trust root's `issuer` (OpenPGP). */
  readonly issuer?: { readonly commonName?: string; readonly organization?: string };
  readonly signedIdentity?: string;
  readonly signedDigest?: string;
  readonly creator?: string;
  readonly timestamp?: string;
  readonly created?: string;
  readonly expired: boolean;
  readonly revoked: boolean;
}

/** Never throws. */
export function reportSignature(v: SignatureVerdict): ReportSignature {
  const signer = v.signer;
  const person = signer ? { ...pick(signer, ['commonName', 'organization', 'email']) } : undefined;
  return {
    name: v.name,
    type: v.type,
    trusted: v.trusted,
    forImage: v.forImage,
    reason: v.reason,
    message: v.message,
    ...(v.keyID !== undefined ? { keyID: v.keyID } : {}),
    ...(signer ? { fingerprint: signer.fingerprint, trustRoot: signer.trustRoot } : {}),
    ...(person && Object.keys(person).length > 0 ? { signer: person } : {}),
    ...(signer && Object.keys(signer.issuer).length > 0 ? { issuer: { ...signer.issuer } } : {}),
    ...(v.claims ? { signedIdentity: v.claims.dockerReference, signedDigest: v.claims.manifestDigest } : {}),
    ...(v.claims?.creator !== undefined ? { creator: v.claims.creator } : {}),
    ...(v.claims?.timestamp !== undefined ? { timestamp: new Date(v.claims.timestamp * 1000).toISOString().replace('.000Z', 'Z') } : {}),
    ...(v.created !== undefined ? { created: v.created } : {}),
    expired: v.expired,
    revoked: v.revoked,
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
