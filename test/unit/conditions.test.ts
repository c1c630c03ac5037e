import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { isDeepStrictEqual } from 'node:util';
import { applyVerdicts, conditionTime, CONDITION_TYPES } from '../../src/conditions.js';
import { REASON_CODES } from '../../src/codes.js';
import { isConditionTime } from '../../src/conditions/compare.js';
import type { JsonObject, SignatureVerdict, SignedClaims, VerifiedSigner } from '../../src/types.js';

const FPR = 'B9F4C2A1D75B3109B3BAAEAF0123456789AB6F36';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const T1 = new Date('2026-01-01T00:00:00.789Z');
const T2 = new Date('2026-02-01T12:30:00Z');
const signer: VerifiedSigner = {
  fingerprint: FPR, keyID: FPR.slice(-16), trustRoot: 'redhat-release', commonName: 'Red Hat, Inc.',
  email: 'security@redhat.com', issuer: { commonName: 'Red Hat, Inc.', organization: 'Red Hat' },
};
const claims: SignedClaims = { manifestDigest: DIGEST, dockerReference: 'registry.example/ns/app:1', creator: 'atomic 2.0', timestamp: 1700000000 };

function verdict(over: Partial<SignatureVerdict> = {}): SignatureVerdict {
  return { index: 0, name: `${DIGEST}@x`, type: 'atomic', format: 'openpgp', trusted: true, forImage: true, reason: 'Verified',
    message: 'ok', signer, created: '2025-01-01T00:00:00Z', claims, expired: false, revoked: false, ...over };
}
const untrusted = (over: Partial<SignatureVerdict> = {}): SignatureVerdict =>
  verdict({ trusted: false, forImage: false, reason: 'UnknownKey', message: 'no trusted key 0123', signer: undefined as never, claims: undefined as never, ...over });
function strip(v: SignatureVerdict): SignatureVerdict {
  const copy: Record<string, unknown> = { ...v };
  for (const k of Object.keys(copy)) if (copy[k] === undefined) delete copy[k];
  return copy as unknown as SignatureVerdict;
}
const sig = (extra: JsonObject = {}): JsonObject => ({ metadata: { name: `${DIGEST}@x` }, type: 'atomic', content: 'AAEC', ...extra });
const image = (...signatures: unknown[]): JsonObject => ({ kind: 'Image', metadata: { name: DIGEST }, signatures });
const run = (img: JsonObject, vs: SignatureVerdict[], t: Date = T1) => applyVerdicts(img, vs.map(strip), t);
const sigAt = (img: JsonObject, i = 0): JsonObject => (img['signatures'] as JsonObject[])[i]!;
const conds = (img: JsonObject, i = 0): JsonObject[] => sigAt(img, i)['conditions'] as JsonObject[];
const cond = (img: JsonObject, type: string, i = 0) => conds(img, i).filter((c) => c['type'] === type);
const c = (type: string, status: string, probe: string | null, transition: string | null, extra: JsonObject = {}): JsonObject =>
  ({ type, status, lastProbeTime: probe, lastTransitionTime: transition, ...extra });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
/** The JSON of an Image with every condition's lastProbeTime removed. */
function withoutProbe(img: JsonObject): unknown {
  return JSON.parse(JSON.stringify(img, (k, v: unknown) => (k === 'lastProbeTime' ? undefined : v)));
}

describe('conditionTime', () => {
  test('RFC 3339 with second precision', () => {
    expect(conditionTime(T1)).toBe('2026-01-01T00:00:00Z');
    expect(() => conditionTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('applyVerdicts', () => {
  test('trusted signature: both True, reason Verified, informative fields', () => {
    const { image: out, changed } = run(image(sig()), [verdict()]);
    expect(changed).toBe(true);
    expect(sigAt(out)).toStrictEqual({
      ...sig(),
      conditions: [
        c('Trusted', 'True', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { reason: 'Verified', message: `signed by ${FPR} (redhat-release)` }),
        c('ForImage', 'True', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { reason: 'Verified', message: `signed for registry.example/ns/app:1 and digest ${DIGEST}` }),
      ],
      imageIdentity: 'registry.example/ns/app:1',
      signedClaims: { 'docker-manifest-digest': DIGEST, 'docker-reference': 'registry.example/ns/app:1', creator: 'atomic 2.0', timestamp: '1700000000' },
      created: '2025-01-01T00:00:00Z',
      issuedBy: { commonName: 'Red Hat, Inc.', organization: 'Red Hat' },
      issuedTo: { commonName: 'Red Hat, Inc.', publicKeyID: FPR },
    });
    expect(CONDITION_TYPES).toEqual(['Trusted', 'ForImage', 'Expired', 'Revoked']);
  });

  test('untrusted signature: both False and forged informative fields cleared', () => {
    const forged = sig({ issuedBy: { commonName: 'Red Hat' }, issuedTo: { publicKeyID: FPR }, signedClaims: { 'docker-reference': 'x' }, imageIdentity: 'x', created: '2020-01-01T00:00:00Z' });
    const out = run(image(forged), [untrusted()]).image;
    expect(sigAt(out)).toStrictEqual({ ...sig(), conditions: [
      c('Trusted', 'False', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { reason: 'UnknownKey', message: 'no trusted key 0123' }),
      c('ForImage', 'False', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { reason: 'UnknownKey', message: 'no trusted key 0123' }),
    ] });
  });

  test('KeyExpired with signer: issuer fields set, no claims, Expired True then False', () => {
    const expired = untrusted({ reason: 'KeyExpired', message: 'key expired', signer, created: '2025-01-01T00:00:00Z', expired: true });
    const first = run(image(sig()), [expired], T1).image;
    expect(sigAt(first)['issuedTo']).toEqual({ commonName: 'Red Hat, Inc.', publicKeyID: FPR });
    expect(sigAt(first)['issuedBy']).toBeDefined();
    expect(sigAt(first)['created']).toBe('2025-01-01T00:00:00Z');
    expect(sigAt(first)).not.toHaveProperty('signedClaims');
    expect(sigAt(first)).not.toHaveProperty('imageIdentity');
    expect(cond(first, 'Expired')).toEqual([c('Expired', 'True', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { reason: 'KeyExpired', message: 'key expired' })]);
    const second = run(first, [verdict()], T2);
    expect(second.changed).toBe(true);
    expect(cond(second.image, 'Expired')).toEqual([c('Expired', 'False', '2026-02-01T12:30:00Z', '2026-02-01T12:30:00Z', { reason: 'Verified', message: 'not expired at the probe time' })]);
    const third = run(second.image, [verdict()], new Date('2026-03-01T00:00:00Z'));
    expect(third.changed).toBe(false);
    expect(cond(third.image, 'Expired')[0]?.['lastTransitionTime']).toBe('2026-02-01T12:30:00Z');
  });

  // An X.509 signature without signed attributes is created when its payload says, which may be any
  // year a Date holds; the API server refuses an Image update whose `created` is no metav1.Time.
  test('created is written only as a metav1.Time holds it (a four-digit year)', () => {
    for (const created of ['+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '+010000-01-01T00:00:00Z', '-000001-12-31T23:59:59Z', '', 'garbage']) {
      const out = run(image(sig({ created: '2020-01-01T00:00:00Z' })), [verdict({ created, reason: 'NotYetValid', trusted: false, forImage: false, claims: undefined as never })]).image;
      expect(sigAt(out)).not.toHaveProperty('created');
      expect(sigAt(out)['issuedTo']).toEqual({ commonName: 'Red Hat, Inc.', publicKeyID: FPR });
    }
    for (const created of ['9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z']) expect(sigAt(run(image(sig()), [verdict({ created })]).image)['created']).toBe(created);
  });

  test('Revoked True, then False; not added when it never held', () => {
    const revoked = run(image(sig()), [untrusted({ reason: 'KeyRevoked', message: 'revoked', signer, revoked: true })]).image;
    expect(cond(revoked, 'Revoked')[0]).toMatchObject({ status: 'True', reason: 'KeyRevoked', message: 'revoked' });
    expect(cond(revoked, 'Expired')).toEqual([]);
    const later = run(revoked, [untrusted()], T2).image;
    expect(cond(later, 'Revoked')[0]).toMatchObject({ status: 'False', reason: 'UnknownKey', lastTransitionTime: '2026-02-01T12:30:00Z' });
  });

  test('other condition types kept untouched and in order, ours after them', () => {
    const other1 = c('Custom', 'True', '2020-01-01T00:00:00Z', null, { reason: 'X', extra: [1] });
    const other2 = { type: 'trusted', status: 'Unknown' };
    const input = image(sig({ conditions: [c('Trusted', 'True', null, null), other1, c('Revoked', 'True', null, null), other2, 'junk'] }));
    const types = conds(run(input, [verdict()]).image).map((x) => (typeof x === 'object' ? x['type'] : x));
    expect(types).toEqual(['Custom', 'trusted', 'junk', 'Trusted', 'ForImage', 'Revoked']);
    expect(conds(run(input, [verdict()]).image).slice(0, 2)).toStrictEqual([other1, other2]);
  });

  test('lastTransitionTime kept when status unchanged, updated when it changes', () => {
    const input = image(sig({ conditions: [
      c('Trusted', 'True', '2025-12-01T00:00:00Z', '2024-05-05T05:05:05Z'), c('ForImage', 'True', '2025-12-01T00:00:00Z', '2024-05-05T05:05:05Z')] }));
    const out = run(input, [verdict({ forImage: false, reason: 'IdentityMismatch', message: 'expected a, signed b' })]).image;
    expect(cond(out, 'Trusted')[0]).toMatchObject({ status: 'True', lastTransitionTime: '2024-05-05T05:05:05Z', lastProbeTime: '2026-01-01T00:00:00Z' });
    expect(cond(out, 'ForImage')[0]).toMatchObject({ status: 'False', reason: 'IdentityMismatch', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  test('stale Trusted conditions collapse to one, transition time from the latest probe', () => {
    const input = image(sig({ conditions: [
      c('Trusted', 'True', '2025-03-01T00:00:00Z', '2025-01-01T00:00:00Z'),
      c('Trusted', 'False', '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z'),
      c('Trusted', 'True', '2025-03-01T00:00:00Z', '2025-01-15T00:00:00Z'), // tie: later entry wins
      c('Trusted', 'True', null, '1999-01-01T00:00:00Z'),
      c('ForImage', 'False', '2025-03-01T00:00:00Z', '2025-02-01T00:00:00Z')] }));
    const out = run(input, [verdict()]).image;
    expect(cond(out, 'Trusted')).toHaveLength(1);
    expect(cond(out, 'Trusted')[0]?.['lastTransitionTime']).toBe('2025-01-15T00:00:00Z');
    expect(cond(out, 'ForImage')[0]?.['lastTransitionTime']).toBe('2026-01-01T00:00:00Z');
  });

  test('input never mutated; unknown members kept in place', () => {
    const input = deepFreeze(image(sig({ zzz: { nested: [1, 2] }, conditions: [c('Trusted', 'False', null, null)], issuedBy: {} }), 'not-an-object'));
    const before = structuredClone(input);
    const out = run(input, [verdict(), untrusted({ index: 1 })]).image;
    expect(input).toStrictEqual(before);
    expect(Object.keys(sigAt(out))).toEqual(['metadata', 'type', 'content', 'zzz', 'conditions', 'issuedBy', 'imageIdentity', 'signedClaims', 'created', 'issuedTo']);
    expect(sigAt(out)['zzz']).toEqual({ nested: [1, 2] });
    expect(out['signatures']).toHaveLength(2);
    expect((out['signatures'] as unknown[])[1]).toBe('not-an-object');
  });

  test('verdicts on non-object elements or bad indices are skipped', () => {
    const input = image(null, [sig()], 'x', sig());
    const bad = [0, 1, 2, -1, 4, 1.5].map((index) => verdict({ index }));
    const { image: out, changed } = run(input, bad);
    expect(changed).toBe(false);
    expect(out).toStrictEqual(input);
    expect(run({ kind: 'Image' }, [verdict()])).toStrictEqual({ image: { kind: 'Image' }, changed: false });
  });

  test('changed: false on a rerun at a later probe time, true when a status changes', () => {
    const first = run(image(sig(), sig()), [verdict(), untrusted({ index: 1 })], T1).image;
    const again = run(first, [verdict(), untrusted({ index: 1 })], T2);
    expect(again.changed).toBe(false);
    expect(cond(again.image, 'Trusted')[0]?.['lastProbeTime']).toBe('2026-02-01T12:30:00Z');
    expect(run(first, [verdict(), verdict({ index: 1 })], T2).changed).toBe(true);
  });

  test('invalid probe time writes null times instead of throwing', () => {
    const out = run(image(sig()), [verdict()], new Date(Number.NaN)).image;
    expect(cond(out, 'Trusted')[0]).toMatchObject({ lastProbeTime: null, lastTransitionTime: null });
  });

  test('issuer without names gives no issuedBy; Verified on a False condition becomes Indeterminate', () => {
    const out = run(image(sig()), [verdict({ trusted: false, forImage: false, signer: { ...signer, issuer: {} } })]).image;
    expect(sigAt(out)).not.toHaveProperty('issuedBy');
    expect(cond(out, 'Trusted')[0]?.['reason']).toBe('Indeterminate');
  });
});

// ---- properties ----
const time = fc.constantFrom(null, '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2025-06-01T00:00:00.5+02:00', 'garbage');
const arbCondition = fc.record({ type: fc.constantFrom(...CONDITION_TYPES, 'Other'), status: fc.constantFrom('True', 'False', 'Unknown'),
  lastProbeTime: time, lastTransitionTime: time, reason: fc.string({ maxLength: 3 }) }, { requiredKeys: ['type', 'status'] });
const arbSig = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constantFrom('atomic', 'AtomicImageV1'), content: fc.base64String({ maxLength: 8 }),
    metadata: fc.record({ name: fc.string({ maxLength: 5 }) }), conditions: fc.array(arbCondition, { maxLength: 5 }),
    imageIdentity: fc.string({ maxLength: 3 }), issuedBy: fc.dictionary(fc.string({ maxLength: 2 }), fc.string({ maxLength: 2 })),
    created: time, extra: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['type', 'content'] }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'x', 3, [1]) },
);
const arbClaims = fc.record({ manifestDigest: fc.constant(DIGEST), dockerReference: fc.string({ maxLength: 6 }),
  creator: fc.string({ maxLength: 3 }), timestamp: fc.integer({ min: 0, max: 2 ** 40 }) }, { requiredKeys: ['manifestDigest', 'dockerReference'] });
const arbVerdict = (n: number): fc.Arbitrary<SignatureVerdict> => fc.record({
  index: fc.integer({ min: -1, max: n }), trusted: fc.boolean(), forImage: fc.boolean(), reason: fc.constantFrom(...REASON_CODES),
  message: fc.string({ maxLength: 5 }), withSigner: fc.boolean(), claims: fc.option(arbClaims, { nil: undefined }),
  expired: fc.boolean(), revoked: fc.boolean(),
}).map(({ withSigner, ...v }) => verdict({ ...v, signer: withSigner ? signer : (undefined as never), created: withSigner ? v.message : (undefined as never), claims: v.claims as never }));
const arbCase = fc.array(arbSig, { maxLength: 4 }).chain((sigs) =>
  fc.tuple(fc.constant(image(...sigs)), fc.array(arbVerdict(sigs.length), { maxLength: 6 })));

/** The verdict that applies to each index (the last one naming it). */
function effective(vs: SignatureVerdict[], img: JsonObject): Map<number, SignatureVerdict> {
  const sigs = img['signatures'] as unknown[];
  const map = new Map<number, SignatureVerdict>();
  for (const v of vs) if (v.index >= 0 && v.index < sigs.length) map.set(v.index, v);
  return map;
}
const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

describe('applyVerdicts properties', () => {
  test.prop([arbCase])('idempotent: a rerun at a later probe time changes nothing', ([input, vs]) => {
    const first = run(input, vs, T1).image;
    const second = run(first, vs, T2);
    expect(second.changed).toBe(false);
    expect(JSON.stringify(withoutProbe(second.image))).toBe(JSON.stringify(withoutProbe(first)));
  });

  test.prop([arbCase])('changed iff the output differs beyond lastProbeTime; input untouched', ([input, vs]) => {
    const before = structuredClone(input);
    const { image: out, changed } = run(deepFreeze(input), vs, T1);
    expect(out).not.toBe(input); // not the fallback for non-plain input
    expect(structuredClone(input)).toStrictEqual(before);
    expect(changed).toBe(!isDeepStrictEqual(withoutProbe(input), withoutProbe(out)));
  });

  test.prop([arbCase])('one Trusted and one ForImage; informative fields only from verified data; elements kept', ([input, vs]) => {
    const out = run(input, vs, T1).image;
    const before = input['signatures'] as unknown[];
    const after = out['signatures'] as unknown[];
    expect(after).toHaveLength(before.length);
    const verdicts = effective(vs, input);
    after.forEach((element, i) => {
      const original = before[i];
      const v = verdicts.get(i);
      if (!isObj(element) || !isObj(original) || v === undefined) return void expect(element).toStrictEqual(original);
      for (const k of ['type', 'content', 'metadata', 'extra']) expect(element[k]).toStrictEqual(original[k]);
      const types = (element['conditions'] as JsonObject[]).map((x) => x['type']);
      for (const t of CONDITION_TYPES) expect(types.filter((x) => x === t).length).toBe(t === 'Trusted' || t === 'ForImage' ? 1 : types.includes(t) ? 1 : 0);
      expect('issuedTo' in element).toBe(v.signer !== undefined);
      expect('created' in element).toBe(v.signer !== undefined && isConditionTime(v.created));
      if (v.signer === undefined) expect(element).not.toHaveProperty('issuedBy');
      expect('signedClaims' in element).toBe(v.claims !== undefined);
      expect('imageIdentity' in element).toBe(v.claims !== undefined);
    });
  });
});
