/** Signature algorithm identifiers, key checks and weakness (src/x509/algorithms.ts). */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashWeakness, keyProblem, keyWeakness, signatureScheme, verifyWith } from '../../../src/x509/algorithms.js';
import { readWhole } from '../../../src/x509/der.js';
import { DER_NULL } from '../../../src/x509/der-write.js';

const NULL = readWhole(DER_NULL);

describe('signatureScheme', () => {
  it('maps identifiers to a scheme and hash', () => {
    expect(signatureScheme('1.2.840.113549.1.1.1', NULL, 'sha256')).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(signatureScheme('1.2.840.113549.1.1.11', null, 'sha256')).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(signatureScheme('1.2.840.10045.4.3.3', null, 'sha384')).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(signatureScheme('1.3.101.112', null, 'sha512')).toEqual({ kind: 'ed25519', hash: null });
    expect(signatureScheme('1.2.840.10045.4.3.2', null, null)).toEqual({ kind: 'ecdsa', hash: 'sha256' });
  });

  it('refuses unknown identifiers, unexpected parameters and hash mismatches', () => {
    expect(typeof signatureScheme('1.2.3', null, 'sha256')).toBe('string');
    expect(typeof signatureScheme('1.2.840.10045.4.3.2', NULL, 'sha256')).toBe('string');
    expect(typeof signatureScheme('1.2.840.10045.4.3.2', null, 'sha384')).toBe('string');
    expect(typeof signatureScheme('1.2.840.113549.1.1.1', null, null)).toBe('string'); // rsaEncryption names no hash
    expect(typeof signatureScheme('1.2.840.113549.1.1.10', null, 'sha256')).toBe('string'); // PSS without parameters
  });
});

describe('keys', () => {
  it('accepts P-256/384/521 and refuses other curves for ECDSA', () => {
    const ecdsa = { kind: 'ecdsa', hash: 'sha256' } as const;
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) expect(keyProblem(generateKeyPairSync('ec', { namedCurve }).publicKey, ecdsa)).toBeNull();
    expect(keyProblem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey, ecdsa)).toMatch(/secp256k1/);
    expect(keyProblem(generateKeyPairSync('ed25519').publicKey, ecdsa)).not.toBeNull();
  });

  it('calls RSA under 2048 bits, DSA, SHA-1 and MD5 weak, naming the allowWeakAlgorithms entry', () => {
    expect(keyWeakness(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'k')?.allowedBy).toBe('RSA1024');
    expect(keyWeakness(generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey, 'k')?.allowedBy).toBeNull();
    expect(keyWeakness(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'k')).toBeNull();
    expect(keyWeakness(generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey, 'k')?.allowedBy).toBe('DSA');
    expect(hashWeakness('sha1', 'x')?.allowedBy).toBe('SHA1');
    expect(hashWeakness('md5', 'x')?.allowedBy).toBeNull();
    expect(hashWeakness('sha256', 'x')).toBeNull();
  });

  it('verifyWith never throws on garbage', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Uint8Array.of(1, 2, 3);
    const good = sign('sha256', data, privateKey);
    expect(verifyWith(publicKey, { kind: 'ecdsa', hash: 'sha256' }, data, good)).toBe(true);
    expect(verifyWith(publicKey, { kind: 'ecdsa', hash: 'sha256' }, data, Uint8Array.of(0x30, 0x00))).toBe(false);
    expect(verifyWith(publicKey, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, data, good)).toBe(false);
    expect(verifyWith(publicKey, { kind: 'ed25519', hash: null }, data, good)).toBe(false);
  });
});
