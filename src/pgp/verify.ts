/**
 * The cryptographic check of one signature packet over its literal data, with `node:crypto` and a
 * `KeyObject` built once when the trust root loaded. V3 and V4 packets differ only in the trailer
 * that `parseSignaturePacket` already extracted.
 */
import { createHash, constants, verify, type KeyObject } from 'node:crypto';
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
  const hash = HASH_NAMES[signature.hashAlgorithm];
  if (hash === undefined || signature.publicKeyAlgorithm !== key.algorithm) return false;
  // Class 0x01 (canonical text) is hashed as stored, as gpg does: the signer stored CR LF line
  // endings; re-canonicalizing here would accept LF-only variants that gpg reports as BAD.
  const data = Buffer.concat([payload, signature.trailer]);
  try {
    switch (key.algorithm) {
      case PUBLIC_KEY_ALGORITHM.rsa:
      case PUBLIC_KEY_ALGORITHM.rsaSign: {
        const value = leftPad(signature.values[0], key.valueBytes);
        return value !== null && verify(hash, data, { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING }, value);
      }
      case PUBLIC_KEY_ALGORITHM.dsa:
      case PUBLIC_KEY_ALGORITHM.ecdsa: {
        const r = leftPad(signature.values[0], key.valueBytes);
        const s = leftPad(signature.values[1], key.valueBytes);
        if (r === null || s === null) return false;
        return verify(hash, data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]));
      }
      case PUBLIC_KEY_ALGORITHM.eddsaLegacy: {
        const r = leftPad(signature.values[0], 32);
        const s = leftPad(signature.values[1], 32);
        if (r === null || s === null) return false;
        // EdDSA in OpenPGP signs the digest, not the data.
        return verify(null, createHash(hash).update(data).digest(), key.keyObject, Buffer.concat([r, s]));
      }
      case PUBLIC_KEY_ALGORITHM.ed25519:
      case PUBLIC_KEY_ALGORITHM.ed448: {
        const value = signature.values[0];
        return value !== undefined && verify(null, createHash(hash).update(data).digest(), key.keyObject, value);
      }
      default:
        return false;
    }
  } catch {
    // node:crypto throws on values it cannot even decode: that is a signature that does not verify.
    return false;
  }
}

function leftPad(value: Uint8Array | undefined, size: number): Buffer | null {
  if (value === undefined || value.length > size) return null;
  const out = Buffer.alloc(size);
  out.set(value, size - value.length);
  return out;
}
