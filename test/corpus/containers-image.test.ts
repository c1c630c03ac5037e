/**
 * The containers/image simple-signing corpus (test/fixtures/containers-image, README.md there),
 * every signature file run as an OpenShift Image through `verifyImage` at FIXED_NOW, asserting the
 * README's verdict as a reason code, the signer (primary fingerprint) and key ID where there is one,
 * and the signed claims where the payload was authenticated.
 *
 * Deliberate differences from containers/image, asserted below rather than skipped:
 * - `dir-img-no-manifest`: upstream rejects because the "dir:" image has no manifest to read. An
 *   OpenShift Image's `metadata.name` *is* the manifest digest and `dockerImageManifest` is optional
 *   (contract section 1), so the signature is judged against `metadata.name` and verifies.
 * - `unknown-key`, `corrupt`, … keep the untrusted packet key ID as `keyID` (an untrusted hint), the
 *   way upstream's untrusted extraction does; `signer` stays unset.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type VerifyResult } from '../../src/engine.js';
import type { ReasonCode } from '../../src/codes.js';
import type { TrustRootSpec } from '../../src/trust/material.js';
import type { SignatureVerdict, SignedClaims, Verdict } from '../../src/types.js';
import {
  FIXED_NOW,
  TEST_MANIFEST_DIGEST,
  buildImage,
  listFixtureDirs,
  listFixtures,
  readFixture,
  readFixtureText,
  sha256Digest,
} from '../helpers/images.js';

const CI = 'containers-image/';
const GEN = 'containers-image/generated/';

// Key facts (README "Key facts used everywhere").
const TEST_KEY = '08CD26E446E2E95249B7A405E932F44B23E8DD43';
const TEST_KEY_ID = 'E932F44B23E8DD43';
const PASSPHRASE_KEY = 'F2B501009F78B0B340221A12A3CD242DA6028093';
const PASSPHRASE_KEY_ID = 'A3CD242DA6028093';
const SUBKEY_PRIMARY = 'B9F4CDB9FD8C475BFA340AC38D54A947EE396F36';
const SUBKEY_ID = 'D75B3109B3BAAEAF';
const REVOKED_SUBKEY_PRIMARY = '6D88C5A1993648A17B2BB0DC6B8499AF63388D63';
const REVOKED_SUBKEY_ID = '3EF0F93A1F602997';
const UNKNOWN_KEY_ID = '5F9470E3BC6C3B55';

const P1_CLAIMS: SignedClaims = { manifestDigest: TEST_MANIFEST_DIGEST, dockerReference: 'testing/manifest', creator: 'atomic ', timestamp: 1458239713 };
const P2_CLAIMS: SignedClaims = { manifestDigest: TEST_MANIFEST_DIGEST, dockerReference: 'testing/manifest:latest' };
const BASE_CLAIMS: SignedClaims = { manifestDigest: TEST_MANIFEST_DIGEST, dockerReference: 'registry.example.com/ns/app:v1' };
const GENERATED_CLAIMS: SignedClaims = { ...BASE_CLAIMS, creator: 'generated test vector', timestamp: 1700000000 };
const DIR_IMG_CLAIMS: SignedClaims = { ...P2_CLAIMS, creator: 'atomic 0.1.13-dev', timestamp: 1464398954 };

/** `docker.io/testing/manifest:latest`: what P2 signatures (and dir-img-*) are claimed as. */
const P2_IDENTITY = 'docker.io/testing/manifest:latest';
const GENERATED_IDENTITY = 'registry.example.com/ns/app:v1';

interface SignatureExpectation {
  readonly reason: ReasonCode;
  /** Primary fingerprint of the authenticated signer; null: `signer` must be unset. */
  readonly signer: string | null;
  /** The packet's key ID; null: must be unset; undefined: not asserted. */
  readonly keyID?: string | null;
  /** The authenticated claims (compared exactly); null: must be unset. Default: null unless `trusted`. */
  readonly claims?: SignedClaims | null;
  readonly expired?: boolean;
  readonly revoked?: boolean;
}

interface Case {
  /** Test title. */
  readonly title: string;
  /** Signature files (relative to test/fixtures), or raw blobs, in Image order. */
  readonly signatures: readonly (string | Uint8Array)[];
  /** Keyring files of the one trust root; default pubring.gpg. */
  readonly keyrings?: readonly string[];
  readonly root?: Omit<TrustRootSpec, 'name' | 'keyrings'>;
  /** Fixture path of the manifest put in `dockerImageManifest`, or literal text with `manifestText`. */
  readonly manifest?: string;
  readonly manifestText?: string;
  /** `metadata.name`; default: sha256 of the manifest, else TestImageManifestDigest. */
  readonly digest?: string;
  readonly dockerImageReference?: string;
  readonly expectedIdentity?: string;
  readonly identityRule?: string | Readonly<Record<string, string>>;
  /** `ImageSignature.type`; default `atomic`. */
  readonly type?: string;
  readonly verdict: Verdict;
  readonly expect: readonly SignatureExpectation[];
}

const PUBRING = `${CI}pubring.gpg`;

const engines = new Map<string, Promise<Engine>>();

function engineFor(c: Case, cache = false): Promise<Engine> {
  const keyrings = c.keyrings ?? [PUBRING];
  const key = JSON.stringify([keyrings, c.root ?? {}, c.identityRule ?? null, cache]);
  let engine = engines.get(key);
  if (!engine) {
    const trust: TrustRootSpec[] = [{
      name: 'containers-image',
      ...c.root,
      keyrings: keyrings.map((file) => ({ data: readFixture(file), source: file })),
    }];
    engine = createEngine({
      trust,
      clock: () => FIXED_NOW,
      ...(cache ? {} : { cache: false as const }),
      ...(c.identityRule === undefined ? {} : { identityRule: c.identityRule }),
    });
    engines.set(key, engine);
  }
  return engine;
}

function blob(source: string | Uint8Array): Uint8Array {
  return typeof source === 'string' ? readFixture(source) : source;
}

async function run(c: Case, cache = false): Promise<{ result: VerifyResult; input: ReturnType<typeof buildImage> }> {
  const engine = await engineFor(c, cache);
  const manifest = c.manifest !== undefined ? readFixtureText(c.manifest) : c.manifestText;
  const input = buildImage({
    signatures: c.signatures.map(blob),
    ...(manifest === undefined ? {} : { manifest }),
    ...(c.digest === undefined ? {} : { digest: c.digest }),
    ...(c.dockerImageReference === undefined ? {} : { dockerImageReference: c.dockerImageReference }),
    ...(c.type === undefined ? {} : { type: c.type }),
  });
  const snapshot = JSON.stringify(input);
  const result = engine.verifyImage(input, { at: FIXED_NOW, ...(c.expectedIdentity === undefined ? {} : { expectedIdentity: c.expectedIdentity }) });
  expect(JSON.stringify(input), 'the input Image is never mutated').toBe(snapshot);
  return { result, input };
}

const TRUSTED_REASONS: ReadonlySet<ReasonCode> = new Set(['Verified', 'DigestMismatch', 'IdentityMismatch']);

function check(actual: SignatureVerdict | undefined, e: SignatureExpectation, where: string): void {
  expect(actual, where).toBeDefined();
  const v = actual!;
  expect(v.reason, `${where}: reason (${v.message})`).toBe(e.reason);
  const trusted = TRUSTED_REASONS.has(e.reason);
  expect(v.trusted, `${where}: trusted`).toBe(trusted);
  expect(v.forImage, `${where}: forImage`).toBe(e.reason === 'Verified');
  expect(v.format, `${where}: format`).toBe('openpgp');
  if (e.signer === null) {
    expect(v.signer, `${where}: signer must be unset`).toBeUndefined();
    expect(v.created, `${where}: created must be unset`).toBeUndefined();
  } else {
    expect(v.signer?.fingerprint, `${where}: signer fingerprint`).toBe(e.signer);
    expect(v.created, `${where}: created`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  if (e.keyID === null) expect(v.keyID, `${where}: keyID must be unset`).toBeUndefined();
  else if (e.keyID !== undefined) expect(v.keyID, `${where}: keyID`).toBe(e.keyID);
  if (e.signer !== null && e.keyID !== undefined && e.keyID !== null) expect(v.signer?.keyID, `${where}: signer.keyID`).toBe(e.keyID);
  const claims = e.claims === undefined ? (trusted ? undefined : null) : e.claims;
  if (claims === null) expect(v.claims, `${where}: claims must be unset`).toBeUndefined();
  else if (claims !== undefined) expect(v.claims, `${where}: claims`).toStrictEqual(claims);
  else expect(v.claims, `${where}: claims`).toBeDefined();
  expect(v.expired, `${where}: expired`).toBe(e.expired ?? false);
  expect(v.revoked, `${where}: revoked`).toBe(e.revoked ?? false);
}

/** The conditions written back agree with the verdicts; name, type and content are kept byte for byte. */
function checkWrittenImage(result: VerifyResult, input: ReturnType<typeof buildImage>): void {
  const image = result.image as { signatures?: Record<string, unknown>[] } | null;
  expect(image).not.toBeNull();
  const written = image!.signatures ?? [];
  expect(written).toHaveLength(input.signatures.length);
  for (const verdict of result.signatures) {
    const before = input.signatures[verdict.index]!;
    const after = written[verdict.index]!;
    expect(after['metadata']).toStrictEqual(before['metadata']);
    expect(after['type']).toBe(before['type']);
    expect(after['content']).toBe(before['content']);
    const conditions = (after['conditions'] ?? []) as { type: string; status: string; reason?: string }[];
    const byType = (type: string) => conditions.find((c) => c.type === type);
    expect(byType('Trusted')?.status).toBe(verdict.trusted ? 'True' : 'False');
    expect(byType('ForImage')?.status).toBe(verdict.forImage ? 'True' : 'False');
    if (!verdict.forImage) expect(byType('ForImage')?.reason).toBe(verdict.reason);
    expect(byType('Expired')?.status).toBe(verdict.expired ? 'True' : undefined);
    expect(byType('Revoked')?.status).toBe(verdict.revoked ? 'True' : undefined);
    // No spec.issuer on these trust roots: issuedBy stays unset.
    expect(after['issuedBy']).toBeUndefined();
    if (verdict.signer) {
      expect((after['issuedTo'] as { publicKeyID?: string } | undefined)?.publicKeyID).toBe(verdict.signer.fingerprint);
      expect(after['created']).toBe(verdict.created);
    } else {
      expect(after['issuedTo']).toBeUndefined();
      expect(after['created']).toBeUndefined();
    }
    if (verdict.claims) {
      expect(after['imageIdentity']).toBe(verdict.claims.dockerReference);
      expect((after['signedClaims'] as Record<string, string>)['docker-manifest-digest']).toBe(verdict.claims.manifestDigest);
    } else {
      expect(after['imageIdentity']).toBeUndefined();
      expect(after['signedClaims']).toBeUndefined();
    }
  }
}

const one = (e: SignatureExpectation): readonly SignatureExpectation[] => [e];

// --- upstream signature/fixtures/*.signature* -------------------------------------------------

const UPSTREAM: Case[] = [
  // image.signature: P1, identity `testing/manifest` (no tag).
  {
    title: 'image.signature: untagged identity, expected docker.io/testing/manifest:latest, matchRepoDigestOrExact → IdentityMismatch',
    signatures: [`${CI}image.signature`], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: default expected identity (dockerImageReference by digest), matchRepoDigestOrExact → IdentityMismatch',
    signatures: [`${CI}image.signature`], dockerImageReference: `docker.io/testing/manifest@${TEST_MANIFEST_DIGEST}`,
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: matchExact, docker.io/testing/manifest:latest → IdentityMismatch',
    signatures: [`${CI}image.signature`], expectedIdentity: P2_IDENTITY, identityRule: 'matchExact',
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: matchRepository, docker.io/testing/manifest:latest → Verified',
    signatures: [`${CI}image.signature`], expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository',
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: matchRepository, testing/manifest:latest (normalized) with the manifest → Verified',
    signatures: [`${CI}image.signature`], manifest: `${CI}image.manifest.json`, expectedIdentity: 'testing/manifest:latest', identityRule: 'matchRepository',
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: ImageSignature type AtomicImageV1, matchRepository → Verified',
    signatures: [`${CI}image.signature`], expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository', type: 'AtomicImageV1',
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: exactRepository docker.io/testing/manifest → Verified',
    signatures: [`${CI}image.signature`], identityRule: { type: 'exactRepository', dockerRepository: 'docker.io/testing/manifest' },
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: matchRepository, expected example.com/does-not/match:latest → IdentityMismatch',
    signatures: [`${CI}image.signature`], expectedIdentity: 'example.com/does-not/match:latest', identityRule: 'matchRepository',
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: matchRepository, invalid expected identity UPPERCASEISINVALID → IdentityMismatch',
    signatures: [`${CI}image.signature`], expectedIdentity: 'UPPERCASEISINVALID', identityRule: 'matchRepository',
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: manifest bytes "unexpected manifest" under the signed digest → DigestMismatch',
    signatures: [`${CI}image.signature`], manifestText: 'unexpected manifest', digest: TEST_MANIFEST_DIGEST, identityRule: 'matchRepository',
    expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'DigestMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: Image named by the digest of "unexpected manifest" → DigestMismatch',
    signatures: [`${CI}image.signature`], manifestText: 'unexpected manifest', identityRule: 'matchRepository', expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'DigestMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: schema 1 manifest whose digest cannot be computed → DigestMismatch',
    signatures: [`${CI}image.signature`], manifest: `${CI}v2s1-invalid-signatures.manifest.json`, digest: TEST_MANIFEST_DIGEST,
    identityRule: 'matchRepository', expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'DigestMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  {
    title: 'image.signature: trusted keys without 08CD… (public-key-with-subkey.gpg) → UnknownKey',
    signatures: [`${CI}image.signature`], keyrings: [`${CI}public-key-with-subkey.gpg`], identityRule: 'matchRepository', expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'UnknownKey', signer: null, keyID: TEST_KEY_ID }),
  },
  {
    title: 'image.signature: binary public-key-1.gpg as the keyring → Verified (matchRepository)',
    signatures: [`${CI}image.signature`], keyrings: [`${CI}public-key-1.gpg`], identityRule: 'matchRepository', expectedIdentity: P2_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: P1_CLAIMS }),
  },
  // no-optional-fields.signature
  {
    title: 'no-optional-fields.signature: matchRepository → Verified, creator and timestamp absent',
    signatures: [`${CI}no-optional-fields.signature`], expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository',
    verdict: 'Trusted',
    expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: { manifestDigest: TEST_MANIFEST_DIGEST, dockerReference: 'testing/manifest' } }),
  },
  {
    title: 'no-optional-fields.signature: matchRepoDigestOrExact (untagged identity) → IdentityMismatch',
    signatures: [`${CI}no-optional-fields.signature`], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted',
    expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: { manifestDigest: TEST_MANIFEST_DIGEST, dockerReference: 'testing/manifest' } }),
  },
  // invalid-blob.signature(-v3): verified by a trusted key, then the payload is not JSON.
  ...['invalid-blob.signature', 'invalid-blob.signature-v3'].map((file): Case => ({
    title: `${file}: verified signature over "This is not JSON\\n" → InvalidPayload (signer set, claims unset)`,
    signatures: [CI + file], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'InvalidPayload', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: null }),
  })),
  // invalid-reference.signature
  {
    title: 'invalid-reference.signature: signed identity UPPERCASEISINVALID → IdentityMismatch',
    signatures: [`${CI}invalid-reference.signature`], expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository',
    verdict: 'Untrusted',
    expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: { ...P1_CLAIMS, dockerReference: 'UPPERCASEISINVALID' } }),
  },
  {
    title: 'invalid-reference.signature: matchRepoDigestOrExact → IdentityMismatch',
    signatures: [`${CI}invalid-reference.signature`], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted',
    expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: { ...P1_CLAIMS, dockerReference: 'UPPERCASEISINVALID' } }),
  },
  // corrupt.signature(-v3)
  ...['corrupt.signature', 'corrupt.signature-v3'].map((file): Case => ({
    title: `${file}: corrupted signature value → BadSignature (key ID hint kept, no signer)`,
    signatures: [CI + file], expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository',
    verdict: 'Untrusted', expect: one({ reason: 'BadSignature', signer: null, keyID: TEST_KEY_ID }),
  })),
  // expired.signature
  {
    title: 'expired.signature: signature expired 2025-06-24 → SignatureExpired, Expired flag',
    signatures: [`${CI}expired.signature`], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'SignatureExpired', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: null, expired: true }),
  },
  {
    title: 'expired.signature: keyValidity signingTime does not revive an expired signature → SignatureExpired',
    signatures: [`${CI}expired.signature`], expectedIdentity: P2_IDENTITY, root: { keyValidity: 'signingTime' },
    verdict: 'Untrusted', expect: one({ reason: 'SignatureExpired', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: null, expired: true }),
  },
  // unknown-key.signature(-v3)
  ...['unknown-key.signature', 'unknown-key.signature-v3'].flatMap((file): Case[] =>
    [[PUBRING], [`${CI}public-key.gpg`, `${CI}public-key-2.gpg`, `${CI}public-key-with-subkey.gpg`, `${CI}public-key-with-revoked-subkey.gpg`]].map((keyrings) => ({
      title: `${file}: signer ${UNKNOWN_KEY_ID} in no keyring (${keyrings.map((k) => k.slice(CI.length)).join(', ')}) → UnknownKey`,
      signatures: [CI + file], keyrings, expectedIdentity: P2_IDENTITY, identityRule: 'matchRepository',
      verdict: 'Untrusted', expect: one({ reason: 'UnknownKey', signer: null, keyID: UNKNOWN_KEY_ID }),
    }))),
  // subkey.signature(-v3)
  ...['subkey.signature', 'subkey.signature-v3'].flatMap((file): Case[] =>
    [PUBRING, `${CI}public-key-with-subkey.gpg`].map((keyring) => ({
      title: `${file}: signing subkey ${SUBKEY_ID} of ${SUBKEY_PRIMARY.slice(0, 4)}… with ${keyring.slice(CI.length)} → Verified, primary fingerprint`,
      signatures: [CI + file], keyrings: [keyring], expectedIdentity: P2_IDENTITY,
      verdict: 'Trusted', expect: one({ reason: 'Verified', signer: SUBKEY_PRIMARY, keyID: SUBKEY_ID, claims: P2_CLAIMS }),
    }))),
  // subkey-revoked.signature(-v3)
  ...['subkey-revoked.signature', 'subkey-revoked.signature-v3'].flatMap((file): Case[] =>
    [
      { keyring: PUBRING, root: {} },
      { keyring: `${CI}public-key-with-revoked-subkey.gpg`, root: {} },
      // "key compromised" is a hard revocation: it rejects in signingTime mode too.
      { keyring: PUBRING, root: { keyValidity: 'signingTime' as const } },
    ].map(({ keyring, root }) => ({
      title: `${file}: revoked subkey ${REVOKED_SUBKEY_ID} with ${keyring.slice(CI.length)}${root.keyValidity ? ' (keyValidity signingTime)' : ''} → KeyRevoked`,
      signatures: [CI + file], keyrings: [keyring], root, expectedIdentity: P2_IDENTITY,
      verdict: 'Untrusted', expect: one({ reason: 'KeyRevoked', signer: REVOKED_SUBKEY_PRIMARY, keyID: REVOKED_SUBKEY_ID, claims: null, revoked: true }),
    }))),
  // unsigned-literal / unsigned-encrypted
  ...['unsigned-literal.signature', 'unsigned-encrypted.signature'].map((file): Case => ({
    title: `${file}: no signature packet → MalformedSignature`,
    signatures: [CI + file], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'MalformedSignature', signer: null, keyID: null }),
  })),
  // Not files, but asserted upstream: the empty blob and the bytes `invalid signature`.
  {
    title: '(inline) the bytes "invalid signature" → MalformedSignature',
    signatures: [new TextEncoder().encode('invalid signature')], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'MalformedSignature', signer: null, keyID: null }),
  },
  {
    title: '(inline) the empty blob → MalformedSignature',
    signatures: [new Uint8Array(0)], expectedIdentity: P2_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'MalformedSignature', signer: null, keyID: null }),
  },
];

// --- generated/ (made with the upstream test key) ------------------------------------------------

const INVALID_PAYLOADS = [
  'wrong-type', 'unknown-critical-member', 'missing-identity', 'duplicate-key', 'fractional-timestamp', 'invalid-digest', 'trailing-data',
];

const GENERATED: Case[] = [
  {
    title: 'generated/valid-openshift-identity.signature: expected registry.example.com/ns/app:v1 → Verified',
    signatures: [`${GEN}valid-openshift-identity.signature`], manifest: `${CI}image.manifest.json`, expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: GENERATED_CLAIMS }),
  },
  {
    title: 'generated/valid-openshift-identity.signature: default expected identity = dockerImageReference …/app:v1 → Verified',
    signatures: [`${GEN}valid-openshift-identity.signature`], dockerImageReference: GENERATED_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: GENERATED_CLAIMS }),
  },
  ...(['matchRepoDigestOrExact', 'matchExact'] as const).map((rule): Case => ({
    title: `generated/valid-openshift-identity.signature: expected …/app:v2 under ${rule} → IdentityMismatch`,
    signatures: [`${GEN}valid-openshift-identity.signature`], expectedIdentity: 'registry.example.com/ns/app:v2', identityRule: rule,
    verdict: 'Untrusted', expect: one({ reason: 'IdentityMismatch', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: GENERATED_CLAIMS }),
  })),
  {
    title: 'generated/valid-openshift-identity.signature: expected …/app:v2 under matchRepository → Verified',
    signatures: [`${GEN}valid-openshift-identity.signature`], expectedIdentity: 'registry.example.com/ns/app:v2', identityRule: 'matchRepository',
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: GENERATED_CLAIMS }),
  },
  {
    title: 'generated/passphrase-key.signature: public-key.gpg alone → UnknownKey',
    signatures: [`${GEN}passphrase-key.signature`], keyrings: [`${CI}public-key.gpg`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'UnknownKey', signer: null, keyID: PASSPHRASE_KEY_ID }),
  },
  ...[[`${CI}public-key-2.gpg`], [PUBRING], [`${CI}public-key.gpg`, `${CI}public-key-2.gpg`]].map((keyrings): Case => ({
    title: `generated/passphrase-key.signature: with ${keyrings.map((k) => k.slice(CI.length)).join(' + ')} → Verified`,
    signatures: [`${GEN}passphrase-key.signature`], keyrings, expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: PASSPHRASE_KEY, keyID: PASSPHRASE_KEY_ID, claims: GENERATED_CLAIMS }),
  })),
  {
    title: 'generated/uncompressed.signature: no compression packet → Verified',
    signatures: [`${GEN}uncompressed.signature`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: BASE_CLAIMS }),
  },
  ...['armored', 'cleartext', 'detached'].map((name): Case => ({
    title: `generated/${name}.signature: not a binary signed message → MalformedSignature`,
    signatures: [`${GEN}${name}.signature`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'MalformedSignature', signer: null, claims: null }),
  })),
  {
    title: 'generated/double-signature.signature: two valid signatures in one blob → MultipleSignatures',
    signatures: [`${GEN}double-signature.signature`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'MultipleSignatures', signer: null, claims: null }),
  },
  ...INVALID_PAYLOADS.map((name): Case => ({
    title: `generated/${name}.signature: crypto valid, payload refused → InvalidPayload`,
    signatures: [`${GEN}${name}.signature`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Untrusted', expect: one({ reason: 'InvalidPayload', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: null }),
  })),
  {
    title: 'generated/unknown-optional-member.signature: unknown optional member ignored → Verified',
    signatures: [`${GEN}unknown-optional-member.signature`], expectedIdentity: GENERATED_IDENTITY,
    verdict: 'Trusted', expect: one({ reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: GENERATED_CLAIMS }),
  },
];

// --- dir-img-* ("dir:" images: manifest.json + signature-N), key public-key.gpg, matchExact -------

const dirImg = (folder: string, files: readonly string[]): string[] => files.map((f) => `${CI}${folder}/${f}`);
const DIR_DEFAULTS = { keyrings: [`${CI}public-key.gpg`], identityRule: 'matchExact', expectedIdentity: 'testing/manifest:latest' } as const;
const DIR_VALID = { reason: 'Verified', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: DIR_IMG_CLAIMS } as const;
const DIR_VALID_2 = { ...DIR_VALID, claims: { ...DIR_IMG_CLAIMS, timestamp: 1464640051 } } as const;

const DIR_IMG: Case[] = [
  {
    title: 'dir-img-valid: one signature, matchExact testing/manifest:latest → Verified',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-valid', ['signature-1']), manifest: `${CI}dir-img-valid/manifest.json`,
    verdict: 'Trusted', expect: [DIR_VALID],
  },
  ...[[`${CI}public-key-1.gpg`, `${CI}public-key-1.gpg`], [`${CI}public-key-2.gpg`, `${CI}public-key-1.gpg`]].map((keyrings): Case => ({
    title: `dir-img-valid: keyrings ${keyrings.map((k) => k.slice(CI.length)).join(' + ')} → Verified`,
    ...DIR_DEFAULTS, keyrings, signatures: dirImg('dir-img-valid', ['signature-1']), manifest: `${CI}dir-img-valid/manifest.json`,
    verdict: 'Trusted', expect: [DIR_VALID],
  })),
  {
    title: 'dir-img-valid: claimed as testing/manifest:notlatest → IdentityMismatch',
    ...DIR_DEFAULTS, expectedIdentity: 'testing/manifest:notlatest', signatures: dirImg('dir-img-valid', ['signature-1']), manifest: `${CI}dir-img-valid/manifest.json`,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'IdentityMismatch' }],
  },
  {
    title: 'dir-img-valid: exactReference this/does-not:match → IdentityMismatch',
    ...DIR_DEFAULTS, identityRule: { type: 'exactReference', dockerReference: 'this/does-not:match' },
    signatures: dirImg('dir-img-valid', ['signature-1']), manifest: `${CI}dir-img-valid/manifest.json`,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'IdentityMismatch' }],
  },
  {
    title: 'dir-img-valid: matchRepository, claimed as testing/manifest:notlatest → Verified',
    ...DIR_DEFAULTS, identityRule: 'matchRepository', expectedIdentity: 'testing/manifest:notlatest',
    signatures: dirImg('dir-img-valid', ['signature-1']), manifest: `${CI}dir-img-valid/manifest.json`,
    verdict: 'Trusted', expect: [DIR_VALID],
  },
  {
    title: 'dir-img-valid-2: two valid signatures → both Verified',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-valid-2', ['signature-1', 'signature-2']), manifest: `${CI}dir-img-valid-2/manifest.json`,
    verdict: 'Trusted', expect: [DIR_VALID, DIR_VALID_2],
  },
  {
    title: 'dir-img-valid-2: claimed as testing/manifest:notlatest → both IdentityMismatch',
    ...DIR_DEFAULTS, expectedIdentity: 'testing/manifest:notlatest',
    signatures: dirImg('dir-img-valid-2', ['signature-1', 'signature-2']), manifest: `${CI}dir-img-valid-2/manifest.json`,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'IdentityMismatch' }, { ...DIR_VALID_2, reason: 'IdentityMismatch' }],
  },
  {
    title: 'dir-img-mixed: invalid-blob + valid → InvalidPayload, Verified; Image Trusted',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-mixed', ['signature-1', 'signature-2']), manifest: `${CI}dir-img-mixed/manifest.json`,
    verdict: 'Trusted', expect: [{ reason: 'InvalidPayload', signer: TEST_KEY, keyID: TEST_KEY_ID, claims: null }, DIR_VALID],
  },
  {
    title: 'dir-img-modified-manifest: Image named by the modified manifest\'s digest → DigestMismatch',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-modified-manifest', ['signature-1']), manifest: `${CI}dir-img-modified-manifest/manifest.json`,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'DigestMismatch' }],
  },
  {
    title: 'dir-img-modified-manifest: modified manifest under the signed digest name → DigestMismatch',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-modified-manifest', ['signature-1']), manifest: `${CI}dir-img-modified-manifest/manifest.json`,
    digest: TEST_MANIFEST_DIGEST,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'DigestMismatch' }],
  },
  {
    // Deliberate difference (see the header): upstream fails reading the missing manifest.
    title: 'dir-img-no-manifest: no dockerImageManifest, metadata.name is the digest → Verified',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-no-manifest', ['signature-1']), digest: TEST_MANIFEST_DIGEST,
    verdict: 'Trusted', expect: [DIR_VALID],
  },
  {
    title: 'dir-img-manifest-digest-error: schema 1 manifest (digest cannot be computed) named by the signed digest → DigestMismatch',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-manifest-digest-error', ['signature-1']), manifest: `${CI}dir-img-manifest-digest-error/manifest.json`,
    digest: TEST_MANIFEST_DIGEST,
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'DigestMismatch' }],
  },
  {
    title: 'dir-img-manifest-digest-error: named by the sha256 of its raw bytes (must not be used) → DigestMismatch',
    ...DIR_DEFAULTS, signatures: dirImg('dir-img-manifest-digest-error', ['signature-1']), manifest: `${CI}dir-img-manifest-digest-error/manifest.json`,
    digest: sha256Digest(readFixture(`${CI}dir-img-manifest-digest-error/manifest.json`)),
    verdict: 'Untrusted', expect: [{ ...DIR_VALID, reason: 'DigestMismatch' }],
  },
  {
    title: 'dir-img-unsigned: no signatures → Unsigned',
    ...DIR_DEFAULTS, signatures: [], manifest: `${CI}dir-img-unsigned/manifest.json`,
    verdict: 'Unsigned', expect: [],
  },
  {
    title: 'dir-img-valid-subkey: subkey signature with public-key-with-subkey.gpg → Verified, primary fingerprint',
    ...DIR_DEFAULTS, keyrings: [`${CI}public-key-with-subkey.gpg`], signatures: dirImg('dir-img-valid-subkey', ['signature-1']),
    manifest: `${CI}dir-img-valid-subkey/manifest.json`,
    verdict: 'Trusted', expect: [{ reason: 'Verified', signer: SUBKEY_PRIMARY, keyID: SUBKEY_ID, claims: P2_CLAIMS }],
  },
];

const ALL: Case[] = [...UPSTREAM, ...GENERATED, ...DIR_IMG];

describe.each([
  ['upstream signature/fixtures', UPSTREAM],
  ['generated', GENERATED],
  ['dir-img-* images', DIR_IMG],
] as const)('containers-image corpus: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const { result, input } = await run(c);
    expect(result.problems).toStrictEqual([]);
    expect(result.signatures).toHaveLength(c.expect.length);
    c.expect.forEach((e, i) => {
      check(result.signatures[i], e, `signature ${i}`);
      expect(result.signatures[i]?.index).toBe(i);
      expect(result.signatures[i]?.name).toBe((input.signatures[i]?.['metadata'] as { name: string } | undefined)?.name);
    });
    expect(result.verdict).toBe(c.verdict);
    checkWrittenImage(result, input);
  });
});

describe('containers-image corpus: coverage', () => {
  const covered = new Set(ALL.flatMap((c) => c.signatures.filter((s): s is string => typeof s === 'string')));

  it('every *.signature* file (top level and generated/) has a case', () => {
    const files = [...listFixtures(CI), ...listFixtures(GEN)].filter((f) => /\.signature/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(16 + 15);
    expect(files.filter((f) => !covered.has(f))).toStrictEqual([]);
  });

  it('an engine with its verification cache on gives the same verdicts, on first and repeated use', async () => {
    for (const c of ALL) {
      const uncached = (await run(c)).result.signatures.map((v) => [v.reason, v.signer?.fingerprint, v.keyID]);
      for (let round = 0; round < 2; round++) {
        const cached = (await run(c, true)).result.signatures.map((v) => [v.reason, v.signer?.fingerprint, v.keyID]);
        expect(cached, `${c.title} (round ${round})`).toStrictEqual(uncached);
      }
    }
  });

  it('every dir-img-* folder and signature-N file has a case', () => {
    const folders = listFixtureDirs(CI).map((dir) => dir.slice(CI.length)).filter((name) => name.startsWith('dir-img-'));
    expect(folders).toHaveLength(8);
    const titles = DIR_IMG.map((c) => c.title);
    for (const folder of folders) {
      expect(titles.some((t) => t.startsWith(`${folder}:`)), folder).toBe(true);
      for (const file of listFixtures(CI + folder).filter((f) => f.includes('/signature-'))) expect(covered.has(file), file).toBe(true);
    }
  });
});
