import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { oneLine, REASON_CODES, type ReasonCode } from '../../../src/codes.js';
import { applyVerdicts, conditionTime, CONDITION_TYPES, type AppliedVerdicts, type ConditionType } from '../../../src/conditions.js';
import { deepEqual, isConditionTime, isObject, timeValue } from '../../../src/conditions/compare.js';
import type { ConditionStatus, JsonObject, SignatureVerdict, SignedClaims, VerifiedSigner } from '../../../src/types.js';

// applyVerdicts was rewritten for speed (no spread-then-extend objects, no copies to compare, the
// probe time formatted once per time). The definition it replaced, verbatim, is the oracle: same
// Image (values and member order), same `changed`, for any input.

// ---- the replaced definition ----
function oracleApply(input: JsonObject, verdicts: readonly SignatureVerdict[], probeTime: Date): AppliedVerdicts {
  try {
    return apply(input, verdicts, probeTime);
  } catch {
    return { image: input, changed: false };
  }
}
function apply(input: JsonObject, verdicts: readonly SignatureVerdict[], probeTime: Date): AppliedVerdicts {
  const image: JsonObject = { ...input };
  const signatures = input['signatures'];
  if (!Array.isArray(signatures)) return { image, changed: false };
  const byIndex = new Map<number, SignatureVerdict>();
  for (const verdict of verdicts) {
    const { index } = verdict;
    if (Number.isSafeInteger(index) && index >= 0 && index < signatures.length) byIndex.set(index, verdict);
  }
  const now = probeTimeText(probeTime);
  const out: unknown[] = signatures.slice();
  let changed = false;
  for (const [index, verdict] of byIndex) {
    const element: unknown = signatures[index];
    if (!isObject(element)) continue;
    const next = applyVerdict(element, verdict, now);
    out[index] = next;
    if (!sameSignature(element, next)) changed = true;
  }
  if (byIndex.size > 0) image['signatures'] = out;
  return { image, changed };
}
function probeTimeText(probeTime: Date): string | null {
  try {
    return conditionTime(probeTime);
  } catch {
    return null;
  }
}
function applyVerdict(element: JsonObject, verdict: SignatureVerdict, now: string | null): JsonObject {
  const next: JsonObject = { ...element };
  next['conditions'] = conditionsFor(element['conditions'], verdict, now);
  for (const [key, value] of Object.entries(informativeFields(verdict))) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}
interface Desired { readonly type: ConditionType; readonly status: ConditionStatus; readonly reason: string; readonly message: string }
const isOurType = (type: unknown): boolean => (CONDITION_TYPES as readonly unknown[]).includes(type);
function conditionsFor(existing: unknown, verdict: SignatureVerdict, now: string | null): unknown[] {
  const list: readonly unknown[] = Array.isArray(existing) ? existing : [];
  const kept = list.filter((c) => !(isObject(c) && isOurType(c['type'])));
  const ours = desiredConditions(verdict, (type) => currentCondition(list, type) !== undefined);
  return [...kept, ...ours.map((d) => stamp(d, currentCondition(list, d.type), now))];
}
function currentCondition(list: readonly unknown[], type: ConditionType): JsonObject | undefined {
  let current: JsonObject | undefined;
  let currentTime = -Infinity;
  for (const entry of list) {
    if (!isObject(entry) || entry['type'] !== type) continue;
    const time = timeValue(entry['lastProbeTime']);
    if (current === undefined || time >= currentTime) {
      current = entry;
      currentTime = time;
    }
  }
  return current;
}
function stamp(desired: Desired, previous: JsonObject | undefined, now: string | null): JsonObject {
  const before = previous?.['lastTransitionTime'];
  const keep = previous?.['status'] === desired.status && isConditionTime(before);
  return { type: desired.type, status: desired.status, lastProbeTime: now, lastTransitionTime: keep ? before : now, reason: desired.reason, message: desired.message };
}
const failureReason = (verdict: SignatureVerdict): ReasonCode => (verdict.reason === 'Verified' ? 'Indeterminate' : verdict.reason);
function desiredConditions(verdict: SignatureVerdict, hadBefore: (type: ConditionType) => boolean): Desired[] {
  const { signer, claims } = verdict;
  const out: Desired[] = [
    verdict.trusted
      ? { type: 'Trusted', status: 'True', reason: 'Verified', message: signer ? `signed by ${signer.fingerprint} (${signer.trustRoot})` : 'signed by a trusted key' }
      : { type: 'Trusted', status: 'False', reason: failureReason(verdict), message: verdict.message },
    verdict.forImage
      ? { type: 'ForImage', status: 'True', reason: 'Verified', message: claims ? `signed for ${claims.dockerReference} and digest ${claims.manifestDigest}` : 'signed for this image' }
      : { type: 'ForImage', status: 'False', reason: failureReason(verdict), message: verdict.message },
  ];
  const expiredReason = verdict.reason === 'SignatureExpired' ? 'SignatureExpired' : 'KeyExpired';
  const expired = flag(verdict, 'Expired', verdict.expired, expiredReason, hadBefore('Expired'));
  if (expired) out.push(expired);
  const revoked = flag(verdict, 'Revoked', verdict.revoked, 'KeyRevoked', hadBefore('Revoked'));
  if (revoked) out.push(revoked);
  return out.map((d) => ({ ...d, message: oneLine(d.message) }));
}
const HOLDS: Readonly<Record<'Expired' | 'Revoked', readonly [string, string]>> = {
  Expired: ['the signature or its signing key had expired at the probe time', 'not expired at the probe time'],
  Revoked: ['the signing key is revoked', 'not revoked at the probe time'],
};
function flag(verdict: SignatureVerdict, type: 'Expired' | 'Revoked', holds: boolean, reason: ReasonCode, hadBefore: boolean): Desired | undefined {
  const [yes, no] = HOLDS[type];
  if (holds) return { type, status: 'True', reason, message: verdict.reason === reason ? verdict.message : yes };
  if (!hadBefore) return undefined;
  const message = verdict.reason === 'Verified' ? no : verdict.message;
  return { type, status: 'False', reason: verdict.reason, message };
}
function informativeFields(verdict: SignatureVerdict): Record<string, unknown> {
  const { signer, claims } = verdict;
  let issuedBy: JsonObject | undefined;
  let issuedTo: JsonObject | undefined;
  if (signer) {
    const by: JsonObject = {};
    if (signer.issuer.commonName !== undefined) by['commonName'] = signer.issuer.commonName;
    if (signer.issuer.organization !== undefined) by['organization'] = signer.issuer.organization;
    if (Object.keys(by).length > 0) issuedBy = by;
    issuedTo = {};
    if (signer.commonName !== undefined) issuedTo['commonName'] = signer.commonName;
    if (signer.organization !== undefined) issuedTo['organization'] = signer.organization;
    issuedTo['publicKeyID'] = signer.fingerprint;
  }
  // Since replaced: `created` only when a metav1.Time can hold it (see conditions/fields.ts).
  return { imageIdentity: claims?.dockerReference, signedClaims: claims ? signedClaims(claims) : undefined, created: signer && isConditionTime(verdict.created) ? verdict.created : undefined, issuedBy, issuedTo };
}
function signedClaims(claims: SignedClaims): Record<string, string> {
  const map: Record<string, string> = { 'docker-manifest-digest': claims.manifestDigest, 'docker-reference': claims.dockerReference };
  if (claims.creator !== undefined) map['creator'] = claims.creator;
  const { timestamp } = claims;
  if (timestamp !== undefined && Number.isFinite(timestamp)) map['timestamp'] = Number.isInteger(timestamp) ? BigInt(timestamp).toString() : String(timestamp);
  return map;
}
function withoutProbeTime(condition: unknown): unknown {
  if (!isObject(condition)) return condition;
  const copy: JsonObject = { ...condition };
  delete copy['lastProbeTime'];
  return copy;
}
function sameConditions(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  return a.length === b.length && a.every((c, i) => deepEqual(withoutProbeTime(c), withoutProbeTime(b[i])));
}
function sameSignature(a: JsonObject, b: JsonObject): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && (key === 'conditions' ? sameConditions(a[key], b[key]) : deepEqual(a[key], b[key])));
}

// ---- generators ----
const DIGEST = `sha256:${'a'.repeat(64)}`;
const time = fc.constantFrom(null, '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2025-06-01T00:00:00.5+02:00', 'garbage', 7);
const text = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a\nb', 'x'.repeat(600), '\u007f'));
const condition = fc.record(
  { type: fc.constantFrom(...CONDITION_TYPES, 'Other', 3), status: fc.constantFrom('True', 'False', 'Unknown'), lastProbeTime: time, lastTransitionTime: time, reason: text, message: text },
  { requiredKeys: ['type'] },
);
/** JSON text of a signature element, so that own `__proto__` members and integer-like keys occur as in parsed input. */
const element = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('conditions'), fc.oneof({ weight: 5, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: condition }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 5 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) })),
      fc.tuple(fc.constantFrom('imageIdentity', 'signedClaims', 'created', 'issuedBy', 'issuedTo', 'type', 'content', 'metadata', '__proto__', '0', '7', 'extra'), fc.jsonValue({ maxDepth: 2 })),
    ),
    { maxLength: 7 },
  )
  .map((members) => JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as JsonObject);
const signature = fc.oneof({ weight: 8, arbitrary: element }, { weight: 1, arbitrary: fc.constantFrom(null, 'x', 3, [1]) });
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
/** Drops the members whose value is undefined (exactOptionalPropertyTypes: absent, not undefined). */
const defined = <T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
const signer: fc.Arbitrary<VerifiedSigner> = fc
  .record({
    fingerprint: fc.constantFrom('B9F4C2A1D75B3109B3BAAEAF0123456789AB6F36', 'F'),
    keyID: fc.constant('0123456789AB6F36'),
    trustRoot: text,
    commonName: maybe(text),
    organization: maybe(text),
    issuer: fc.record({ commonName: maybe(text), organization: maybe(text) }).map(defined),
  })
  .map(defined);
const claims: fc.Arbitrary<SignedClaims> = fc
  .record({
    manifestDigest: fc.constant(DIGEST),
    dockerReference: text,
    creator: maybe(text),
    timestamp: maybe(fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.constantFrom(-0, 1.5, 2 ** 53 + 2, -(2 ** 60), 1e21, 1e300, NaN, Infinity))),
  })
  .map(defined);
const verdict = (n: number): fc.Arbitrary<SignatureVerdict> =>
  fc
    .record({
      index: fc.integer({ min: -1, max: n }), name: fc.constant('n'), type: fc.constant('atomic'), format: fc.constant('openpgp' as const),
      trusted: fc.boolean(), forImage: fc.boolean(), reason: fc.constantFrom(...REASON_CODES), message: text,
      signer: maybe(signer), created: maybe(fc.constantFrom('2025-06-01T00:00:00Z', '')), claims: maybe(claims), expired: fc.boolean(), revoked: fc.boolean(),
    })
    .map(defined);
const probe = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('2026-01-01T00:00:00.789Z', '2026-02-01T12:30:00Z', '1970-01-01T00:00:00Z').map((t) => new Date(t)) },
  { weight: 1, arbitrary: fc.constantFrom(new Date(NaN), new Date(-8.64e15), new Date(8.64e15)) },
);
const imageCase = fc.array(signature, { maxLength: 4 }).chain((signatures) =>
  fc.tuple(fc.constant<JsonObject>({ kind: 'Image', metadata: { name: DIGEST }, signatures }), fc.array(verdict(signatures.length), { maxLength: 5 }), probe),
);

/** Values and member order, all the way down (JSON.stringify keeps member order). */
const printed = (result: AppliedVerdicts): string => JSON.stringify({ changed: result.changed, image: result.image });

describe('applyVerdicts against the definition it replaced', () => {
  test.prop([imageCase], { numRuns: 1500 })('same Image and same changed, for any input and probe time', ([input, verdicts, at]) => {
    expect(printed(applyVerdicts(input, verdicts, at))).toBe(printed(oracleApply(input, verdicts, at)));
  });

  test.prop([imageCase], { numRuns: 500 })('same again when the input already carries the written conditions', ([input, verdicts, at]) => {
    const once = applyVerdicts(input, verdicts, at).image;
    const later = new Date(at.getTime() + 1000);
    expect(printed(applyVerdicts(once, verdicts, later))).toBe(printed(oracleApply(once, verdicts, later)));
  });

  it('keeps own __proto__ members of signature elements as members', () => {
    const input = JSON.parse(`{"signatures":[{"__proto__":{"x":1},"type":"atomic"}]}`) as JsonObject;
    const v: SignatureVerdict = { index: 0, name: 'n', type: 'atomic', format: 'openpgp', trusted: false, forImage: false, reason: 'UnknownKey', message: 'm', expired: false, revoked: false };
    const out = applyVerdicts(input, [v], new Date('2026-01-01T00:00:00Z')).image;
    const element = (out['signatures'] as JsonObject[])[0] as JsonObject;
    expect(Object.getPrototypeOf(element)).toBe(Object.prototype);
    expect(Object.keys(element)).toEqual(['__proto__', 'type', 'conditions']);
    expect(printed(applyVerdicts(input, [v], new Date('2026-01-01T00:00:00Z')))).toBe(printed(oracleApply(input, [v], new Date('2026-01-01T00:00:00Z'))));
  });
});

describe('probe time text', () => {
  const v: SignatureVerdict = { index: 0, name: 'n', type: 'atomic', format: 'openpgp', trusted: false, forImage: false, reason: 'UnknownKey', message: 'm', expired: false, revoked: false };
  const probeOf = (at: Date): unknown => {
    const out = applyVerdicts({ signatures: [{}] }, [v], at).image;
    return ((out['signatures'] as JsonObject[])[0]?.['conditions'] as JsonObject[])[0]?.['lastProbeTime'];
  };

  it('follows the time value, not the Date object (alternating times and objects)', () => {
    for (const t of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T00:00:00.999Z', '2026-01-01T00:00:01Z']) {
      expect(probeOf(new Date(t))).toBe(conditionTime(new Date(t)));
    }
  });

  it('asks a Date that formats itself differently every time (own toISOString, subclass)', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(probeOf(at)).toBe('2026-01-01T00:00:00Z');
    const own = new Date('2026-01-01T00:00:00Z');
    Object.defineProperty(own, 'toISOString', { value: () => '2031-05-05T05:05:05.000Z' });
    expect(probeOf(own)).toBe('2031-05-05T05:05:05Z');
    class Shifted extends Date {
      override toISOString(): string {
        return '2032-06-06T06:06:06.000Z';
      }
    }
    expect(probeOf(new Shifted('2026-01-01T00:00:00Z'))).toBe('2032-06-06T06:06:06Z');
    expect(probeOf(at)).toBe('2026-01-01T00:00:00Z');
  });

  it('writes null times for an unusable probe time, as before', () => {
    expect(probeOf(new Date(NaN))).toBeNull();
    expect(probeOf('2026-01-01' as unknown as Date)).toBeNull();
  });
});
