/**
 * Properties over *validly signed* but strange simple-signing payloads (contract sections 2, 3, 5-10):
 * real OpenPGP and X.509 (with and without signed attributes) signatures over payloads with extreme
 * timestamps, unicode creators and references, odd `optional` members, digests of every algorithm,
 * every JSON spelling; on Images with odd references and conditions; under every identity rule and
 * evaluation times up to the ends of a Date. Each goes through every consumer (see
 * test/helpers/signed-payload-consumers.ts). Blob mutations are signature.prop.test.ts's job: here
 * every signature is genuine, so only the payload and the context are strange.
 */
import { createPrivateKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createAdmissionController } from '../../src/admission/controller.js';
import { MAX_PAYLOAD_BYTES } from '../../src/claims/payload.js';
import { compilePolicyTexts, readPolicySources } from '../../src/edge/policy-input.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { isoSeconds } from '../../src/iso-seconds.js';
import { signCms, type CmsSigningMaterial } from '../../src/sign/cms.js';
import { createOpenPgpSigner } from '../../src/sign/openpgp-signer.js';
import type { ImageSigner } from '../../src/sign/signer.js';
import { loadTrust } from '../../src/trust/material.js';
import { TEST_MANIFEST_DIGEST, readFixture } from '../helpers/images.js';
import { exercise, type Consumers } from '../helpers/signed-payload-consumers.js';
import { exactReferenceArb, expectedClaims, payloadSpecArb, payloadText, referenceArb, trickyString, type PayloadSpec } from '../helpers/strange-payloads.js';
import { fixtureCertificate } from '../unit/x509/cms-builder.js';

type Json = Record<string, unknown>;

const AT = new Date('2026-01-01T00:00:00Z');
const PGP_SIGNED = new Date('2025-03-01T00:00:00Z');
const X509_SIGNED = new Date('2025-06-01T00:00:00Z');
const DIGEST = TEST_MANIFEST_DIGEST;

// ---------------------------------------------------------------------------------------------
// Signers, trust, engines (one per identity rule), policies, admission
// ---------------------------------------------------------------------------------------------

const PGP_KEYS = ['ed25519', 'rsa2048', 'subkey-signer', 'nistp256', 'expiring', 'revoked', 'retired', 'expired-subkey'] as const;
const X509_SIGNERS = ['signer-p256', 'signer-ed25519', 'signer-rsa2048', 'signer-expired', 'signer-not-yet-valid', 'signer-rsa1024', 'signer-under-stranger'] as const;

const pgpSigners = new Map<string, ImageSigner>(await Promise.all(PGP_KEYS.map(async (name) =>
  [name, await createOpenPgpSigner({ data: readFixture(`pgp/keys/secret/${name}.asc`), source: `${name}.asc` })] as const)));
const x509Material = new Map<string, CmsSigningMaterial>(X509_SIGNERS.map((name) => [name, {
  privateKey: createPrivateKey(Buffer.from(readFixture(`x509/keys/${name}.key`))),
  certificates: [fixtureCertificate(name), fixtureCertificate(name === 'signer-under-stranger' ? 'stranger-root-ca' : 'intermediate-ca')],
}]));

const trust = await loadTrust([
  // An issuer label with a line separator and markup: it ends up in reports and HTML.
  { name: 'pgp', issuer: { commonName: 'Imagetrust \u2028 Test', organization: '<Org & "Co">' }, keyrings: PGP_KEYS.map((name) => ({ data: readFixture(`pgp/keys/${name}.asc`), source: name })) },
  { name: 'x509', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] },
]);

const RULES: (readonly [string, string | Readonly<Record<string, string>>])[] = [
  ['matchRepoDigestOrExact', 'matchRepoDigestOrExact'],
  ['matchExact', 'matchExact'],
  ['matchRepository', 'matchRepository'],
  ['exactReference', { type: 'exactReference', dockerReference: 'registry.example.com/ns/app:v1' }],
  ['exactRepository', { type: 'exactRepository', dockerRepository: 'registry.example.com/ns/app' }],
  ['remapIdentity', { type: 'remapIdentity', prefix: 'mirror.example.net/shop', signedPrefix: 'registry.example.com/shop' }],
];
const engines: Engine[] = await Promise.all(RULES.map(([, rule]) =>
  createEngine({ trust, identityRule: rule, clock: () => AT, cache: { max: 256 } })));

// The same keys and CA judged at the signature's creation time (`keyValidity: signingTime`), the
// X.509 root twice: once each way, so a chain has two holders.
RULES.push(['matchRepoDigestOrExact, keyValidity signingTime', 'matchRepoDigestOrExact']);
engines.push(await createEngine({
  trust: [
    { name: 'pgp-at-signing', keyValidity: 'signingTime', revokedKeys: ['7D08ACDEBD7D1017'], keyrings: PGP_KEYS.map((name) => ({ data: readFixture(`pgp/keys/${name}.asc`), source: name })) },
    { name: 'x509-at-signing', keyValidity: 'signingTime', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] },
    { name: 'x509', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] },
  ],
  clock: () => AT,
  cache: false,
}));

const EXTRA_POLICIES = `
apiVersion: imagetrust.io/v1alpha1
kind: ImagePolicy
metadata: {name: timestamps}
spec:
  validations:
    - expression: "signatures.all(s, s.timestamp == null || (s.timestamp > timestamp('1970-01-01T00:00:00Z') || s.timestamp <= timestamp('1970-01-01T00:00:00Z')))"
    - expression: "signatures.filter(s, s.trusted && s.timestamp != null).all(s, now - s.timestamp < duration('87600h'))"
      messageExpression: "'old timestamps: ' + signatures.filter(s, s.timestamp != null).map(s, string(s.timestamp)).join(', ')"
    - expression: "signatures.all(s, s.timestamp == null || s.created == null || int(s.timestamp) - int(s.created) < 86400 * 366)"
    - expression: "signatures.all(s, s.timestamp == null || s.timestamp.getFullYear() >= 1970)"
  validationActions: [Warn]
  failurePolicy: Fail
---
apiVersion: imagetrust.io/v1alpha1
kind: ImagePolicy
metadata: {name: time-arithmetic}
spec:
  validations:
    - expression: |-
        signatures.all(s, (s.timestamp == null || s.timestamp + duration('1h') > s.timestamp)
          && (s.created == null || s.created - duration('1h') < s.created))
  validationActions: [Audit]
  failurePolicy: Fail
---
apiVersion: imagetrust.io/v1alpha1
kind: ImagePolicy
metadata: {name: creators}
spec:
  validations:
    - expression: "signatures.all(s, s.creator == null || size(s.creator) < 100000)"
    - expression: "signatures.exists(s, s.creator != null && s.creator.startsWith('imagetrust') && s.creator.matches('^[ -~]*$'))"
      messageExpression: "'creators: ' + signatures.map(s, s.creator == null ? '-' : s.creator).join(' | ')"
  validationActions: [Audit]
  failurePolicy: Ignore
---
apiVersion: imagetrust.io/v1alpha1
kind: ImagePolicy
metadata: {name: identities}
spec:
  images: ["**"]
  variables:
    - name: ok
      expression: |-
        signatures.filter(s, s.trusted && s.identity != null
          && identityMatches(s.identity, 'registry.example.com/ns/app:v1', 'matchRepository')
          && parseReference(s.identity).registry == reference.registry)
  validations:
    - expression: "size(variables.ok) > 0"
      messageExpression: "'identities: ' + signatures.map(s, s.identity == null ? '-' : s.identity).join(' ')"
    - expression: "signatures.all(s, s.created == null || now - s.created > duration('-876000h'))"
  validationActions: [Deny]
  failurePolicy: Fail
`;

// The example policies as `--policy policies/` loads them (the PolicyTest documents are skipped).
const examples = await readPolicySources([fileURLToPath(new URL('../../policies/', import.meta.url))]);
let now = AT;
const consumers: Consumers = {
  examples,
  extra: compilePolicyTexts([{ text: EXTRA_POLICIES, source: 'extra.yaml' }]),
  admission: await createAdmissionController({ trust, policies: examples, clock: () => now, unmatched: 'allow', cache: false }),
  setNow: (at) => { now = at; },
};

// ---------------------------------------------------------------------------------------------
// Signing and Images
// ---------------------------------------------------------------------------------------------

type Format = 'atomic' | 'x509' | 'x509-noattr';

/** OpenPGP: openpgp.js refuses to sign before the key's creation or after its expiry; then at PGP_SIGNED. */
async function sign(format: Format, signer: string, payload: Uint8Array, at: Date): Promise<Uint8Array> {
  if (format === 'atomic') return pgpSigners.get(signer)!.sign(payload, at).catch(() => pgpSigners.get(signer)!.sign(payload, PGP_SIGNED));
  return signCms(payload, x509Material.get(signer)!, at, { signedAttributes: format === 'x509' });
}

let serial = 0;
function signatureOf(digest: string, format: Format, blob: Uint8Array): Json {
  return { metadata: { name: `${digest}@${(serial++).toString(16).padStart(32, '0')}` }, type: format === 'atomic' ? 'atomic' : 'x509', content: Buffer.from(blob).toString('base64') };
}

function imageOf(digest: string, reference: unknown, signatures: readonly Json[], extra: Json = {}): Json {
  return {
    apiVersion: 'image.openshift.io/v1', kind: 'Image', metadata: { name: digest },
    ...(reference === undefined ? {} : { dockerImageReference: reference }), ...extra, signatures,
  };
}

const encode = (spec: PayloadSpec): Uint8Array => new TextEncoder().encode(payloadText(spec));

// ---------------------------------------------------------------------------------------------
// 1. Good signers at a good time: the verdict is exactly what the payload says
// ---------------------------------------------------------------------------------------------

describe('validly signed strange payloads, good signers', () => {
  const signerArb = fc.constantFrom<[Format, string]>(['atomic', 'ed25519'], ['x509', 'signer-p256'], ['x509-noattr', 'signer-p256'], ['x509-noattr', 'signer-ed25519']);

  test.prop([payloadSpecArb(DIGEST), signerArb], { numRuns: 150 })('the claims are exactly the signed ones, or InvalidPayload', async ({ spec, reference, digest }, [format, signer]) => {
    const blob = await sign(format, signer, encode(spec), format === 'atomic' ? PGP_SIGNED : X509_SIGNED);
    const imageReference = reference.exact ? spec.reference : 'registry.example.com/ns/app:v1';
    const image = imageOf(DIGEST, imageReference, [signatureOf(DIGEST, format, blob)]);
    const result = await exercise(engines[0]!, image, { at: AT }, consumers, 'matchRepoDigestOrExact');
    const verdict = result.signatures[0]!;
    const expected = expectedClaims(spec, digest.valid);
    if (expected === 'invalid') {
      // (These payloads stay far below the size bound, so nothing is TooLarge here.)
      expect(verdict.reason).toBe('InvalidPayload');
      expect(verdict.trusted).toBe(false);
      expect(verdict.claims).toBeUndefined();
    } else if (expected === 'either') {
      expect(['InvalidPayload', 'Verified', 'DigestMismatch', 'IdentityMismatch', ...(format === 'x509-noattr' ? ['NotYetValid'] : [])]).toContain(verdict.reason);
    } else if (format === 'x509-noattr' && expected.timestamp !== undefined
      && (expected.timestamp > AT.getTime() / 1000 + 300 || expected.timestamp < fixtureCertificate(signer).notBefore)) {
      // Without signed attributes the payload's timestamp is the signing time, judged as OpenPGP's.
      expect(verdict.reason).toBe('NotYetValid');
      expect(verdict.trusted).toBe(false);
      expect(verdict.created).toBe(isoSeconds(expected.timestamp));
    } else {
      expect(verdict.claims).toEqual(expected);
      expect(verdict.trusted).toBe(true);
      if (expected.manifestDigest !== DIGEST) expect(verdict.reason).toBe('DigestMismatch');
      else if (reference.exact) expect(verdict.reason).toBe('Verified');
      else expect(['Verified', 'IdentityMismatch']).toContain(verdict.reason);
      // Without signed attributes the payload's timestamp is the creation time, else the certificate's notBefore.
      const created = format === 'atomic' ? PGP_SIGNED.getTime() / 1000 : format === 'x509' ? X509_SIGNED.getTime() / 1000
        : expected.timestamp ?? fixtureCertificate(signer).notBefore;
      expect(verdict.created).toBe(isoSeconds(created));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Any signer, any time, any rule, odd Images: only the invariants
// ---------------------------------------------------------------------------------------------

describe('validly signed strange payloads, any signer, time, rule and Image', () => {
  // Good signers more often than the ones every verification refuses.
  const signerArb = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PGP_KEYS.slice(0, 4)).map((name) => ['atomic', name] as [Format, string]) },
    fc.constantFrom(...PGP_KEYS.slice(4)).map((name) => ['atomic', name] as [Format, string]),
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom<Format>('x509', 'x509-noattr'), fc.constantFrom(...X509_SIGNERS.slice(0, 3))) },
    fc.tuple(fc.constantFrom<Format>('x509', 'x509-noattr'), fc.constantFrom(...X509_SIGNERS.slice(3))),
  );
  // Mostly the usual times (so signatures verify and conditions, reports and policies see trusted
  // facts), sometimes the edges: before the key, after its expiry or revocation, the ends of a Date.
  const pgpTime = fc.oneof(
    { weight: 5, arbitrary: fc.constant(PGP_SIGNED) },
    fc.constantFrom(new Date(1000), new Date('2024-06-01T00:00:00Z'), new Date('2025-07-02T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), new Date(4294967295000)),
    fc.date({ min: new Date(1000), max: new Date(4294967295000), noInvalidDate: true }),
  );
  const x509Time = fc.oneof(
    { weight: 5, arbitrary: fc.constant(X509_SIGNED) },
    fc.constantFrom(new Date('0001-01-01T00:00:00Z'), new Date('1950-01-01T00:00:00Z'), new Date('2049-12-31T23:59:59Z'), new Date('2050-01-01T00:00:00Z'), new Date('9999-12-31T23:59:59Z')),
    fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
  );
  const atArb = fc.oneof(
    { weight: 6, arbitrary: fc.constant(AT) },
    { weight: 3, arbitrary: fc.constantFrom(new Date('2024-06-01T00:00:00Z'), new Date('2025-05-01T00:00:00Z'), new Date(0), new Date(-1), new Date('9999-12-31T23:59:59Z'), new Date(8.64e15), new Date(-8.64e15), new Date(NaN)) },
    fc.date({ noInvalidDate: true }),
  );
  /** The Image's dockerImageReference; SIGNED: the signed reference itself. */
  const SIGNED = Symbol('signed');
  const imageReferenceArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant(SIGNED) },
    { weight: 3, arbitrary: fc.constantFrom(undefined, 'registry.example.com/ns/app:v1', `registry.example.com/ns/app@${DIGEST}`, 'mirror.example.net/shop/orders:1', 'registry.redhat.io/ubi9/ubi:9.4', 'busybox', '', 5, null, ['a']) },
    trickyString,
  );
  const expectedIdentityArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    fc.constantFrom('registry.example.com/ns/app:v1', 'mirror.example.net/shop/orders:1', 'busybox'),
    trickyString,
  );
  const conditionsArb = fc.constantFrom(
    undefined, 'garbage', [], [{ type: 'Trusted', status: 'True', reason: 'Verified', lastTransitionTime: '2020-01-01T00:00:00Z' }, { type: 'ForImage', status: 'True' }],
    [{ type: 'Expired', status: 'True' }, { type: 'Revoked', status: 'Unknown' }, { type: 'Other', status: 'x', message: '\ud800' }], [null, 1, { type: 5 }],
  );
  const imageDigestArb = fc.constantFrom(DIGEST, `sha384:${'2'.repeat(96)}`, `sha512:${'3'.repeat(128)}`);

  test.prop([
    imageDigestArb.chain((d) => fc.tuple(fc.constant(d), payloadSpecArb(d, fc.oneof({ weight: 3, arbitrary: exactReferenceArb }, referenceArb)))), signerArb, pgpTime, x509Time, atArb,
    fc.nat({ max: RULES.length - 1 }), expectedIdentityArb, imageReferenceArb, conditionsArb,
    fc.constantFrom('none', 'none', 'none', 'twice', 'garbage', 'manifest'),
  ], { numRuns: 120 })('nothing throws, and every verdict and decision is well formed', async ([digest, { spec }], [format, signer], pgpAt, x509At, at, rule, expectedIdentity, reference, conditions, extra) => {
    const blob = await sign(format, signer, encode(spec), format === 'atomic' ? pgpAt : x509At);
    const signature: Json = { ...signatureOf(digest, format, blob), ...(conditions === undefined ? {} : { conditions }), imageIdentity: 'untrusted', signedClaims: { timestamp: '1e999' } };
    const signatures: Json[] = [signature];
    if (extra === 'twice') signatures.push({ ...signature });
    if (extra === 'garbage') signatures.push({ metadata: { name: '' }, type: 'atomic', content: 'AAAA' });
    const image = imageOf(digest, reference === SIGNED ? spec.reference : reference, signatures, extra === 'manifest' ? { dockerImageManifest: '{"schemaVersion":2}' } : {});
    const options = { at, ...(expectedIdentity === undefined ? {} : { expectedIdentity }) };
    const result = await exercise(engines[rule]!, image, options, consumers, RULES[rule]![0]);
    if (extra === 'manifest') expect(result.verdict).not.toBe('Trusted');
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Payloads at the size bound
// ---------------------------------------------------------------------------------------------

describe('payloads at the 1 MiB bound', () => {
  const base: PayloadSpec = { reference: 'registry.example.com/ns/app:v1', digest: DIGEST, creator: { value: '' }, timestamp: '1748736000', extras: [], nesting: 0, duplicate: false, strings: 'go', layout: 'compact' };
  /** A creator of `unit`s (and `x`s) that makes the payload exactly `bytes` long. */
  const sized = (bytes: number, unit: string): PayloadSpec => {
    const room = bytes - encode(base).length;
    const unitBytes = encode({ ...base, creator: { value: unit } }).length - encode(base).length;
    const value = unit.repeat(Math.floor(room / unitBytes)) + 'x'.repeat(room % unitBytes);
    return { ...base, creator: { value } };
  };

  it.each([
    ['atomic', 'ed25519', -1024, 'x'], ['atomic', 'ed25519', -1024, '\u2028'], ['atomic', 'ed25519', 0, 'x'], ['atomic', 'ed25519', 1, '\u{1F600}'],
    ['x509', 'signer-p256', 0, 'é'], ['x509', 'signer-p256', 1, 'x'], ['x509-noattr', 'signer-ed25519', 0, '\u{1F600}'], ['x509-noattr', 'signer-ed25519', 1, '<'],
  ] as const)('%s by %s, %d byte(s) over, of %j', async (format, signer, over, unit) => {
    const spec = sized(MAX_PAYLOAD_BYTES + over, unit);
    const payload = encode(spec);
    expect(payload.length).toBe(MAX_PAYLOAD_BYTES + over);
    const blob = await sign(format, signer, payload, format === 'atomic' ? PGP_SIGNED : X509_SIGNED);
    const result = await exercise(engines[0]!, imageOf(DIGEST, spec.reference, [signatureOf(DIGEST, format, blob)]), { at: AT }, consumers, 'matchRepoDigestOrExact');
    const verdict = result.signatures[0]!;
    if (over === 0 && format === 'atomic') {
      // The OpenPGP bound is on the whole decompressed message (literal header and signature packets
      // included), so a compressed message carrying a payload of exactly 1 MiB is over it.
      expect(['Verified', 'TooLarge']).toContain(verdict.reason);
    } else if (over <= 0) {
      expect(verdict.reason).toBe('Verified');
      expect(verdict.claims?.creator).toBe((spec.creator as { value: string }).value);
    } else {
      expect(['TooLarge', 'InvalidPayload']).toContain(verdict.reason);
      expect(verdict.trusted).toBe(false);
    }
  });
});
