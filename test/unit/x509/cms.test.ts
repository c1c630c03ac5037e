/**
 * The CMS grammar of `x509` signatures (src/x509/cms.ts) and the signature checks around it
 * (src/x509/authenticate.ts), one rule per test, on blobs built by hand (cms-builder.ts).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFailure } from '../../../src/codes.js';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from '../../../src/pgp/message.js';
import { loadTrust, type TrustMaterial } from '../../../src/trust/material.js';
import { isAuthenticated } from '../../../src/verify/authenticated.js';
import { authenticateX509 } from '../../../src/x509/authenticate.js';
import { MAX_CERTIFICATE_BYTES, MAX_CERTIFICATES } from '../../../src/x509/cms.js';
import { DER_NULL, derOctetString, derOid, derSequence, derSetOf, derTime, tlv } from '../../../src/x509/der-write.js';
import { FIXED_NOW, readFixture } from '../../helpers/images.js';
import { attribute, buildCms, defaultAttributes, fixtureCertificate, OIDS, PAYLOAD } from './cms-builder.js';

const AT = Math.floor(FIXED_NOW.getTime() / 1000);
let trust: TrustMaterial;
beforeAll(async () => {
  trust = await loadTrust([{ name: 'fixture-root', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }]);
});

/** The reason code after steps 1-7, as the engine would report it (before digest and identity). */
function reason(blob: Uint8Array, limits: MessageLimits = DEFAULT_MESSAGE_LIMITS, at = AT): string {
  const result = authenticateX509(blob, trust, limits);
  if (!isAuthenticated(result)) return result.failure.code;
  const judged = result.judge(at);
  if (judged.failure) return judged.failure.code;
  return isFailure(result.claims) ? result.claims.code : 'Verified';
}

describe('the reference blob', () => {
  it('verifies, reports the signing time as created and the parsed claims', () => {
    const result = authenticateX509(buildCms(), trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(result)).toBe(true);
    if (!isAuthenticated(result)) return;
    expect(result.format).toBe('x509');
    expect(result.created).toBe('2025-06-01T00:00:00Z');
    expect(result.claims).toMatchObject({ dockerReference: 'registry.example.com/ns/app:v1' });
    expect(result.judge(AT).failure).toBeNull();
  });

  it('identifies the signer by subject key identifier (SignerInfo and SignedData version 3)', () => {
    const ski = fixtureCertificate('signer-p256').extensions.subjectKeyId!;
    expect(reason(buildCms({ sid: tlv(0x80, ski), signerVersion: 3, version: 3 }))).toBe('Verified');
    expect(reason(buildCms({ sid: tlv(0x80, ski), signerVersion: 3, version: 1 }))).toBe('MalformedSignature');
    expect(reason(buildCms({ sid: tlv(0x80, ski), signerVersion: 1, version: 3 }))).toBe('MalformedSignature');
    expect(reason(buildCms({ sid: tlv(0x80, Uint8Array.of(1, 2, 3)), signerVersion: 3, version: 3 }))).toBe('MalformedSignature');
  });

  it('without a signing time, created is the payload timestamp', () => {
    const result = authenticateX509(buildCms({ attributes: defaultAttributes().filter((_, i) => i !== 1) }), trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(result) && result.created).toBe('2025-06-01T00:00:00Z');
  });
});

describe('MalformedSignature: the envelope', () => {
  it.each([
    ['another content type', { contentType: OIDS.data }],
    ['SignedData version 3 with an issuer-and-serial signer', { version: 3 }],
    ['SignerInfo version 3 with an issuer-and-serial signer', { signerVersion: 3 }],
    ['no digest algorithms', { digestAlgorithms: [] }],
    ['an extra digest algorithm', { digestAlgorithms: [derSequence(derOid(OIDS.sha256)), derSequence(derOid(OIDS.sha384))] }],
    ['a digest algorithm other than the signer\'s', { digestAlgorithms: [derSequence(derOid(OIDS.sha384))] }],
    ['encapsulated content that is not id-data', { eContentType: '1.2.840.113549.1.9.16.1.4' }],
    ['a detached signature', { eContent: null }],
    ['a BER constructed OCTET STRING payload', { eContentTag: 0x24 }],
    ['CRLs', { crls: true }],
    ['unsigned attributes', { unsignedAttributes: true }],
    ['no certificates', { certificates: null }],
    ['a certificate that is not DER', { certificates: [tlv(0x30, Uint8Array.of(1, 2, 3))] }],
    ['an unknown digest algorithm', { digestOid: '1.2.3.4' }],
    ['ECDSA signature algorithm with parameters', { signatureAlgorithm: derSequence(derOid(OIDS.ecdsaSha256), DER_NULL) }],
    ['an unknown signature algorithm', { signatureAlgorithm: derSequence(derOid('1.2.3.4')) }],
    ['a signature algorithm naming another hash than the digest algorithm', { signatureAlgorithm: derSequence(derOid('1.2.840.10045.4.3.3')) }],
  ] as const)('%s', (_what, parts) => {
    expect(reason(buildCms(parts))).toBe('MalformedSignature');
  });

  it('refuses BER indefinite lengths and trailing bytes', () => {
    const blob = buildCms();
    expect(reason(Uint8Array.of(0x30, 0x80, ...blob.subarray(4), 0, 0))).toBe('MalformedSignature');
    expect(reason(Uint8Array.of(...blob, 0))).toBe('MalformedSignature');
    expect(reason(new Uint8Array(0))).toBe('MalformedSignature');
  });
});

describe('MalformedSignature: signed attributes', () => {
  const [contentType, signingTime, messageDigest] = defaultAttributes();
  it.each([
    ['no content-type attribute', [signingTime!, messageDigest!]],
    ['no message-digest attribute', [contentType!, signingTime!]],
    ['a content type other than id-data', [attribute(OIDS.contentType, derOid('1.2.3.4')), signingTime!, messageDigest!]],
    ['a repeated attribute', [contentType!, signingTime!, messageDigest!, attribute(OIDS.signingTime, derTime(new Date('2025-06-02T00:00:00Z')))]],
    ['a message digest with two values', [contentType!, signingTime!, attribute(OIDS.messageDigest, derOctetString(Uint8Array.of(1)), derOctetString(Uint8Array.of(2)))]],
    ['a signing time that is not a time', [contentType!, attribute(OIDS.signingTime, derOctetString(Uint8Array.of(1))), messageDigest!]],
    ['an empty attribute set', []],
  ] as const)('%s', (_what, attributes) => {
    expect(reason(buildCms({ attributes: [...attributes] }))).toBe('MalformedSignature');
  });
});

describe('other reasons', () => {
  it('two SignerInfos are MultipleSignatures', () => {
    const second = derSequence(tlv(0x02, Uint8Array.of(1)));
    expect(reason(buildCms({ extraSigners: [second] }))).toBe('MultipleSignatures');
  });

  it('a message digest that does not match the payload is BadSignature', () => {
    const [contentType, signingTime] = defaultAttributes();
    expect(reason(buildCms({ attributes: [contentType!, signingTime!, attribute(OIDS.messageDigest, derOctetString(new Uint8Array(32)))] }))).toBe('BadSignature');
  });

  it('a signature by another key, or an RSA algorithm on an EC key, is BadSignature', () => {
    expect(reason(buildCms({ signature: buildSignatureBy('signer-expired') }))).toBe('BadSignature');
    expect(reason(buildCms({ signatureAlgorithm: derSequence(derOid('1.2.840.113549.1.1.11'), DER_NULL) }))).toBe('BadSignature');
  });

  it('a signing time after the evaluation time (beyond 5 minutes) is NotYetValid', () => {
    const [contentType, , messageDigest] = defaultAttributes();
    const future = attribute(OIDS.signingTime, derTime(new Date('2026-01-01T00:06:00Z')));
    const almost = attribute(OIDS.signingTime, derTime(new Date('2026-01-01T00:04:00Z')));
    expect(reason(buildCms({ attributes: [contentType!, future, messageDigest!] }))).toBe('NotYetValid');
    expect(reason(buildCms({ attributes: [contentType!, almost, messageDigest!] }))).toBe('Verified');
  });

  it('a signing time before the signer certificate was valid is NotYetValid', () => {
    const [contentType, , messageDigest] = defaultAttributes();
    expect(reason(buildCms({ attributes: [contentType!, attribute(OIDS.signingTime, derTime(new Date('2024-01-01T00:00:00Z'))), messageDigest!] }))).toBe('NotYetValid');
  });

  // Without signed attributes the signed payload's timestamp is the signing time: it once made a
  // signature "created" after the evaluation time (or before its certificate) trusted.
  it('without signed attributes, a payload timestamp after the evaluation time or before the certificate is NotYetValid', () => {
    const noattr = (timestamp: number): Uint8Array => buildCms({
      attributes: null,
      eContent: Buffer.from(`{"critical":{"identity":{"docker-reference":"registry.example.com/ns/app:v1"},"image":{"docker-manifest-digest":"sha256:${'0'.repeat(64)}"},"type":"atomic container signature"},"optional":{"timestamp":${timestamp}}}`),
    });
    expect(reason(noattr(AT + 301))).toBe('NotYetValid');
    expect(reason(noattr(8_640_000_000_000))).toBe('NotYetValid');
    expect(reason(noattr(AT + 300))).toBe('Verified');
    const notBefore = fixtureCertificate('signer-p256').notBefore;
    expect(reason(noattr(notBefore - 1))).toBe('NotYetValid');
    expect(reason(noattr(notBefore))).toBe('Verified');
    expect(reason(noattr(-8_640_000_000_000))).toBe('NotYetValid');
  });

  it('bounds: blob size, payload size and certificate count are TooLarge', () => {
    const blob = buildCms();
    expect(reason(blob, { ...DEFAULT_MESSAGE_LIMITS, maxBlobBytes: blob.length - 1 })).toBe('TooLarge');
    expect(reason(blob, { ...DEFAULT_MESSAGE_LIMITS, maxPayloadBytes: PAYLOAD.length - 1 })).toBe('TooLarge');
    const leaf = fixtureCertificate('signer-p256').der;
    expect(reason(buildCms({ certificates: Array.from({ length: MAX_CERTIFICATES + 1 }, () => leaf) }))).toBe('TooLarge');
    expect(reason(buildCms({ certificates: [tlv(0x30, new Uint8Array(MAX_CERTIFICATE_BYTES))] }))).toBe('TooLarge');
  });

  it('a certificate carried twice is not a second signer certificate but is refused (two certificates match)', () => {
    const leaf = fixtureCertificate('signer-p256').der;
    expect(reason(buildCms({ certificates: [leaf, leaf, fixtureCertificate('intermediate-ca').der] }))).toBe('MalformedSignature');
  });

  it('Ed25519 and RSA signers built by hand verify too', () => {
    expect(reason(buildCms({ signer: 'signer-ed25519', digestOid: '2.16.840.1.101.3.4.2.3', attributes: defaultAttributes(PAYLOAD, 'sha512'), signatureAlgorithm: derSequence(derOid('1.3.101.112')) }))).toBe('Verified');
    expect(reason(buildCms({ signer: 'signer-rsa2048', signatureAlgorithm: derSequence(derOid('1.2.840.113549.1.1.1'), DER_NULL) }))).toBe('Verified');
    expect(reason(buildCms({ signer: 'signer-rsa2048', signatureAlgorithm: derSequence(derOid('1.2.840.113549.1.1.1'), derOctetString(Uint8Array.of(0))) }))).toBe('MalformedSignature');
  });
});

/** A valid ECDSA signature over the default signed attributes, by another fixture key. */
function buildSignatureBy(signer: string): Uint8Array {
  const key = createPrivateKey(Buffer.from(readFixture(`x509/keys/${signer}.key`)));
  return sign('sha256', derSetOf(defaultAttributes()), key);
}
