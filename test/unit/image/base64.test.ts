import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeBase64, isBase64Text } from '../../../src/image/base64.js';

/** The check `isBase64Text` replaces, as the oracle. */
const REGEX = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strings mostly from the base64 alphabet, padding and near misses (URL-safe, CR, LF, non-ASCII). */
const base64ish = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') },
    { weight: 2, arbitrary: fc.constantFrom('=', '-', '_', '\r', '\n', ' ', '\u0000', '\u00c1', '\u0141', '\u{1F600}', ':', '@', '[', '`', '{') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 24,
});

describe('isBase64Text', () => {
  test.prop([base64ish], { numRuns: 3000 })('accepts exactly what /^[A-Za-z0-9+/]*={0,2}$/ accepts', (text) => {
    expect(isBase64Text(text)).toBe(REGEX.test(text));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 16 })], { numRuns: 1000 })('agrees with the regex on arbitrary text', (text) => {
    expect(isBase64Text(text)).toBe(REGEX.test(text));
  });

  it.each([
    ['', true], ['=', true], ['==', true], ['===', false], ['A===', false], ['AB==', true], ['ABC=', true], ['A=B=', false],
    ['=A', false], ['AB\n', false], ['AB=\n', false], ['a-_b', false], ['YW Jj', false], ['\u0141A', false], ['\u0100', false],
  ])('%j → %s', (text, expected) => {
    expect(isBase64Text(text)).toBe(expected);
    expect(REGEX.test(text)).toBe(expected);
  });
});

describe('decodeBase64', () => {
  const sizeOf = (text: string): number => (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

  test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 500 })('decodes what Buffer encodes, into a fresh plain Uint8Array', (bytes) => {
    const text = Buffer.from(bytes).toString('base64');
    const decoded = decodeBase64(text, sizeOf(text));
    if (decoded === null) throw new Error('refused');
    expect(decoded).toEqual(new Uint8Array(bytes));
    expect(Object.getPrototypeOf(decoded)).toBe(Uint8Array.prototype);
    expect(decoded.byteOffset).toBe(0);
    expect(decoded.buffer.byteLength).toBe(bytes.length);
  });

  test.prop([base64ish.filter((text) => text.length % 4 === 0)], { numRuns: 3000 })('refuses exactly what the regex refuses (texts of a length that is a multiple of 4)', (text) => {
    const decoded = decodeBase64(text, sizeOf(text));
    expect(decoded !== null).toBe(REGEX.test(text));
    if (decoded !== null) expect(decoded).toEqual(new Uint8Array(Buffer.from(text, 'base64')));
  });

  it.each(['AB=A', '====', 'A===', 'a-_b', 'YW\nJ', 'QR==', 'QUJ=', 'QUJD'])('%j: refused iff the regex refuses it', (text) => {
    const decoded = decodeBase64(text, sizeOf(text));
    expect(decoded !== null).toBe(REGEX.test(text));
  });

  test.prop([fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 })], { numRuns: 500 })(
    'gives the bytes Buffer.from gives for any valid text, non-canonical padding bits included',
    (chars, padding) => {
      const body = chars.join('');
      const unpadded = body.slice(0, body.length - (body.length % 4));
      const text = padding === 0 || unpadded.length < 4 ? unpadded : unpadded.slice(0, -padding) + '='.repeat(padding);
      expect(isBase64Text(text)).toBe(true);
      expect(decodeBase64(text, sizeOf(text))).toEqual(new Uint8Array(Buffer.from(text, 'base64')));
    },
  );
});
