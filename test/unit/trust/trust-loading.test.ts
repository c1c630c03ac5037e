/**
 * loadTrust: keyring formats (binary, armored, `gpg --list-keys` listing before the armor, GnuPG 1
 * pubring, concatenations), configuration errors (asserted by `code` / class, never by message
 * text), expired and revoked keys, and the trust revision.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, type ReasonCode } from '../../../src/codes.js';
import { createEngine } from '../../../src/engine.js';
import { loadTrust, type TrustMaterial, type TrustRootSpec } from '../../../src/trust/material.js';
import { FIXED_NOW, buildImage, readFixture, readFixtureText } from '../../helpers/images.js';

const CI = 'containers-image/';
const KEYS = 'pgp/keys/';

const TEST_KEY = '08CD26E446E2E95249B7A405E932F44B23E8DD43';
const PASSPHRASE_KEY = 'F2B501009F78B0B340221A12A3CD242DA6028093';
const SUBKEY_PRIMARY = 'B9F4CDB9FD8C475BFA340AC38D54A947EE396F36';
const REVOKED_SUBKEY_PRIMARY = '6D88C5A1993648A17B2BB0DC6B8499AF63388D63';
const PUBRING_ORDER = [PASSPHRASE_KEY, TEST_KEY, SUBKEY_PRIMARY, REVOKED_SUBKEY_PRIMARY];
const RSA2048 = 'D34768EEF90A98642D4F502708F915B1ECB55E81';

function spec(name: string, keyrings: readonly (string | Uint8Array)[], extra: Omit<TrustRootSpec, 'name' | 'keyrings'> = {}): TrustRootSpec {
  return {
    name,
    ...extra,
    keyrings: keyrings.map((k) => (typeof k === 'string' ? { data: readFixture(k), source: k } : { data: k })),
  };
}

/** Primary key fingerprints, in first-seen order (one entry per fingerprint). */
function primaries(trust: TrustMaterial): string[] {
  return [...trust.byFingerprint.values()].flat().filter((e) => !e.key.isSubkey).map((e) => e.key.fingerprint)
    .filter((fpr, i, all) => all.indexOf(fpr) === i);
}

function entries(trust: TrustMaterial, fingerprint: string) {
  return trust.byFingerprint.get(fingerprint) ?? [];
}

async function expectConfigError(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe('ConfigError');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function reasonFor(trust: TrustMaterial, signatureFile: string, expectedIdentity: string): Promise<ReasonCode> {
  const engine = await createEngine({ trust, clock: () => FIXED_NOW, cache: false });
  const result = engine.verifyImage(buildImage({ signatures: [readFixture(signatureFile)] }), { expectedIdentity });
  return result.signatures[0]!.reason;
}

describe('loadTrust: keyring formats', () => {
  it('binary public-key-1.gpg', async () => {
    const trust = await loadTrust([spec('binary', [`${CI}public-key-1.gpg`])]);
    expect(primaries(trust)).toStrictEqual([TEST_KEY]);
    expect(trust.byKeyID.get('E932F44B23E8DD43')?.[0]?.key.fingerprint).toBe(TEST_KEY);
    expect(trust.roots.map((r) => r.name)).toStrictEqual(['binary']);
  });

  it('armored public-key.gpg: the primary, and its encryption-only subkey mapped to it but unusable for signing', async () => {
    const trust = await loadTrust([spec('armored', [`${CI}public-key.gpg`])]);
    expect(primaries(trust)).toStrictEqual([TEST_KEY]);
    const sub = entries(trust, 'C3497E66DDA639E1D1A07C3E1503AAD793884DD9')[0]?.key;
    expect(sub?.isSubkey).toBe(true);
    expect(sub?.primaryFingerprint).toBe(TEST_KEY);
    expect(sub?.unusable).toBeDefined();
  });

  it('binary and armored forms of the same key give the same keys', async () => {
    const binary = await loadTrust([spec('k', [`${CI}public-key-1.gpg`])]);
    const armored = await loadTrust([spec('k', [`${CI}public-key.gpg`])]);
    expect([...binary.byFingerprint.keys()]).toStrictEqual([...armored.byFingerprint.keys()]);
    const binary2048 = await loadTrust([spec('k', [`${KEYS}rsa2048.gpg`])]);
    const armored2048 = await loadTrust([spec('k', [`${KEYS}rsa2048.asc`])]);
    expect([...binary2048.byFingerprint.keys()]).toStrictEqual([...armored2048.byFingerprint.keys()]);
  });

  it('a gpg --list-keys listing followed by the armor (listing-then-armor.txt)', async () => {
    expect(readFixtureText(`${KEYS}listing-then-armor.txt`)).toMatch(/^pub /m);
    const trust = await loadTrust([spec('listing', [`${KEYS}listing-then-armor.txt`])]);
    expect(primaries(trust)).toStrictEqual([RSA2048]);
    expect(await reasonFor(trust, 'pgp/signatures/rsa2048.signature', 'registry.example.com/ns/app:v1')).toBe('Verified');
  });

  it('pubring.gpg: 4 primaries in keyring order, subkeys mapped to their primaries', async () => {
    const trust = await loadTrust([spec('pubring', [`${CI}pubring.gpg`])]);
    expect(primaries(trust)).toStrictEqual(PUBRING_ORDER);
    for (const fpr of PUBRING_ORDER) expect(entries(trust, fpr)).toHaveLength(1);
    expect(entries(trust, '57D1D95BBC53BA0EAFF0718CD75B3109B3BAAEAF')[0]?.key).toMatchObject({ isSubkey: true, primaryFingerprint: SUBKEY_PRIMARY, keyID: 'D75B3109B3BAAEAF' });
    const revokedSub = entries(trust, '4D33404E00B470050709F3233EF0F93A1F602997')[0]?.key;
    expect(revokedSub).toMatchObject({ isSubkey: true, primaryFingerprint: REVOKED_SUBKEY_PRIMARY });
    expect(revokedSub?.revocations.length).toBeGreaterThan(0);
    // The primary of the subkey test key can only certify: it can never have made a data signature.
    expect(entries(trust, SUBKEY_PRIMARY)[0]?.key.unusable).toBeDefined();
  });

  it('pubring.gpg concatenated with itself: the same 4 primaries, each held twice', async () => {
    const pubring = readFixture(`${CI}pubring.gpg`);
    const trust = await loadTrust([spec('twice', [concat(pubring, pubring)])]);
    expect(primaries(trust)).toStrictEqual(PUBRING_ORDER);
    for (const fpr of PUBRING_ORDER) expect(entries(trust, fpr)).toHaveLength(2);
    // A key held twice still verifies.
    expect(await reasonFor(trust, `${CI}subkey.signature`, 'docker.io/testing/manifest:latest')).toBe('Verified');
  });

  it('public-key-1.gpg + public-key-2.gpg as two keyrings of one root: both keys, in that order', async () => {
    const trust = await loadTrust([spec('two', [`${CI}public-key-1.gpg`, `${CI}public-key-2.gpg`])]);
    expect(primaries(trust)).toStrictEqual([TEST_KEY, PASSPHRASE_KEY]);
  });

  it('every pgp/keys/*.asc key loads under its facts.json fingerprint', async () => {
    const facts = JSON.parse(readFixtureText('pgp/facts.json')) as { keys: { name: string; fingerprint: string; publicKey: string }[] };
    for (const k of facts.keys) {
      const trust = await loadTrust([spec(k.name, [`pgp/${k.publicKey}`])]);
      expect(primaries(trust), k.name).toStrictEqual([k.fingerprint]);
    }
  });
});

describe('loadTrust: configuration errors', () => {
  it.each([
    ['no-public-key.asc (an armored detached signature)', readFixture(`${KEYS}no-public-key.asc`)],
    ['empty bytes', new Uint8Array(0)],
    ['"This is invalid"', new TextEncoder().encode('This is invalid')],
    ['a gpg listing without the armor', new TextEncoder().encode(readFixtureText(`${KEYS}listing-then-armor.txt`).split('-----BEGIN')[0])],
  ])('%s → ConfigError', async (_what, data) => {
    await expectConfigError(loadTrust([spec('bad', [data])]));
  });

  it('a bad keyring among good ones still fails the whole load', async () => {
    await expectConfigError(loadTrust([spec('good', [`${CI}pubring.gpg`]), spec('bad', [new Uint8Array(0)])]));
    await expectConfigError(loadTrust([spec('mixed', [`${CI}pubring.gpg`, `${KEYS}no-public-key.asc`])]));
  });

  it('no trust roots, a root without keyrings, a root without a name → ConfigError', async () => {
    await expectConfigError(loadTrust([]));
    await expectConfigError(loadTrust([{ name: 'empty', keyrings: [] }]));
    await expectConfigError(loadTrust([{ name: 'none' }]));
    await expectConfigError(loadTrust([spec('', [`${CI}public-key.gpg`])]));
  });

  it('two roots with the same name → ConfigError', async () => {
    await expectConfigError(loadTrust([spec('same', [`${CI}public-key.gpg`]), spec('same', [`${CI}public-key-2.gpg`])]));
  });

  it.each([
    ['keyValidity "later"', { keyValidity: 'later' }],
    ['keyValidity "Now" (case matters)', { keyValidity: 'Now' }],
    ['revokedKeys ["not a fingerprint"]', { revokedKeys: ['not a fingerprint'] }],
    ['revokedKeys [15 hex digits]', { revokedKeys: ['E932F44B23E8DD4'] }],
    ['revokedKeys [39 hex digits]', { revokedKeys: [TEST_KEY.slice(1)] }],
    ['allowWeakAlgorithms ["MD5"]', { allowWeakAlgorithms: ['MD5'] }],
    ['allowWeakAlgorithms ["sha1"] (case matters)', { allowWeakAlgorithms: ['sha1'] }],
  ])('%s → ConfigError', async (_what, extra) => {
    await expectConfigError(loadTrust([{ ...spec('root', [`${CI}public-key.gpg`]), ...extra } as TrustRootSpec]));
  });

  it('createEngine with bad trust root specs rejects with ConfigError too', async () => {
    await expectConfigError(createEngine({ trust: [spec('bad', [new Uint8Array(0)])], clock: () => FIXED_NOW }));
  });
});

describe('loadTrust: expired and revoked keys load', () => {
  it.each([
    ['expiring.asc', 'expiring', 'KeyExpired'],
    ['expired-subkey.asc', 'expired-subkey', 'KeyExpired'],
    ['revoked.asc', 'revoked', 'KeyRevoked'],
    ['retired.asc', 'retired', 'KeyRevoked'],
  ] as const)('%s loads; its signature is %s… %s, not UnknownKey', async (file, signature, reason) => {
    const trust = await loadTrust([spec(file, [KEYS + file])]);
    expect(primaries(trust)).toHaveLength(1);
    expect(await reasonFor(trust, `pgp/signatures/${signature}.signature`, 'registry.example.com/ns/app:v1')).toBe(reason);
  });

  it('public-key-with-revoked-subkey.gpg loads; subkey-revoked.signature(-v3) → KeyRevoked', async () => {
    const trust = await loadTrust([spec('revoked-subkey', [`${CI}public-key-with-revoked-subkey.gpg`])]);
    expect(primaries(trust)).toStrictEqual([REVOKED_SUBKEY_PRIMARY]);
    for (const file of ['subkey-revoked.signature', 'subkey-revoked.signature-v3']) {
      expect(await reasonFor(trust, CI + file, 'docker.io/testing/manifest:latest'), file).toBe('KeyRevoked');
    }
  });
});

describe('loadTrust: revision', () => {
  const base = (): TrustRootSpec[] => [spec('a', [`${CI}pubring.gpg`]), spec('b', [`${KEYS}listing-then-armor.txt`], { keyValidity: 'now' })];

  it('is equal for equal inputs (fresh byte copies)', async () => {
    const [one, two] = await Promise.all([loadTrust(base()), loadTrust(base())]);
    expect(one.revision).toMatch(/^[0-9a-f]+$/);
    expect(one.revision).toBe(two.revision);
  });

  it('changes when one keyring byte changes (a byte of the listing before the armor)', async () => {
    const listing = readFixture(`${KEYS}listing-then-armor.txt`);
    const changed = listing.slice();
    changed[0] = changed[0]! ^ 0x20; // "pub" → "Pub": still a loadable keyring
    const before = await loadTrust([spec('k', [listing])]);
    const after = await loadTrust([spec('k', [changed])]);
    expect(primaries(after)).toStrictEqual(primaries(before));
    expect(after.revision).not.toBe(before.revision);
  });

  it('changes when a revokedKeys entry is added', async () => {
    const before = await loadTrust(base());
    const [a, b] = base();
    const after = await loadTrust([a!, { ...b!, revokedKeys: [RSA2048] }]);
    expect(after.revision).not.toBe(before.revision);
    const more = await loadTrust([a!, { ...b!, revokedKeys: [RSA2048, TEST_KEY] }]);
    expect(more.revision).not.toBe(after.revision);
  });

  it('changes with keyValidity, allowWeakAlgorithms, issuer and root name', async () => {
    const [a, b] = base();
    const revisions = await Promise.all([
      loadTrust([a!, b!]),
      loadTrust([a!, { ...b!, keyValidity: 'signingTime' }]),
      loadTrust([a!, { ...b!, allowWeakAlgorithms: ['SHA1'] }]),
      loadTrust([a!, { ...b!, issuer: { organization: 'Example' } }]),
      loadTrust([a!, { ...b!, name: 'c' }]),
    ]).then((all) => all.map((t) => t.revision));
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it('changes when a keyring is added to a root', async () => {
    const before = await loadTrust([spec('k', [`${CI}public-key.gpg`])]);
    const after = await loadTrust([spec('k', [`${CI}public-key.gpg`, `${CI}public-key-2.gpg`])]);
    expect(after.revision).not.toBe(before.revision);
  });

  // Keyring boundaries are part of the input: [armored, binary] and their concatenation load different keys.
  it('differs for trust material that decides differently (keyring boundaries are part of the input)', async () => {
    const armored = readFixture(`${CI}public-key.gpg`);
    const binary = readFixture(`${CI}public-key-2.gpg`);
    const split = await loadTrust([spec('k', [armored, binary])]);
    const joined = await loadTrust([spec('k', [concat(armored, binary)])]);
    const identity = 'registry.example.com/ns/app:v1';
    const file = `${CI}generated/passphrase-key.signature`;
    // Today: Verified with `split`, UnknownKey with `joined`, and equal revisions.
    const verdicts = [await reasonFor(split, file, identity), await reasonFor(joined, file, identity)];
    if (verdicts[0] !== verdicts[1]) expect(joined.revision, `verdicts ${verdicts.join(' vs ')}`).not.toBe(split.revision);
  });
});
