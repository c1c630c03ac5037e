import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { digestProblem, isValidDigest } from '../../src/digest.js';

/** The general rule without the sha256 fast path (the code before it, with own-member lookup), as the oracle. */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
function oracle(value: string): string | null {
  const colon = value.indexOf(':');
  if (colon <= 0) return 'invalid checksum digest format';
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm)) return 'invalid checksum digest format';
  const length = Object.hasOwn(HEX_LENGTH, algorithm) ? HEX_LENGTH[algorithm] : undefined;
  if (length === undefined) return 'unsupported digest algorithm';
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest length';
  return null;
}

const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:/ '), minLength: 60, maxLength: 68 });
const digestish = fc.oneof(
  hexish.map((hex) => `sha256:${hex}`),
  fc.tuple(fc.constantFrom('sha256', 'sha384', 'sha512', 'SHA256', 'sha256+x', 'md5', '', 'constructor', 'tostring'), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 130 }))
    .map(([algorithm, hex]) => `${algorithm}:${hex}`),
  fc.string({ maxLength: 80 }),
);

describe('digestProblem', () => {
  test.prop([digestish], { numRuns: 3000 })('gives the general rule’s answer for every string', (value) => {
    expect(digestProblem(value)).toBe(oracle(value));
  });

  it.each([
    [`sha256:${'a'.repeat(64)}`, null],
    [`sha256:${'A'.repeat(64)}`, 'invalid checksum digest length'],
    [`sha256:${'a'.repeat(63)}g`, 'invalid checksum digest length'],
    [`sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`sha384:${'0'.repeat(96)}`, null],
    [`sha512:${'f'.repeat(128)}`, null],
    [`sha256 ${'a'.repeat(64)}`, 'invalid checksum digest format'],
    [`md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`constructor:${'a'.repeat(64)}`, 'unsupported digest algorithm'],
    ['tostring:', 'unsupported digest algorithm'],
  ])('%s → %s', (value, problem) => {
    expect(digestProblem(value)).toBe(problem);
    expect(oracle(value)).toBe(problem);
    expect(isValidDigest(value)).toBe(problem === null);
  });
});
