/**
 * CEL values as plain, comparable data (for tests, tools and messages). No cel-js import: values
 * are recognised by their JavaScript shape and cel-js class names.
 */

/**
 * A CEL value as plain JSON-like data, for tests and messages: ints as `{int: "…"}`, uints as
 * `{uint: "…"}`, doubles as numbers, bytes as `{bytes: base64}`, timestamps as `{timestamp: RFC 3339}`,
 * durations as `{duration: "…s"}`, types as `{type: name}`, maps as objects, lists as arrays. Never throws.
 */
export function describeCelValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return { int: value.toString() };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { timestamp: Number.isFinite(value.getTime()) ? value.toISOString() : 'invalid' };
  if (Array.isArray(value)) return value.map(describeCelValue);
  if (value instanceof Set) return [...value].map(describeCelValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), describeCelValue(v)]));
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    const text = (): string => (value as { toString(): string }).toString();
    if (ctor === 'UnsignedInt') return { uint: text() };
    if (ctor === 'Duration') return { duration: text() };
    if (ctor === 'Type') return { type: String((value as { name?: unknown }).name) };
    if (ctor === 'Optional') return { optional: true };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeCelValue(v)]));
  }
  return typeof value;
}
