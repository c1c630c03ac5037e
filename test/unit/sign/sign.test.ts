/**
 * The core of `imagetrust sign` (src/sign/): the payload containers/image writes, the new
 * ImageSignature (name, type, nothing else touched), CMS signing (round trip through the verifier
 * for RSA, ECDSA P-256 and Ed25519, with and without signed attributes) and OpenPGP signing
 * (signing subkey or primary key, V4, compressed), all with the clock and randomness injected.
 */
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../../src/claims/payload.js';
import { ConfigError, isFailure } from '../../../src/codes.js';
import { createEngine } from '../../../src/engine.js';
import { DEFAULT_MESSAGE_LIMITS, parseSignedMessage } from '../../../src/pgp/message.js';
import { createX509Signer, signCms } from '../../../src/sign/cms.js';
import { createOpenPgpSigner } from '../../../src/sign/openpgp-signer.js';
import { simpleSigningPayload } from '../../../src/sign/payload.js';
import { signImage } from '../../../src/sign/sign-image.js';
import type { ImageSigner } from '../../../src/sign/signer.js';
import { loadTrust } from '../../../src/trust/material.js';
import { isAuthenticated } from '../../../src/verify/authenticated.js';
import { authenticateX509 } from '../../../src/x509/authenticate.js';
import { FIXED_NOW, TEST_MANIFEST_DIGEST, buildImage, readFixture, readFixtureText } from '../../helpers/images.js';
import { fixtureCertificate } from '../x509/cms-builder.js';

const SIGN_TIME = new Date('2025-06-01T00:00:00Z');
const AT = Math.floor(FIXED_NOW.getTime() / 1000);
const DIGEST = TEST_MANIFEST_DIGEST;
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);
const fakeSigner = (type: 'atomic' | 'x509' = 'atomic'): ImageSigner & { payloads: Uint8Array[] } => {
  const payloads: Uint8Array[] = [];
  return { type, description: 'fake', payloads, sign: (payload) => (payloads.push(payload), Promise.resolve(Uint8Array.of(1, 2, 3))) };
};

describe('simpleSigningPayload', () => {
  it('writes compact JSON in containers/image member order', () => {
    const payload = simpleSigningPayload({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, creator: 'imagetrust 0.1.0', timestamp: 1748736000 });
    expect(Buffer.from(payload).toString('utf8')).toBe(
      `{"critical":{"identity":{"docker-reference":"registry.example.com/ns/app:v1"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{"creator":"imagetrust 0.1.0","timestamp":1748736000}}`,
    );
    expect(parsePayload(payload)).toEqual({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, creator: 'imagetrust 0.1.0', timestamp: 1748736000 });
  });

  it('escapes <, >, & and U+2028/9 as Go does, and writes whole seconds', () => {
    const text = Buffer.from(simpleSigningPayload({ dockerReference: 'r/a:b', manifestDigest: DIGEST, creator: 'a<b>&\u2028"', timestamp: 12.9 })).toString('utf8');
    expect(text).toContain('"creator":"a\\u003cb\\u003e\\u0026\\u2028\\""');
    expect(text).toContain('"timestamp":12}');
  });
});

describe('signImage', () => {
  const image = buildImage({ signatures: [Uint8Array.of(9, 9)], dockerImageReference: 'registry.example.com/ns/app:v1' });

  it('appends one signature named <digest>@<32 hex> from the injected randomness, leaving the input alone', async () => {
    const before = JSON.stringify(image);
    const signer = fakeSigner('x509');
    const out = await signImage(image, { identity: 'registry.example.com/ns/app:v1', signer, creator: 'c', now: SIGN_TIME, random: counting });
    expect(JSON.stringify(image)).toBe(before);
    expect(out.signature).toEqual({ metadata: { name: `${DIGEST}@000102030405060708090a0b0c0d0e0f` }, type: 'x509', content: 'AQID' });
    expect(out.image['signatures']).toEqual([...image.signatures, out.signature]);
    expect(parsePayload(signer.payloads[0]!)).toMatchObject({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, timestamp: 1748736000 });
  });

  it('creates signatures[] when the Image has none, and normalizes the identity', async () => {
    const unsigned: Record<string, unknown> = { ...image };
    delete unsigned['signatures'];
    const out = await signImage(unsigned, { identity: 'busybox', signer: fakeSigner(), creator: 'c', now: SIGN_TIME, random: counting });
    expect(out.identity).toBe('docker.io/library/busybox:latest');
    expect(out.image['signatures']).toHaveLength(1);
  });

  it('refuses a bad identity, a document that is not an Image, and an Image whose manifest does not match its name', async () => {
    const options = { signer: fakeSigner(), creator: 'c', now: SIGN_TIME, random: counting };
    await expect(signImage(image, { ...options, identity: 'UPPER/case' })).rejects.toThrow(ConfigError);
    await expect(signImage({ kind: 'Pod' }, { ...options, identity: 'a/b:c' })).rejects.toThrow(ConfigError);
    const mismatched = buildImage({ signatures: [], manifest: '{"schemaVersion":2}', digest: DIGEST });
    await expect(signImage(mismatched, { ...options, identity: 'a/b:c' })).rejects.toThrow(ConfigError);
  });
});

describe('CMS signing round trip', () => {
  const material = (signer: string) => ({
    privateKey: createPrivateKey(Buffer.from(readFixture(`x509/keys/${signer}.key`))),
    certificates: [fixtureCertificate(signer), fixtureCertificate('intermediate-ca')],
  });
  const payload = readFixture('x509/payload.json');

  it.each([
    ['signer-rsa2048', true], ['signer-rsa2048', false], ['signer-p256', true], ['signer-p256', false], ['signer-ed25519', true], ['signer-ed25519', false],
  ] as const)('%s (signed attributes: %s) verifies', async (signer, signedAttributes) => {
    const trust = await loadTrust([{ name: 'fixture-root', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }]);
    const blob = signCms(payload, material(signer), SIGN_TIME, { signedAttributes });
    const result = authenticateX509(blob, trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(result)).toBe(true);
    if (!isAuthenticated(result)) return;
    expect(result.judge(AT).failure).toBeNull();
    expect(result.judge(AT).signer.fingerprint).toBe(fixtureCertificate(signer).fingerprint);
    expect(result.created).toBe('2025-06-01T00:00:00Z');
  });

  // Without signed attributes the payload's timestamp is the creation time: one no Date can hold
  // once made the engine throw. It is refused as a payload fault, for either format, never thrown.
  it.each([1e13, -1e13, 2 ** 53 - 1])('a payload timestamp of %d s is InvalidPayload, never an exception', async (timestamp) => {
    const farPayload = simpleSigningPayload({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, creator: 'c', timestamp });
    const x509Engine = await createEngine({ trust: [{ name: 'fixture-root', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }], clock: () => FIXED_NOW });
    const pgpEngine = await createEngine({ trust: [{ name: 'rsa2048', keyrings: [{ data: readFixture('pgp/keys/rsa2048.asc') }] }], clock: () => FIXED_NOW });
    const pgpBlob = await (await createOpenPgpSigner({ data: readFixture('pgp/keys/secret/rsa2048.asc'), source: 'rsa2048.asc' })).sign(farPayload, SIGN_TIME);
    const verdicts = [
      ...[true, false].map((signedAttributes) => x509Engine.verifyImage(buildImage({ type: 'x509', signatures: [signCms(farPayload, material('signer-rsa2048'), SIGN_TIME, { signedAttributes })] })).signatures[0]),
      pgpEngine.verifyImage(buildImage({ signatures: [pgpBlob] })).signatures[0],
    ];
    expect(verdicts.map((v) => v?.reason)).toEqual(['InvalidPayload', 'InvalidPayload', 'InvalidPayload']);
  });

  // The payload timestamp is judged (NotYetValid) but, unlike the CMS signing-time attribute, never
  // moves the time a `keyValidity: signingTime` root judges the certificates at.
  it('under keyValidity signingTime, a payload timestamp does not revive an expired certificate', async () => {
    const trust = await loadTrust([{ name: 'fixture-root', keyValidity: 'signingTime', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }]);
    const during = simpleSigningPayload({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, creator: 'c', timestamp: Date.parse('2025-03-01T00:00:00Z') / 1000 });
    const withoutAttributes = authenticateX509(signCms(during, material('signer-expired'), SIGN_TIME, { signedAttributes: false }), trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(withoutAttributes) && withoutAttributes.judge(AT).failure?.code).toBe('KeyExpired');
    const withAttribute = authenticateX509(signCms(during, material('signer-expired'), new Date('2025-03-01T00:00:00Z')), trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(withAttribute) && withAttribute.judge(AT).failure).toBeNull();
  });

  it('createX509Signer takes the chain from the certificate file or a chain file, and refuses unusable keys and certificates', async () => {
    const file = (name: string) => ({ data: readFixture(`x509/${name}`), source: name });
    const both = { data: Buffer.concat([readFixture('x509/certs/signer-p256.pem'), readFixture('x509/certs/intermediate-ca.pem')]), source: 'both.pem' };
    const signer = createX509Signer({ key: file('keys/signer-p256.key'), certificate: both });
    expect(signer.type).toBe('x509');
    const trust = await loadTrust([{ name: 'fixture-root', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }]);
    const result = authenticateX509(await signer.sign(payload, SIGN_TIME), trust, DEFAULT_MESSAGE_LIMITS);
    expect(isAuthenticated(result) && result.judge(AT).failure).toBeNull();
    expect(() => createX509Signer({ key: file('keys/signer-rsa2048.key'), certificate: file('certs/signer-p256.pem') })).toThrow(ConfigError);
    expect(() => createX509Signer({ key: file('keys/signer-server-auth.key'), certificate: file('certs/signer-server-auth.pem') })).toThrow(ConfigError);
    expect(() => createX509Signer({ key: file('certs/signer-p256.pem'), certificate: file('certs/signer-p256.pem') })).toThrow(ConfigError);
  });
});

describe('OpenPGP signing', () => {
  const secret = (name: string) => ({ data: readFixture(`pgp/keys/secret/${name}.asc`), source: `${name}.asc` });

  it.each([['rsa2048', 'rsa2048'], ['ed25519', 'ed25519'], ['subkey-signer (signs with its subkey)', 'subkey-signer']])('%s: a compressed V4 signed message the verifier accepts', async (_what, name) => {
    const signer = await createOpenPgpSigner(secret(name));
    const payload = simpleSigningPayload({ dockerReference: 'registry.example.com/ns/app:v1', manifestDigest: DIGEST, creator: 'c', timestamp: 1748736000 });
    const blob = await signer.sign(payload, SIGN_TIME);
    expect(blob[0]).toBe(0xc8); // compressed data packet
    const message = parseSignedMessage(blob);
    expect(isFailure(message)).toBe(false);
    if (isFailure(message)) return;
    expect(message.signature.version).toBe(4);
    expect(message.signature.created).toBe(1748736000);
    const engine = await createEngine({ trust: [{ name, keyrings: [{ data: readFixture(`pgp/keys/${name}.asc`) }] }], clock: () => FIXED_NOW });
    const verdict = engine.verifyImage(buildImage({ signatures: [blob] }), { expectedIdentity: 'registry.example.com/ns/app:v1' }).signatures[0];
    expect(verdict?.reason).toBe('Verified');
    expect(verdict?.signer?.fingerprint).toBe(signer.description);
    if (name === 'subkey-signer') expect(verdict?.keyID).toBe('23C6223C91FEDA08');
  });

  it('refuses public keys, files with several secret keys, and garbage', async () => {
    await expect(createOpenPgpSigner({ data: readFixture('pgp/keys/rsa2048.asc'), source: 'pub.asc' })).rejects.toThrow(ConfigError);
    const two = Buffer.from(readFixtureText('pgp/keys/secret/rsa2048.asc') + readFixtureText('pgp/keys/secret/ed25519.asc'));
    await expect(createOpenPgpSigner({ data: two, source: 'two.asc' })).rejects.toThrow(ConfigError);
    await expect(createOpenPgpSigner({ data: Uint8Array.of(1, 2, 3), source: 'junk' })).rejects.toThrow(ConfigError);
  });
});
