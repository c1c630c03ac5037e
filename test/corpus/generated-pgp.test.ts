/**
 * The generated OpenPGP corpus (test/fixtures/pgp, README.md and facts.json there): every signature
 * in facts.json under both `keyValidity` modes at 2026-01-01T00:00:00Z, with one trust root holding
 * every public key in keys/*.asc except no-public-key.asc (which holds none), the manifest
 * image.manifest.json and the expected identity registry.example.com/ns/app:v1.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import { isReasonCode, type ReasonCode } from '../../src/codes.js';
import type { KeyValidity, TrustRootSpec, WeakAlgorithm } from '../../src/trust/material.js';
import type { SignatureVerdict } from '../../src/types.js';
import { FIXED_NOW, buildImage, listFixtures, readFixture, readFixtureText } from '../helpers/images.js';

interface KeyFacts {
  readonly name: string;
  readonly fingerprint: string;
  readonly keyId: string;
  readonly signingKeyId: string;
  readonly signingKeyFingerprint: string;
  readonly expires: string | null;
  readonly revocation: { readonly time: string; readonly kind: 'hard' | 'soft' } | null;
  readonly subkeys: readonly { readonly fingerprint: string; readonly expires: string | null }[];
  readonly publicKey: string;
}

interface SignatureFacts {
  readonly file: string;
  readonly name: string;
  readonly signers: readonly string[];
  readonly signatureCount: number;
  readonly signingKeyId: string;
  readonly created: string;
  readonly expires: string | null;
  readonly expected: { readonly keyValidityNow: string; readonly keyValiditySigningTime: string };
}

interface Facts {
  readonly evaluationTime: string;
  readonly evaluation: { readonly manifestDigest: string; readonly expectedIdentity: string; readonly identityRule: string };
  readonly keys: readonly KeyFacts[];
  readonly signatures: readonly SignatureFacts[];
}

const PGP = 'pgp/';
const facts = JSON.parse(readFixtureText(`${PGP}facts.json`)) as Facts;
const MANIFEST = readFixtureText(`${PGP}image.manifest.json`);
const EXPECTED_IDENTITY = facts.evaluation.expectedIdentity;

const keyByName = new Map(facts.keys.map((k) => [k.name, k]));
function key(name: string): KeyFacts {
  const found = keyByName.get(name);
  if (!found) throw new Error(`facts.json has no key ${name}`);
  return found;
}
function signature(name: string): SignatureFacts {
  const found = facts.signatures.find((s) => s.name === name);
  if (!found) throw new Error(`facts.json has no signature ${name}`);
  return found;
}

/** keys/*.asc except no-public-key.asc (an armored detached signature: no public key at all). */
const KEY_FILES = listFixtures(`${PGP}keys`).filter((f) => f.endsWith('.asc') && !f.endsWith('/no-public-key.asc'));

function rootSpec(extra: Omit<TrustRootSpec, 'name' | 'keyrings'> = {}): TrustRootSpec {
  return { name: 'generated', ...extra, keyrings: KEY_FILES.map((file) => ({ data: readFixture(file), source: file })) };
}

const engines = new Map<string, Promise<Engine>>();
function engine(extra: Omit<TrustRootSpec, 'name' | 'keyrings'> = {}): Promise<Engine> {
  const cacheKey = JSON.stringify(extra);
  let found = engines.get(cacheKey);
  if (!found) {
    found = createEngine({ trust: [rootSpec(extra)], identityRule: facts.evaluation.identityRule, clock: () => FIXED_NOW, cache: false });
    engines.set(cacheKey, found);
  }
  return found;
}

async function verify(sig: SignatureFacts, extra: Omit<TrustRootSpec, 'name' | 'keyrings'> = {}, at?: Date): Promise<SignatureVerdict> {
  const image = buildImage({ manifest: MANIFEST, signatures: [readFixture(PGP + sig.file)] });
  expect(image.metadata.name).toBe(facts.evaluation.manifestDigest);
  const result = (await engine(extra)).verifyImage(image, { expectedIdentity: EXPECTED_IDENTITY, ...(at ? { at } : {}) });
  expect(result.problems).toStrictEqual([]);
  expect(result.signatures).toHaveLength(1);
  const verdict = result.signatures[0]!;
  expect(result.verdict).toBe(verdict.reason === 'Verified' ? 'Trusted' : 'Untrusted');
  return verdict;
}

/** Reasons reached only after the signature verified with a trusted key (`signer` set). */
const AUTHENTICATED: ReadonlySet<ReasonCode> = new Set([
  'Verified', 'KeyExpired', 'SignatureExpired', 'NotYetValid', 'KeyRevoked', 'InvalidPayload', 'DigestMismatch', 'IdentityMismatch',
]);

const MODES: readonly { readonly mode: KeyValidity; readonly field: keyof SignatureFacts['expected'] }[] = [
  { mode: 'now', field: 'keyValidityNow' },
  { mode: 'signingTime', field: 'keyValiditySigningTime' },
];

describe('generated pgp corpus: facts.json', () => {
  it('is evaluated at FIXED_NOW and lists every signature file', () => {
    expect(new Date(facts.evaluationTime).getTime()).toBe(FIXED_NOW.getTime());
    const files = listFixtures(`${PGP}signatures`).map((f) => f.slice(PGP.length));
    expect(facts.signatures.map((s) => s.file).sort()).toStrictEqual(files);
    expect(KEY_FILES).toHaveLength(facts.keys.length);
    for (const k of facts.keys) expect(KEY_FILES).toContain(PGP + k.publicKey);
  });
});

describe.each(MODES)('generated pgp corpus, keyValidity $mode', ({ mode, field }) => {
  it.each(facts.signatures.map((s) => [s.name, s.expected[field], s] as const))('%s → %s', async (_name, expected, sig) => {
    expect(isReasonCode(expected)).toBe(true);
    const verdict = await verify(sig, { keyValidity: mode });
    expect(verdict.reason, verdict.message).toBe(expected);
    expect(verdict.format).toBe('openpgp');
    expect(verdict.forImage).toBe(expected === 'Verified');
    expect(verdict.trusted).toBe(['Verified', 'DigestMismatch', 'IdentityMismatch'].includes(expected));
    if (sig.signatureCount === 1) {
      // The packet's issuer key ID, as a hint even when the signature was refused.
      expect(verdict.keyID).toBe(sig.signingKeyId);
    }
    const signer = key(sig.signers[0]!);
    if (AUTHENTICATED.has(expected as ReasonCode)) {
      expect(verdict.signer?.fingerprint).toBe(signer.fingerprint);
      expect(verdict.signer?.keyID).toBe(sig.signingKeyId);
      expect(verdict.signer?.trustRoot).toBe('generated');
      expect(verdict.created).toBe(sig.created);
    } else {
      expect(verdict.signer).toBeUndefined();
      expect(verdict.created).toBeUndefined();
    }
    if (expected === 'Verified') {
      expect(verdict.claims?.dockerReference).toBe(EXPECTED_IDENTITY);
      expect(verdict.claims?.manifestDigest).toBe(facts.evaluation.manifestDigest);
    }
  });
});

describe('generated pgp corpus: signer facts', () => {
  it('subkey signatures report the primary fingerprint and the subkey key ID', async () => {
    const verdict = await verify(signature('subkey-signer'));
    const k = key('subkey-signer');
    expect(verdict.reason).toBe('Verified');
    expect(verdict.signer?.fingerprint).toBe(k.fingerprint);
    expect(verdict.signer?.keyID).toBe(k.signingKeyId);
    expect(k.signingKeyFingerprint).not.toBe(k.fingerprint);
  });

  it('the signer user ID fields come from the primary user ID', async () => {
    const verdict = await verify(signature('ed25519'));
    expect(verdict.signer).toMatchObject({ commonName: 'Jane Signer', organization: 'Example Corp', email: 'jane@example.com' });
  });
});

describe('generated pgp corpus: allowWeakAlgorithms', () => {
  const cases: readonly [WeakAlgorithm, string][] = [['SHA1', 'rsa2048-sha1'], ['DSA', 'dsa2048'], ['RSA1024', 'rsa1024']];

  it.each(cases)('[%s] makes %s Verified', async (allowed, name) => {
    const sig = signature(name);
    const verdict = await verify(sig, { allowWeakAlgorithms: [allowed] });
    expect(verdict.reason, verdict.message).toBe('Verified');
    expect(verdict.signer?.fingerprint).toBe(key(sig.signers[0]!).fingerprint);
    expect(verdict.signer?.keyID).toBe(sig.signingKeyId);
  });

  it.each(cases)('[%s] alone leaves the other weak signatures WeakAlgorithm', async (allowed, name) => {
    for (const [, other] of cases) {
      if (other === name) continue;
      const verdict = await verify(signature(other), { allowWeakAlgorithms: [allowed] });
      expect(verdict.reason, `${other} with [${allowed}]`).toBe('WeakAlgorithm');
      expect(verdict.signer).toBeUndefined();
    }
  });

  it('[SHA1, DSA, RSA1024] makes all three Verified and changes nothing else', async () => {
    for (const sig of facts.signatures) {
      const verdict = await verify(sig, { allowWeakAlgorithms: ['SHA1', 'DSA', 'RSA1024'] });
      const expected = sig.expected.keyValidityNow === 'WeakAlgorithm' ? 'Verified' : sig.expected.keyValidityNow;
      expect(verdict.reason, sig.name).toBe(expected);
    }
  });
});

describe('generated pgp corpus: local revokedKeys', () => {
  const rsa2048 = key('rsa2048');

  it.each(['now', 'signingTime'] as const)('revokedKeys: [rsa2048 fingerprint] makes rsa2048 KeyRevoked (keyValidity %s)', async (mode) => {
    const verdict = await verify(signature('rsa2048'), { keyValidity: mode, revokedKeys: [rsa2048.fingerprint] });
    expect(verdict.reason, verdict.message).toBe('KeyRevoked');
    expect(verdict.revoked).toBe(true);
    expect(verdict.trusted).toBe(false);
    expect(verdict.signer?.fingerprint).toBe(rsa2048.fingerprint);
  });

  it('a revokedKeys key ID (16 hex, lower case, 0x prefix) revokes too', async () => {
    const verdict = await verify(signature('rsa2048'), { revokedKeys: [`0x${rsa2048.keyId.toLowerCase()}`] });
    expect(verdict.reason).toBe('KeyRevoked');
    expect(verdict.revoked).toBe(true);
  });

  it('revoking rsa2048 leaves the other keys alone', async () => {
    const verdict = await verify(signature('rsa4096'), { revokedKeys: [rsa2048.fingerprint] });
    expect(verdict.reason).toBe('Verified');
    expect(verdict.revoked).toBe(false);
  });

  it('revoking the signing subkey by its own fingerprint revokes its signatures', async () => {
    const k = key('subkey-signer');
    const verdict = await verify(signature('subkey-signer'), { revokedKeys: [k.signingKeyFingerprint] });
    expect(verdict.reason).toBe('KeyRevoked');
    expect(verdict.signer?.fingerprint).toBe(k.fingerprint);
  });

  it('revoking the primary of a subkey signer revokes its subkey signatures', async () => {
    const verdict = await verify(signature('subkey-signer'), { revokedKeys: [key('subkey-signer').fingerprint] });
    expect(verdict.reason).toBe('KeyRevoked');
    expect(verdict.revoked).toBe(true);
  });
});

describe('generated pgp corpus: Expired and Revoked flags', () => {
  const flagged: readonly { name: string; expired: boolean; revoked: boolean }[] = [
    { name: 'expiring', expired: true, revoked: false },
    { name: 'expired-subkey', expired: true, revoked: false },
    { name: 'sig-expires', expired: true, revoked: false },
    { name: 'revoked', expired: false, revoked: true },
    { name: 'retired', expired: false, revoked: true },
  ];

  describe.each(MODES)('keyValidity $mode', ({ mode }) => {
    it.each(flagged)('$name: expired=$expired revoked=$revoked', async ({ name, expired, revoked }) => {
      const verdict = await verify(signature(name), { keyValidity: mode });
      // The flags describe the evaluation time, whatever the mode decided.
      expect(verdict.expired).toBe(expired);
      expect(verdict.revoked).toBe(revoked);
    });

    it('no flag on the signatures whose keys neither expired nor were revoked', async () => {
      const quiet = facts.signatures.filter((s) => !flagged.some((f) => f.name === s.name) && s.expected.keyValidityNow !== 'MultipleSignatures');
      expect(quiet.length).toBeGreaterThan(10);
      for (const sig of quiet) {
        const verdict = await verify(sig, { keyValidity: mode });
        expect([verdict.expired, verdict.revoked], sig.name).toStrictEqual([false, false]);
      }
    });
  });

  it('the flags become Expired / Revoked conditions with status True on the written Image', async () => {
    const e = await engine();
    for (const { name, condition, reason } of [
      { name: 'expiring', condition: 'Expired', reason: 'KeyExpired' },
      { name: 'sig-expires', condition: 'Expired', reason: 'SignatureExpired' },
      { name: 'revoked', condition: 'Revoked', reason: 'KeyRevoked' },
    ]) {
      const image = buildImage({ manifest: MANIFEST, signatures: [readFixture(PGP + signature(name).file)] });
      const result = e.verifyImage(image, { expectedIdentity: EXPECTED_IDENTITY });
      const conditions = ((result.image?.['signatures'] as Record<string, unknown>[])[0]?.['conditions'] ?? []) as { type: string; status: string; reason: string }[];
      expect(conditions.find((c) => c.type === condition), name).toMatchObject({ status: 'True', reason });
      expect(conditions.find((c) => c.type === 'Trusted'), name).toMatchObject({ status: 'False', reason });
    }
  });
});

describe('generated pgp corpus: the same key in several trust roots', () => {
  const rsa2048 = (): TrustRootSpec['keyrings'] => [{ data: readFixture(`${PGP}keys/rsa2048.asc`), source: 'rsa2048.asc' }];
  const expiring = (): TrustRootSpec['keyrings'] => [{ data: readFixture(`${PGP}keys/expiring.asc`), source: 'expiring.asc' }];

  async function reasonWith(roots: readonly TrustRootSpec[], name: string): Promise<ReasonCode> {
    const e = await createEngine({ trust: roots, clock: () => FIXED_NOW, cache: false });
    const image = buildImage({ manifest: MANIFEST, signatures: [readFixture(PGP + signature(name).file)] });
    return e.verifyImage(image, { expectedIdentity: EXPECTED_IDENTITY }).signatures[0]!.reason;
  }

  // The same key in several trust roots: a local revocation in any root wins; otherwise the
  // signature is judged under every root holding the key, so the order of roots never matters.
  it.each([
    ['allowWeakAlgorithms', 'rsa2048-sha1', { name: 'strict', keyrings: rsa2048() }, { name: 'legacy', keyrings: rsa2048(), allowWeakAlgorithms: ['SHA1'] }],
    ['revokedKeys', 'rsa2048', { name: 'plain', keyrings: rsa2048() }, { name: 'local', keyrings: rsa2048(), revokedKeys: [key('rsa2048').fingerprint] }],
    ['keyValidity', 'expiring', { name: 'now', keyrings: expiring() }, { name: 'signing', keyrings: expiring(), keyValidity: 'signingTime' }],
  ] as [string, string, TrustRootSpec, TrustRootSpec][])('%s: %s gets the same verdict whatever the root order', async (_what, name, a, b) => {
    const forward = await reasonWith([a, b], name);
    const backward = await reasonWith([b, a], name);
    expect(forward).toBe(backward);
  });
});

describe('generated pgp corpus: evaluation time boundaries (--at)', () => {
  const t = (iso: string): Date => new Date(iso);
  const cases: readonly { name: string; mode: KeyValidity; at: string; reason: ReasonCode; expired?: boolean; revoked?: boolean }[] = [
    // expiring: key expires 2025-06-01T00:00:00Z
    { name: 'expiring', mode: 'now', at: '2025-05-31T23:59:59Z', reason: 'Verified' },
    { name: 'expiring', mode: 'now', at: '2025-06-01T00:00:01Z', reason: 'KeyExpired', expired: true },
    { name: 'expired-subkey', mode: 'now', at: '2025-05-31T23:59:59Z', reason: 'Verified' },
    { name: 'expired-subkey', mode: 'now', at: '2025-06-01T00:00:01Z', reason: 'KeyExpired', expired: true },
    // sig-expires: signature expires 2025-04-01T00:00:00Z, in either mode
    { name: 'sig-expires', mode: 'now', at: '2025-03-31T23:59:59Z', reason: 'Verified' },
    { name: 'sig-expires', mode: 'signingTime', at: '2025-03-31T23:59:59Z', reason: 'Verified' },
    { name: 'sig-expires', mode: 'signingTime', at: '2025-04-01T00:00:01Z', reason: 'SignatureExpired', expired: true },
    // retired: soft revocation 2025-07-01T00:00:00Z
    { name: 'retired', mode: 'now', at: '2025-06-30T23:59:59Z', reason: 'Verified' },
    { name: 'retired', mode: 'now', at: '2025-07-01T00:00:01Z', reason: 'KeyRevoked', revoked: true },
    // revoked: hard revocation ("key compromised"): every signature, whenever judged
    { name: 'revoked', mode: 'now', at: '2025-03-01T00:00:01Z', reason: 'KeyRevoked', revoked: true },
    { name: 'revoked', mode: 'signingTime', at: '2025-03-01T00:00:01Z', reason: 'KeyRevoked', revoked: true },
    // future: made 2027-01-01T00:00:00Z; 5 minutes of clock skew tolerated
    { name: 'future', mode: 'now', at: '2026-12-31T23:55:00Z', reason: 'Verified' },
    { name: 'future', mode: 'now', at: '2026-12-31T23:54:59Z', reason: 'NotYetValid' },
    { name: 'future', mode: 'signingTime', at: '2027-01-02T00:00:00Z', reason: 'Verified' },
    // before-key: made before its key existed: never valid
    { name: 'before-key', mode: 'now', at: '2030-01-01T00:00:00Z', reason: 'NotYetValid' },
    { name: 'before-key', mode: 'signingTime', at: '2030-01-01T00:00:00Z', reason: 'NotYetValid' },
  ];

  it.each(cases)('$name ($mode) at $at → $reason', async ({ name, mode, at, reason, expired = false, revoked = false }) => {
    const verdict = await verify(signature(name), { keyValidity: mode }, t(at));
    expect(verdict.reason, verdict.message).toBe(reason);
    expect(verdict.expired).toBe(expired);
    expect(verdict.revoked).toBe(revoked);
  });
});
