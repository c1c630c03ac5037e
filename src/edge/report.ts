/**
 * The `VerificationReport` (contract section 7): what `verify -o json|yaml` prints, built from the
 * engine's results. Field names are part of the contract; absent facts are omitted, never faked.
 */
import type { VerifyResult } from '../engine.js';
import type { SignatureVerdict, Verdict } from '../types.js';

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
  readonly signedIdentity?: string;
  readonly signedDigest?: string;
  readonly creator?: string;
  readonly timestamp?: string;
  readonly created?: string;
  readonly expired: boolean;
  readonly revoked: boolean;
}

export interface ReportItem {
  readonly image: string;
  readonly dockerImageReference?: string;
  readonly source: string;
  readonly verdict: Verdict;
  readonly signatures: readonly ReportSignature[];
}

export interface ReportError {
  readonly source: string;
  readonly path: string;
  readonly message: string;
}

export interface VerificationReport {
  readonly apiVersion: 'imagetrust.io/v1alpha1';
  readonly kind: 'VerificationReport';
  readonly evaluationTime: string;
  readonly identityRule: string;
  readonly expectedIdentity?: string;
  readonly items: readonly ReportItem[];
  readonly errors: readonly ReportError[];
}

export function reportItem(image: { name: string; dockerImageReference?: string }, source: string, result: VerifyResult): ReportItem {
  return {
    image: image.name,
    ...(image.dockerImageReference !== undefined ? { dockerImageReference: image.dockerImageReference } : {}),
    source,
    verdict: result.verdict,
    signatures: result.signatures.map(reportSignature),
  };
}

function reportSignature(v: SignatureVerdict): ReportSignature {
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
