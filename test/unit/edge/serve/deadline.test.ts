import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, parseGoDuration, reviewBudgetMs } from '../../../../src/edge/serve/deadline.js';

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2h', 7_200_000],
    ['250us', 0.25],
  ])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms);
  });

  it.each(['', '10', 's', '-1s', '1d', '10 s', 'NaNs', '1e3s'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe('reviewBudgetMs', () => {
  it('is the timeout minus a tenth, the margin between 50 ms and 1 s', () => {
    expect(reviewBudgetMs('10s')).toBe(9000);
    expect(reviewBudgetMs('30s')).toBe(29_000);
    expect(reviewBudgetMs('1s')).toBe(900);
    expect(reviewBudgetMs('100ms')).toBe(50);
  });

  it('defaults to 10 s, clamps to 30 s, and may leave nothing', () => {
    expect(reviewBudgetMs(null)).toBe(DEFAULT_TIMEOUT_MS - 1000);
    expect(reviewBudgetMs('garbage')).toBe(DEFAULT_TIMEOUT_MS - 1000);
    expect(reviewBudgetMs('1h')).toBe(29_000);
    expect(reviewBudgetMs('1ms')).toBeLessThanOrEqual(0);
  });
});
