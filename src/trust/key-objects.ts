/**
 * Turns OpenPGP public key parameters into `node:crypto` KeyObjects, once, at trust-load time.
 * RSA and elliptic-curve keys go through JWK; DSA has no JWK form, so its SubjectPublicKeyInfo is
 * encoded here (a few DER bytes).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PUBLIC_KEY_ALGORITHM } from '../pgp/signature-packet.js';
import type { VerificationKey } from '../pgp/verify.js';

const CURVES: Readonly<Record<string, { crv: string; bytes: number }>> = {
  nistP256: { crv: 'P-256', bytes: 32 },
  nistP384: { crv: 'P-384', bytes: 48 },
  nistP521: { crv: 'P-521', bytes: 66 },
  secp256k1: { crv: 'secp256k1', bytes: 32 },
};

/** Returns undefined for algorithms or curves `node:crypto` cannot verify (their signatures fail). */
export function toVerificationKey(algorithm: number, params: Record<string, unknown>, curve: string | undefined): VerificationKey | undefined {
  try {
    const build = (keyObject: KeyObject, valueBytes: number): VerificationKey => ({ algorithm, keyObject, valueBytes });
    switch (algorithm) {
      case PUBLIC_KEY_ALGORITHM.rsa:
      case PUBLIC_KEY_ALGORITHM.rsaSign: {
        const n = trim(bytes(params['n']));
        return build(jwk({ kty: 'RSA', n: b64url(n), e: b64url(trim(bytes(params['e']))) }), n.length);
      }
      case PUBLIC_KEY_ALGORITHM.ecdsa: {
        const c = curve === undefined ? undefined : CURVES[curve];
        const q = bytes(params['Q']);
        if (!c || q[0] !== 0x04 || q.length !== 1 + 2 * c.bytes) return undefined;
        const x = q.subarray(1, 1 + c.bytes);
        const y = q.subarray(1 + c.bytes);
        return build(jwk({ kty: 'EC', crv: c.crv, x: b64url(x), y: b64url(y) }), c.bytes);
      }
      case PUBLIC_KEY_ALGORITHM.eddsaLegacy: {
        const q = bytes(params['Q']);
        if (curve !== 'ed25519Legacy' || q[0] !== 0x40 || q.length !== 33) return undefined;
        return build(jwk({ kty: 'OKP', crv: 'Ed25519', x: b64url(q.subarray(1)) }), 32);
      }
      case PUBLIC_KEY_ALGORITHM.ed25519:
        return build(jwk({ kty: 'OKP', crv: 'Ed25519', x: b64url(bytes(params['A'])) }), 32);
      case PUBLIC_KEY_ALGORITHM.ed448:
        return build(jwk({ kty: 'OKP', crv: 'Ed448', x: b64url(bytes(params['A'])) }), 57);
      case PUBLIC_KEY_ALGORITHM.dsa: {
        const [p, q, g, y] = ['p', 'q', 'g', 'y'].map((name) => trim(bytes(params[name])));
        if (!p || !q || !g || !y) return undefined;
        const key = createPublicKey({ key: dsaSpki(p, q, g, y), format: 'der', type: 'spki' });
        return build(key, q.length);
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function jwk(key: Record<string, string>): KeyObject {
  return createPublicKey({ key, format: 'jwk' });
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new TypeError('missing key parameter');
}

function trim(value: Uint8Array): Uint8Array {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  return value.subarray(i);
}

function b64url(value: Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

const DSA_OID = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]);

function dsaSpki(p: Uint8Array, q: Uint8Array, g: Uint8Array, y: Uint8Array): Buffer {
  const params = der(0x30, Buffer.concat([integer(p), integer(q), integer(g)]));
  const algorithm = der(0x30, Buffer.concat([DSA_OID, params]));
  const publicKey = der(0x03, Buffer.concat([Buffer.from([0]), integer(y)]));
  return der(0x30, Buffer.concat([algorithm, publicKey]));
}

function integer(value: Uint8Array): Buffer {
  const positive = (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : Buffer.from(value);
  return der(0x02, positive);
}

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}
