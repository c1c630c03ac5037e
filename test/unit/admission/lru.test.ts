import { describe, expect, it } from 'vitest';
import { createLru } from '../../../src/admission/lru.js';

describe('createLru', () => {
  it('drops the least recently used entry beyond max', () => {
    const lru = createLru<number>({ max: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('expires entries after their time to live, per entry when given', () => {
    let now = 1000;
    const lru = createLru<string>({ max: 10, ttlMs: 100, now: () => now });
    lru.set('a', 'x');
    lru.set('b', 'y', 10);
    now += 50;
    expect(lru.get('a')).toBe('x');
    expect(lru.get('b')).toBeUndefined();
    now += 50;
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('refuses a bad bound or a TTL without a clock', () => {
    expect(() => createLru({ max: 0 })).toThrow(RangeError);
    expect(() => createLru({ max: 1, ttlMs: 5 })).toThrow(RangeError);
  });
});
