import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, retryDelay } from '../../../src/audit/backoff.js';

describe('retry backoff', () => {
  it('retries 429 and 5xx only', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [200, 400, 401, 403, 404, 409, 410, 422, 501]) expect(isRetryableStatus(s)).toBe(false);
  });

  test.prop([fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined })])(
    'waits within [Retry-After, Retry-After + min(cap, base·2^(n-1))]',
    (retry, r, after) => {
      const delay = retryDelay(retry, DEFAULT_BACKOFF, after, () => r);
      const floor = after ? Math.min(DEFAULT_BACKOFF.maxRetryAfterMs, after * 1000) : 0;
      expect(delay).toBeGreaterThanOrEqual(floor);
      expect(delay).toBeLessThanOrEqual(floor + Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** (retry - 1)));
    },
  );

  it('reads Retry-After seconds, ignores dates and junk', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
