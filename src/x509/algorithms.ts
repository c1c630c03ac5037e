/**
 * The algorithms X.509 signatures may use, by object identifier, and the one place where a CMS
 * signature is checked with `node:crypto`. Accepted: RSA PKCS#1 v1.5 and PSS, ECDSA on P-256,
 * P-384 and P-521, Ed25519, over SHA-2; SHA-1, RSA under 2048 bits and DSA only where a trust root
 * allows them; MD5 never.
 */
import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { WeakAlgorithm } from '../trust/material.js';
import { absentOrNull, algorithm, DerError, sequence, smallInteger, TAG, type DerNode } from './der.js';

export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Digest algorithm identifiers (RFC 5754, RFC 3370). */
export const HASH_OIDS: Readonly<Record<string, HashName>> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The OID of each hash, for writers. */
export const HASH_OID_OF: Readonly<Record<HashName, string>> = Object.fromEntries(Object.entries(HASH_OIDS).map(([k, v]) => [v, k])) as Record<HashName, string>;

export type SchemeKind = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'dsa';

/** How one signature value is checked. */
export interface SignatureScheme {
  readonly kind: SchemeKind;
  /** The hash the signature is computed with; null for Ed25519 (pure). */
  readonly hash: HashName | null;
  /** RSA-PSS salt length. */
  readonly saltLength?: number;
}

/** Signature algorithm identifiers: kind and the hash they name (null: the CMS digest algorithm's). */
const SIGNATURE_OIDS: Readonly<Record<string, readonly [SchemeKind, HashName | null]>> = {
  '1.2.840.113549.1.1.1': ['rsa-pkcs1', null], // rsaEncryption, as OpenSSL writes in CMS
  '1.2.840.113549.1.1.4': ['rsa-pkcs1', 'md5'],
  '1.2.840.113549.1.1.5': ['rsa-pkcs1', 'sha1'],
  '1.2.840.113549.1.1.14': ['rsa-pkcs1', 'sha224'],
  '1.2.840.113549.1.1.11': ['rsa-pkcs1', 'sha256'],
  '1.2.840.113549.1.1.12': ['rsa-pkcs1', 'sha384'],
  '1.2.840.113549.1.1.13': ['rsa-pkcs1', 'sha512'],
  '1.2.840.113549.1.1.10': ['rsa-pss', null],
  '1.2.840.10045.2.1': ['ecdsa', null], // id-ecPublicKey as a signature algorithm (some CMS writers)
  '1.2.840.10045.4.1': ['ecdsa', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa', 'sha512'],
  '1.3.101.112': ['ed25519', null],
  '1.2.840.10040.4.3': ['dsa', 'sha1'],
  '2.16.840.1.101.3.4.3.2': ['dsa', 'sha256'],
};

const MGF1 = '1.2.840.113549.1.1.8';

/**
 * The scheme of a signature algorithm identifier. `digest` is the CMS digest algorithm (null for a
 * certificate signature): a named hash must equal it. Returns a problem text for anything else.
 */
export function signatureScheme(oid: string, params: DerNode | null, digest: HashName | null): SignatureScheme | string {
  const known = SIGNATURE_OIDS[oid];
  if (!known) return `signature algorithm ${oid} is not supported`;
  const [kind, named] = known;
  if (kind === 'rsa-pss') return pssScheme(params, digest);
  // RSA identifiers carry NULL parameters (or none); ECDSA, EdDSA and DSA identifiers carry none.
  if (kind === 'rsa-pkcs1' ? !absentOrNull(params) : params !== null) return `signature algorithm ${oid} has unexpected parameters`;
  if (kind === 'ed25519') return { kind, hash: null };
  const hash = named ?? digest;
  if (hash === null) return `signature algorithm ${oid} names no hash`;
  if (digest !== null && named !== null && named !== digest) return `signature algorithm ${oid} uses ${named}, but the digest algorithm is ${digest}`;
  return { kind, hash };
}

/** RSASSA-PSS-params (RFC 4055): explicit hash, MGF1 with the same hash, trailer field 1. */
function pssScheme(params: DerNode | null, digest: HashName | null): SignatureScheme | string {
  try {
    const fields = sequence(params ?? undefined, 'RSASSA-PSS parameters');
    let hash: HashName = 'sha1';
    let mgfHash: HashName = 'sha1';
    let saltLength = 20;
    for (const field of fields) {
      const inner = sequence(field, 'RSASSA-PSS parameter', field.tag)[0];
      if (field.tag === (TAG.context | 0)) hash = hashOf(algorithm(inner, 'PSS hash'));
      else if (field.tag === (TAG.context | 1)) {
        const mgf = algorithm(inner, 'PSS mask generation');
        if (mgf.oid !== MGF1 || mgf.params === null) return 'RSASSA-PSS mask generation is not MGF1';
        mgfHash = hashOf(algorithm(mgf.params, 'MGF1 hash'));
      } else if (field.tag === (TAG.context | 2)) saltLength = smallInteger(inner, 'PSS salt length');
      else if (field.tag === (TAG.context | 3)) {
        if (smallInteger(inner, 'PSS trailer field') !== 1) return 'RSASSA-PSS trailer field is not 1';
      } else return 'RSASSA-PSS parameters hold an unknown field';
    }
    if (hash !== mgfHash) return `RSASSA-PSS uses ${hash} with MGF1 over ${mgfHash}`;
    if (digest !== null && hash !== digest) return `RSASSA-PSS uses ${hash}, but the digest algorithm is ${digest}`;
    return { kind: 'rsa-pss', hash, saltLength };
  } catch (error) {
    return error instanceof DerError ? `RSASSA-PSS parameters: ${error.message}` : 'RSASSA-PSS parameters are malformed';
  }
}

function hashOf(id: { readonly oid: string; readonly params: DerNode | null }): HashName {
  const hash = HASH_OIDS[id.oid];
  if (!hash || !absentOrNull(id.params)) throw new DerError(`hash algorithm ${id.oid} is not supported`);
  return hash;
}

const CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Why `key` cannot make signatures of `scheme`, or null. */
export function keyProblem(key: KeyObject, scheme: SignatureScheme): string | null {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  switch (scheme.kind) {
    case 'rsa-pkcs1':
      return type === 'rsa' ? null : `a ${type} key cannot make an RSA PKCS#1 v1.5 signature`;
    case 'rsa-pss':
      return type === 'rsa' || type === 'rsa-pss' ? null : `a ${type} key cannot make an RSA-PSS signature`;
    case 'ecdsa':
      if (type !== 'ec') return `a ${type} key cannot make an ECDSA signature`;
      return CURVES.has(details.namedCurve ?? '') ? null : `ECDSA curve ${details.namedCurve ?? 'unknown'} is not accepted (P-256, P-384, P-521)`;
    case 'ed25519':
      return type === 'ed25519' ? null : `a ${type} key cannot make an Ed25519 signature`;
    case 'dsa':
      return type === 'dsa' ? null : `a ${type} key cannot make a DSA signature`;
  }
}

/** Checks one signature with node:crypto; false when `key` cannot make `scheme` signatures. Never throws. */
export function verifyWith(key: KeyObject, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array): boolean {
  // node:crypto ignores RSA padding options for other key types: the key must fit the scheme first.
  if (keyProblem(key, scheme) !== null) return false;
  try {
    switch (scheme.kind) {
      case 'ed25519':
        return cryptoVerify(null, data, key, signature);
      case 'rsa-pss':
        return cryptoVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength ?? 20 }, signature);
      case 'rsa-pkcs1':
        return cryptoVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'ecdsa':
      case 'dsa':
        return cryptoVerify(scheme.hash, data, { key, dsaEncoding: 'der' }, signature);
    }
  } catch {
    return false;
  }
}

/** A weak algorithm in use, and the `allowWeakAlgorithms` entry that accepts it (null: never). */
export interface Weakness {
  readonly what: string;
  readonly allowedBy: WeakAlgorithm | null;
}

/** The weakness of a hash used for a signature, or null. */
export function hashWeakness(hash: HashName | null, what: string): Weakness | null {
  if (hash === 'md5') return { what: `${what} uses MD5, which is never accepted`, allowedBy: null };
  if (hash === 'sha1') return { what: `${what} uses SHA-1 (allow it with allowWeakAlgorithms: [SHA1])`, allowedBy: 'SHA1' };
  return null;
}

/** The weakness of a signing key (RSA under 2048 bits, DSA), or null. */
export function keyWeakness(key: KeyObject, what: string): Weakness | null {
  const type = key.asymmetricKeyType;
  if (type === 'dsa') return { what: `${what} is a DSA key (allow it with allowWeakAlgorithms: [DSA])`, allowedBy: 'DSA' };
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 1024) return { what: `${what} is an RSA key of ${bits} bits, which is never accepted`, allowedBy: null };
    if (bits < 2048) return { what: `${what} is an RSA key of ${bits} bits (allow it with allowWeakAlgorithms: [RSA1024])`, allowedBy: 'RSA1024' };
  }
  return null;
}
