/**
 * The cryptographic check of one signature packet over its literal data, with `node:crypto` and a
 * `KeyObject` built once when the trust root loaded. V3 and V4 packets differ only in the trailer
 * that `parseSignaturePacket` already extracted.
 */
import { constants, hash, verify, type KeyObject } from 'node:crypto';
import { PUBLIC_KEY_ALGORITHM, type SignaturePacket } from './signature-packet.js';

/** A public key ready for `node:crypto`, with the sizes needed to encode signature values. */
export interface VerificationKey {
  readonly algorithm: number;
  readonly keyObject: KeyObject;
  /** Bytes of the RSA modulus, the DSA q, or the ECDSA curve order: signature values pad to it. */
  readonly valueBytes: number;
}

/** OpenPGP hash algorithm IDs (RFC 4880 §9.4, RFC 9580 §9.5) to `node:crypto` names. */
export const HASH_NAMES: Readonly<Record<number, string>> = {
  1: 'md5',
  2: 'sha1',
  3: 'ripemd160',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
  12: 'sha3-256',
  14: 'sha3-512',
};

/** Never throws: true only when `signature` verifies over `payload` with `key`. */
export function verifySignature(signature: SignaturePacket, payload: Uint8Array, key: VerificationKey): boolean {
  const hashName = HASH_NAMES[signature.hashAlgorithm];
  if (hashName === undefined || signature.publicKeyAlgorithm !== key.algorithm) return false;
  // Class 0x01 (canonical text) is hashed as stored, as gpg does: the signer stored CR LF line
  // endings; re-canonicalizing here would accept LF-only variants that gpg reports as BAD.
  const { trailer } = signature;
  try {
    switch (key.algorithm) {
      case PUBLIC_KEY_ALGORITHM.rsa:
      case PUBLIC_KEY_ALGORITHM.rsaSign: {
        const value = leftPad(signature.values[0], key.valueBytes);
        return value !== null && verify(hashName, Buffer.concat([payload, trailer]), { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING }, value);
      }
      case PUBLIC_KEY_ALGORITHM.dsa:
      case PUBLIC_KEY_ALGORITHM.ecdsa: {
        const rs = padPair(signature.values[0], signature.values[1], key.valueBytes);
        return rs !== null && verify(hashName, Buffer.concat([payload, trailer]), { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, rs);
      }
      case PUBLIC_KEY_ALGORITHM.eddsaLegacy: {
        const rs = padPair(signature.values[0], signature.values[1], 32);
        // EdDSA in OpenPGP signs the digest, not the data.
        return rs !== null && verify(null, digest(hashName, payload, trailer), key.keyObject, rs);
      }
      case PUBLIC_KEY_ALGORITHM.ed25519:
      case PUBLIC_KEY_ALGORITHM.ed448: {
        const value = signature.values[0];
        return value !== undefined && verify(null, digest(hashName, payload, trailer), key.keyObject, value);
      }
      default:
        return false;
    }
  } catch {
    // node:crypto throws on values it cannot even decode: that is a signature that does not verify.
    return false;
  }
}

/** The one-shot digest: no `Hash` object, whose native handle costs more than the hashing. */
function digest(algorithm: string, payload: Uint8Array, trailer: Uint8Array): Buffer {
  return hash(algorithm, Buffer.concat([payload, trailer]), 'buffer');
}

/** `value` left-padded with zeros to `size` bytes (itself when it has that size), or null when longer. */
function leftPad(value: Uint8Array | undefined, size: number): Uint8Array | null {
  if (value === undefined || value.length > size) return null;
  if (value.length === size) return value;
  const out = new Uint8Array(size);
  out.set(value, size - value.length);
  return out;
}

/** `r` and `s`, each left-padded to `size` bytes, in one buffer (IEEE P1363), or null when either is missing or longer. */
function padPair(r: Uint8Array | undefined, s: Uint8Array | undefined, size: number): Uint8Array | null {
  if (r === undefined || s === undefined || r.length > size || s.length > size) return null;
  const out = new Uint8Array(2 * size);
  out.set(r, size - r.length);
  out.set(s, 2 * size - s.length);
  return out;
}
