/**
 * One signature as reports print it (`verify -o json`, the audit's items): the verifier's facts,
 * flattened. Field names are part of the contract; absent facts are omitted, never faked.
 */
import { isoSeconds } from './iso-seconds.js';
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
  // Built member by member, in the report's order: V8 builds a literal that extends spreads slowly.
  const out: { -readonly [K in keyof ReportSignature]?: ReportSignature[K] } = {
    name: v.name,
    type: v.type,
    trusted: v.trusted,
    forImage: v.forImage,
    reason: v.reason,
    message: v.message,
  };
  if (v.keyID !== undefined) out.keyID = v.keyID;
  if (signer) {
    out.fingerprint = signer.fingerprint;
    out.trustRoot = signer.trustRoot;
    const person = pick(signer, ['commonName', 'organization', 'email']);
    if (Object.keys(person).length > 0) out.signer = person;
    if (Object.keys(signer.issuer).length > 0) out.issuer = { ...signer.issuer };
  }
  const { claims } = v;
  if (claims) {
    out.signedIdentity = claims.dockerReference;
    out.signedDigest = claims.manifestDigest;
    if (claims.creator !== undefined) out.creator = claims.creator;
    if (claims.timestamp !== undefined) out.timestamp = isoSeconds(claims.timestamp);
  }
  if (v.created !== undefined) out.created = v.created;
  out.expired = v.expired;
  out.revoked = v.revoked;
  return out as ReportSignature;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
