/** Small pure helpers for conditions: JSON shape tests, condition times and change detection. */
import type { JsonObject } from '../types.js';

/** A non-null, non-array object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** True for a well-formed RFC 3339 time string (as `metav1.Time` decodes it). */
export function isConditionTime(value: unknown): value is string {
  return typeof value === 'string' && RFC3339.test(value) && Number.isFinite(Date.parse(value));
}

/** Milliseconds since the epoch; `-Infinity` for a missing, null or malformed time (the zero time). */
export function timeValue(value: unknown): number {
  return isConditionTime(value) ? Date.parse(value) : -Infinity;
}

/** Structural JSON equality; object member order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  const left = a as JsonObject;
  const right = b as JsonObject;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
}

function withoutProbeTime(condition: unknown): unknown {
  if (!isObject(condition)) return condition;
  const copy: JsonObject = { ...condition };
  delete copy['lastProbeTime'];
  return copy;
}

function sameConditions(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  return a.length === b.length && a.every((c, i) => sameIgnoringProbeTime(c, b[i]));
}

const PROBE_TIME = 'lastProbeTime';
const isEnumerableOwn = (object: object, key: string): boolean => Object.prototype.propertyIsEnumerable.call(object, key);

/** `deepEqual(withoutProbeTime(a), withoutProbeTime(b))`, without the copies. */
export function sameIgnoringProbeTime(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return deepEqual(withoutProbeTime(a), withoutProbeTime(b));
  const keys = Object.keys(a);
  if (countWithoutProbeTime(keys) !== countWithoutProbeTime(Object.keys(b))) return false;
  // A copy holds exactly the own enumerable members.
  return keys.every((key) => key === PROBE_TIME || (isEnumerableOwn(b, key) && deepEqual(a[key], b[key])));
}

function countWithoutProbeTime(keys: readonly string[]): number {
  return keys.includes(PROBE_TIME) ? keys.length - 1 : keys.length;
}

/** Equality of two signature elements, ignoring the `lastProbeTime` of their conditions. */
export function sameSignature(a: JsonObject, b: JsonObject): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) => Object.hasOwn(b, key) && (key === 'conditions' ? sameConditions(a[key], b[key]) : deepEqual(a[key], b[key])),
  );
}
