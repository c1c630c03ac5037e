import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { copyMembers } from '../../../src/conditions/copy.js';
import { deepEqual, sameIgnoringProbeTime } from '../../../src/conditions/compare.js';
import type { JsonObject } from '../../../src/types.js';

/** Own keys (strings, then symbols) with their descriptors: what `{ ...value }` would make, compared exactly. */
function shape(value: object): unknown[] {
  return Reflect.ownKeys(value).map((key) => [key, Object.getOwnPropertyDescriptor(value, key)]);
}

/** Keys that matter: integer-like (ordered first), `__proto__`, Object.prototype names, JSON-ish names. */
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'conditions', 'imageIdentity', 'content', '0', '1', '10', '-1', '01', 'a', ''),
  fc.string({ maxLength: 6 }),
);
const member = fc.tuple(key, fc.jsonValue({ maxDepth: 2 }));

describe('copyMembers', () => {
  test.prop([fc.array(member, { maxLength: 8 })], { numRuns: 500 })('makes the object { ...value } makes, from JSON.parse output', (members) => {
    // JSON.parse keeps an own "__proto__" member, as an untrusted Image would.
    const value = JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as JsonObject;
    const copy = copyMembers(value);
    expect(shape(copy)).toEqual(shape({ ...value }));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
  });

  it('keeps an own __proto__ member as a member, never as the prototype', () => {
    const value = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":2}') as JsonObject;
    const copy = copyMembers(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', '__proto__', 'b']);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('copies enumerable symbols after the strings, skips non-enumerable members, reads getters into values', () => {
    const visible = Symbol('visible');
    const hidden = Symbol('hidden');
    const value: JsonObject = { b: 1, 2: 'two', a: 3 };
    Object.defineProperty(value, 'secret', { value: 4, enumerable: false });
    Object.defineProperty(value, 'computed', { get: () => 5, enumerable: true });
    Object.defineProperty(value, visible, { value: 6, enumerable: true });
    Object.defineProperty(value, hidden, { value: 7, enumerable: false });
    const copy = copyMembers(value);
    expect(shape(copy)).toEqual(shape({ ...value }));
    expect(Reflect.ownKeys(copy)).toEqual(['2', 'b', 'a', 'computed', visible]);
  });

  it('never mutates its input and shares member values', () => {
    const inner = { x: 1 };
    const value = Object.freeze({ inner, list: [1, 2] });
    const copy = copyMembers(value);
    expect(copy).not.toBe(value);
    expect(copy['inner']).toBe(inner);
    copy['added'] = true;
    expect(value).toEqual({ inner, list: [1, 2] });
  });
});

describe('sameIgnoringProbeTime', () => {
  /** The definition it replaces: compare copies without `lastProbeTime`. */
  const oracle = (a: unknown, b: unknown): boolean => {
    const without = (c: unknown): unknown => {
      if (typeof c !== 'object' || c === null || Array.isArray(c)) return c;
      const copy: JsonObject = { ...(c as JsonObject) };
      delete copy['lastProbeTime'];
      return copy;
    };
    return deepEqual(without(a), without(b));
  };
  const condition = fc.dictionary(
    fc.constantFrom('type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message', '__proto__', 'extra'),
    fc.oneof(fc.constantFrom('Trusted', 'True', 'False', null, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), fc.jsonValue({ maxDepth: 1 })),
    { maxKeys: 6 },
  );
  const item = fc.oneof({ weight: 6, arbitrary: condition }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });

  test.prop([item, item], { numRuns: 2000 })('agrees with comparing copies without lastProbeTime', (a, b) => {
    expect(sameIgnoringProbeTime(a, b)).toBe(oracle(a, b));
  });

  test.prop([condition, fc.constantFrom(null, '2030-01-01T00:00:00Z', 7)], { numRuns: 300 })('ignores only lastProbeTime', (a, probe) => {
    const b: JsonObject = { ...a, lastProbeTime: probe };
    expect(sameIgnoringProbeTime(a, b)).toBe(true);
    expect(sameIgnoringProbeTime(b, a)).toBe(true);
    expect(sameIgnoringProbeTime(a, { ...a, lastTransitionTime: 'changed' })).toBe(oracle(a, { ...a, lastTransitionTime: 'changed' }));
  });

  it('counts non-enumerable members as absent, as a copy would', () => {
    const a = { type: 'Trusted', status: 'True' };
    const b = { type: 'Trusted' };
    Object.defineProperty(b, 'status', { value: 'True', enumerable: false });
    expect(sameIgnoringProbeTime(a, b)).toBe(false);
    expect(oracle(a, b)).toBe(false);
  });
});
