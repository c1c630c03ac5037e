/**
 * Differential test against openpgp.js (the oracle): for every V4 signature file of both corpora,
 * openpgp and our engine must agree on the purely cryptographic verdict:
 *
 *   openpgp verifies the (single) signature  ⇔  we authenticated it
 *   (`signer` is set, or the reason is WeakAlgorithm: verified, then refused for its algorithm),
 *   i.e. our reason is not BadSignature / UnknownKey / MalformedSignature.
 *
 * openpgp is run with `date` = the signature's creation time + 1 s, and with its algorithm policy
 * opened up (RSA ≥ 1024, no rejected hash or public-key algorithm), so that validity at the
 * evaluation time and algorithm strength, which we judge after authentication, do not count.
 * Our engine runs at FIXED_NOW with the same keys.
 *
 * Deliberate differences, asserted explicitly below (never skipped silently):
 * - double signatures: openpgp verifies both signatures; we refuse the blob (exactly one signature
 *   per blob, as containers/image: "Unexpected GPG signature count 2") with MultipleSignatures.
 * - revoked keys: openpgp refuses a key with a hard revocation whatever the date; we authenticate
 *   the signature (signer set) and then say KeyRevoked (contract section 2, step 6).
 * - a signature made before its key was created: openpgp refuses ("Key is newer than the
 *   signature"); we authenticate it and then say NotYetValid (step 6 too).
 * Not compared:
 * - files openpgp cannot read as binary messages (armor, cleartext): asserted MalformedSignature here.
 * - V3 signature packets (`*-v3`): openpgp 6 drops them (zero signatures); asserted as such, and that
 *   we do read them (never MalformedSignature).
 *
 * Tests and src/trust/openpgp.ts are the only importers of openpgp.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import type { ReasonCode } from '../../src/codes.js';
import type { SignatureVerdict } from '../../src/types.js';
import { FIXED_NOW, buildImage, listFixtureDirs, listFixtures, readFixture } from '../helpers/images.js';

const CI = 'containers-image/';

const CORPORA = {
  'containers-image': {
    keyrings: [`${CI}pubring.gpg`],
    files: [
      ...listFixtures(CI),
      ...listFixtures(`${CI}generated`),
      ...listFixtureDirs(CI).filter((d) => d.includes('/dir-img-')).flatMap((d) => listFixtures(d)),
    ].filter((f) => /\.signature|\/signature-\d+$/.test(f)),
  },
  pgp: {
    keyrings: listFixtures('pgp/keys').filter((f) => f.endsWith('.asc') && !f.endsWith('/no-public-key.asc')),
    files: listFixtures('pgp/signatures'),
  },
} as const;

type Corpus = keyof typeof CORPORA;

const ORACLE_CONFIG: Partial<openpgp.Config> = {
  minRSABits: 1024,
  rejectMessageHashAlgorithms: new Set<openpgp.enums.hash>(),
  rejectPublicKeyAlgorithms: new Set<openpgp.enums.publicKey>(),
};

interface OracleSignature {
  readonly keyID: string;
  readonly created: Date | null;
  readonly verified: boolean;
  readonly error?: string;
  /** Primary fingerprint of the openpgp key that verified it. */
  readonly primaryFingerprint?: string;
}

type OracleOutcome =
  | { readonly kind: 'unreadable'; readonly error: string }
  | { readonly kind: 'rejected'; readonly error: string }
  | { readonly kind: 'signatures'; readonly signatures: readonly OracleSignature[] };

async function oracle(bytes: Uint8Array, keys: readonly openpgp.PublicKey[]): Promise<OracleOutcome> {
  const read = async () => openpgp.readMessage({ binaryMessage: bytes });
  try {
    await read();
  } catch (error) {
    return { kind: 'unreadable', error: (error as Error).message };
  }
  // First pass: the creation time of the signature(s), to verify at that time + 1 s.
  let created: Date | null = null;
  try {
    const first = await openpgp.verify({ message: await read(), verificationKeys: [...keys], expectSigned: false, config: ORACLE_CONFIG });
    const sig = first.signatures[0];
    if (sig) created = (await sig.signature).packets[0]?.created ?? null;
  } catch {
    // the second pass reports it
  }
  try {
    const result = await openpgp.verify({
      message: await read(),
      verificationKeys: [...keys],
      date: new Date((created ?? FIXED_NOW).getTime() + 1000),
      expectSigned: false,
      config: ORACLE_CONFIG,
    });
    const signatures: OracleSignature[] = [];
    for (const sig of result.signatures) {
      const keyID = sig.keyID.toHex().toUpperCase();
      const packetCreated = (await sig.signature).packets[0]?.created ?? null;
      try {
        await sig.verified;
        const primary = keys.find((k) => k.getKeys(sig.keyID).length > 0);
        signatures.push({ keyID, created: packetCreated, verified: true, ...(primary ? { primaryFingerprint: primary.getFingerprint().toUpperCase() } : {}) });
      } catch (error) {
        signatures.push({ keyID, created: packetCreated, verified: false, error: (error as Error).message });
      }
    }
    return { kind: 'signatures', signatures };
  } catch (error) {
    return { kind: 'rejected', error: (error as Error).message };
  }
}

interface Loaded {
  readonly engine: Engine;
  readonly keys: readonly openpgp.PublicKey[];
}

const loaded = new Map<Corpus, Loaded>();

beforeAll(async () => {
  for (const [corpus, { keyrings }] of Object.entries(CORPORA) as [Corpus, (typeof CORPORA)[Corpus]][]) {
    const engine = await createEngine({
      trust: [{ name: corpus, keyrings: keyrings.map((file) => ({ data: readFixture(file), source: file })) }],
      clock: () => FIXED_NOW,
      cache: false,
    });
    const keys: openpgp.PublicKey[] = [];
    for (const file of keyrings) {
      const data = readFixture(file);
      const parsed = file.endsWith('.asc')
        ? await openpgp.readKeys({ armoredKeys: new TextDecoder().decode(data) })
        : await openpgp.readKeys({ binaryKeys: data });
      for (const key of parsed) keys.push(key.isPrivate() ? key.toPublic() : key);
    }
    loaded.set(corpus, { engine, keys });
  }
});

function ours(corpus: Corpus, file: string): SignatureVerdict {
  const { engine } = loaded.get(corpus)!;
  const result = engine.verifyImage(buildImage({ signatures: [readFixture(file)] }), { expectedIdentity: 'registry.example.com/ns/app:v1' });
  expect(result.signatures).toHaveLength(1);
  return result.signatures[0]!;
}

const NOT_AUTHENTICATED: ReadonlySet<ReasonCode> = new Set(['BadSignature', 'UnknownKey', 'MalformedSignature']);

/** We authenticated the signature: a trusted key verified it (then maybe refused it for its algorithm). */
function authenticated(v: SignatureVerdict): boolean {
  return v.signer !== undefined || v.reason === 'WeakAlgorithm';
}

type Deliberate =
  | { readonly kind: 'double'; readonly keyIDs: readonly string[] }
  | { readonly kind: 'revoked'; readonly openpgpError: RegExp }
  | { readonly kind: 'before-key' };

const DELIBERATE: Readonly<Record<string, Deliberate>> = {
  [`${CI}generated/double-signature.signature`]: { kind: 'double', keyIDs: ['E932F44B23E8DD43', 'A3CD242DA6028093'] },
  'pgp/signatures/double.signature': { kind: 'double', keyIDs: ['08F915B1ECB55E81', '494C444AA869BAB7'] },
  [`${CI}subkey-revoked.signature`]: { kind: 'revoked', openpgpError: /revoked/i },
  'pgp/signatures/revoked.signature': { kind: 'revoked', openpgpError: /revoked/i },
  'pgp/signatures/before-key.signature': { kind: 'before-key' },
};

/** Armor and cleartext: not binary messages, openpgp's readMessage({binaryMessage}) refuses them. */
const UNREADABLE = [`${CI}generated/armored.signature`, `${CI}generated/cleartext.signature`];

const isV3 = (file: string): boolean => file.endsWith('-v3');

const CASES = (Object.entries(CORPORA) as [Corpus, (typeof CORPORA)[Corpus]][]).flatMap(([corpus, { files }]) =>
  files.map((file) => [file, corpus] as const));

describe('openpgp oracle: corpus', () => {
  it('covers both corpora', () => {
    expect(CORPORA['containers-image'].files.length).toBeGreaterThanOrEqual(31 + 9);
    expect(CORPORA.pgp.files.length).toBe(24);
    for (const file of [...Object.keys(DELIBERATE), ...UNREADABLE]) expect(CASES.map(([f]) => f)).toContain(file);
  });
});

describe('openpgp oracle: V4 signatures agree on the cryptographic verdict', () => {
  const v4 = CASES.filter(([file]) => !isV3(file) && !UNREADABLE.includes(file) && !(file in DELIBERATE));

  it.each(v4)('%s', async (file, corpus) => {
    const outcome = await oracle(readFixture(file), loaded.get(corpus)!.keys);
    expect(outcome.kind, 'openpgp reads every binary V4 file').not.toBe('unreadable');
    const verdict = ours(corpus, file);
    const single = outcome.kind === 'signatures' && outcome.signatures.length === 1 ? outcome.signatures[0]! : null;
    const openpgpVerified = single?.verified === true;
    const detail = `openpgp: ${JSON.stringify(outcome)}; ours: ${verdict.reason} (${verdict.message})`;
    expect(authenticated(verdict), detail).toBe(openpgpVerified);
    expect(!NOT_AUTHENTICATED.has(verdict.reason), detail).toBe(openpgpVerified);
    if (single) {
      // Both name the same issuer key ID (ours is a hint until authenticated).
      expect(verdict.keyID, detail).toBe(single.keyID);
    }
    if (single?.verified && verdict.signer) {
      expect(verdict.signer.fingerprint, detail).toBe(single.primaryFingerprint);
      expect(verdict.created).toBe(single.created?.toISOString().replace('.000Z', 'Z'));
    }
  });
});

describe('openpgp oracle: deliberate differences', () => {
  it.each(CASES.filter(([file]) => file in DELIBERATE))('%s', async (file, corpus) => {
    const expected = DELIBERATE[file]!;
    const outcome = await oracle(readFixture(file), loaded.get(corpus)!.keys);
    const verdict = ours(corpus, file);
    const detail = `openpgp: ${JSON.stringify(outcome)}; ours: ${verdict.reason} (${verdict.message})`;
    expect(outcome.kind, detail).toBe('signatures');
    const signatures = outcome.kind === 'signatures' ? outcome.signatures : [];
    switch (expected.kind) {
      case 'double':
        // openpgp: two signatures, both good. Ours: one blob, one signature, or nothing.
        expect(signatures.map((s) => [s.keyID, s.verified]), detail).toStrictEqual(expected.keyIDs.map((k) => [k, true]));
        expect(verdict.reason, detail).toBe('MultipleSignatures');
        expect(verdict.signer, detail).toBeUndefined();
        break;
      case 'revoked':
        // openpgp: refused because the key is revoked. Ours: authenticated, then KeyRevoked.
        expect(signatures, detail).toHaveLength(1);
        expect(signatures[0]!.verified, detail).toBe(false);
        expect(signatures[0]!.error, detail).toMatch(expected.openpgpError);
        expect(verdict.reason, detail).toBe('KeyRevoked');
        expect(verdict.signer, detail).toBeDefined();
        expect(verdict.revoked, detail).toBe(true);
        break;
      case 'before-key':
        // openpgp: refused, the key is newer than the signature. Ours: authenticated, then NotYetValid.
        expect(signatures, detail).toHaveLength(1);
        expect(signatures[0]!.verified, detail).toBe(false);
        expect(signatures[0]!.error, detail).toMatch(/newer than the signature/i);
        expect(verdict.reason, detail).toBe('NotYetValid');
        expect(verdict.signer, detail).toBeDefined();
        break;
      default: {
        const never: never = expected;
        throw new Error(`unhandled ${JSON.stringify(never)}`);
      }
    }
  });
});

describe('openpgp oracle: not compared', () => {
  it.each(CASES.filter(([file]) => UNREADABLE.includes(file)))('%s: openpgp cannot read it as a binary message; ours MalformedSignature', async (file, corpus) => {
    const outcome = await oracle(readFixture(file), loaded.get(corpus)!.keys);
    expect(outcome.kind).toBe('unreadable');
    expect(ours(corpus, file).reason).toBe('MalformedSignature');
  });

  it.each(CASES.filter(([file]) => isV3(file)))('%s: V3, openpgp drops the signature packet; ours reads it', async (file, corpus) => {
    const outcome = await oracle(readFixture(file), loaded.get(corpus)!.keys);
    expect(outcome).toStrictEqual({ kind: 'signatures', signatures: [] });
    const verdict = ours(corpus, file);
    expect(verdict.reason).not.toBe('MalformedSignature');
    expect(verdict.keyID).toMatch(/^[0-9A-F]{16}$/);
  });

  it('no other file is unreadable by openpgp or free of signatures for it', async () => {
    const odd: string[] = [];
    for (const [file, corpus] of CASES) {
      if (UNREADABLE.includes(file) || isV3(file)) continue;
      const outcome = await oracle(readFixture(file), loaded.get(corpus)!.keys);
      if (outcome.kind === 'unreadable') odd.push(`${file}: unreadable`);
      // Files without any signature packet for openpgp must be ones we refuse as malformed.
      if (outcome.kind !== 'signatures' || outcome.signatures.length === 0) {
        if (ours(corpus, file).reason !== 'MalformedSignature') odd.push(`${file}: ${outcome.kind}`);
      }
    }
    expect(odd).toStrictEqual([]);
  });
});
