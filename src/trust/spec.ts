/**
 * A trust root as plain data (what the edge reads from files and hands to `loadTrust`), and the
 * checks on it that need no key material. Apart from `material.ts` so that reading `--trust`
 * arguments does not load openpgp.
 */

export const WEAK_ALGORITHMS = ['SHA1', 'DSA', 'RSA1024'] as const;
export type WeakAlgorithm = (typeof WEAK_ALGORITHMS)[number];
export type KeyValidity = 'now' | 'signingTime';

/** One trust root as plain data: the edge reads files and hands over bytes. */
export interface TrustRootSpec {
  readonly name: string;
  /** Written to `issuedBy` for signatures this root's keys made. */
  readonly issuer?: { readonly commonName?: string; readonly organization?: string };
  /** Keyrings: binary, armored, or armor preceded by a `gpg --list-keys` listing. */
  readonly keyrings?: readonly { readonly data: Uint8Array; readonly source?: string }[];
  /** X.509 CA bundles (PEM, or one DER certificate): their CA certificates anchor `x509` signatures. */
  readonly caBundles?: readonly { readonly data: Uint8Array; readonly source?: string }[];
  readonly keyValidity?: KeyValidity;
  /** Fingerprints (or 16-hex key IDs) revoked locally, whatever the keyring says. */
  readonly revokedKeys?: readonly string[];
  readonly allowWeakAlgorithms?: readonly WeakAlgorithm[];
}

/** Upper-case hex without `0x` or spaces; a 16-hex key ID or a 40/64-hex fingerprint. */
export function normalizeKeyReference(value: string): string | null {
  const hex = value.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
  return /^(?:[0-9A-F]{16}|[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : null;
}

