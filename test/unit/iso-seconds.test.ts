import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isoSeconds } from '../../src/iso-seconds.js';

/** What `isoSeconds` replaces, as the oracle. */
const oracle = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('isoSeconds', () => {
  test.prop([fc.integer({ min: 0, max: 253_402_300_799 })], { numRuns: 3000 })('formats any whole second of years 1970-9999 as Date does', (seconds) => {
    expect(isoSeconds(seconds)).toBe(oracle(seconds));
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 32 - 1 })], { numRuns: 2000 })('formats every OpenPGP creation time as Date does', (seconds) => {
    expect(isoSeconds(seconds)).toBe(oracle(seconds));
  });

  test.prop([fc.double({ min: -8.64e12, max: 8.64e12, noNaN: true })], { numRuns: 1000 })('falls back to Date for fractions, negatives and far years', (seconds) => {
    expect(isoSeconds(seconds)).toBe(oracle(seconds));
  });

  it.each([
    [0, '1970-01-01T00:00:00Z'], [-0, '1970-01-01T00:00:00Z'], [951_782_400, '2000-02-29T00:00:00Z'], [1_748_736_000, '2025-06-01T00:00:00Z'],
    [4_107_542_399, '2100-02-28T23:59:59Z'], [4_107_542_400, '2100-03-01T00:00:00Z'], [253_402_300_799, '9999-12-31T23:59:59Z'],
    [253_402_300_800, '+010000-01-01T00:00:00Z'], [-1, '1969-12-31T23:59:59Z'], [1.5, '1970-01-01T00:00:01.500Z'],
  ])('%d → %s', (seconds, text) => {
    expect(isoSeconds(seconds)).toBe(text);
    expect(oracle(seconds)).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity, 8.64e12 + 1])('throws RangeError for %d, as toISOString does', (seconds) => {
    expect(() => isoSeconds(seconds)).toThrow(RangeError);
    expect(() => oracle(seconds)).toThrow(RangeError);
  });
});
