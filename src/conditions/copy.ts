/**
 * A shallow copy of an untrusted object that is cheap to extend. `{ ...value }` makes an object to
 * which V8 adds members slowly (about 0.3 µs each); the conditions add six to every signature.
 */
import type { JsonObject } from '../types.js';

const isEnumerable = (value: object, key: PropertyKey): boolean => Object.prototype.propertyIsEnumerable.call(value, key);

/**
 * The same object as `{ ...value }`: the own enumerable members, strings then symbols, in the same
 * order; an own `__proto__` member stays a plain member (it never sets the copy's prototype).
 * Never mutates `value`; throws only what reading `value`'s members throws.
 */
export function copyMembers(value: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') define(copy, key, value[key]);
    else copy[key] = value[key];
  }
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (isEnumerable(value, symbol)) define(copy, symbol, (value as Record<symbol, unknown>)[symbol]);
  }
  return copy;
}

function define(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
