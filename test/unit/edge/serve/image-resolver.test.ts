import { describe, expect, it } from 'vitest';
import { createImageResolver } from '../../../../src/edge/serve/image-resolver.js';
import type { ImageLookupResult } from '../../../../src/edge/serve/metrics.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

describe('createImageResolver', () => {
  it('caches found Images for the TTL and not-found answers for a shorter one', async () => {
    let now = 0;
    const calls: string[] = [];
    const results: ImageLookupResult[] = [];
    const resolve = createImageResolver((name) => {
      calls.push(name);
      return Promise.resolve(name === DIGEST ? { metadata: { name } } : null);
    }, { now: () => now, ttlMs: 1000, notFoundTtlMs: 100, onLookup: (r) => results.push(r) });
    expect(await resolve(DIGEST)).toEqual({ metadata: { name: DIGEST } });
    expect(await resolve(OTHER)).toBeNull();
    now = 500;
    await resolve(DIGEST);
    await resolve(OTHER);
    expect(calls).toEqual([DIGEST, OTHER, OTHER]);
    now = 1600;
    await resolve(DIGEST);
    expect(calls).toEqual([DIGEST, OTHER, OTHER, DIGEST]);
    expect(results).toEqual(['miss', 'notfound', 'hit', 'notfound', 'miss']);
  });

  it('never caches failures, and shares one lookup between concurrent callers', async () => {
    let calls = 0;
    let fail = true;
    const resolve = createImageResolver(() => {
      calls += 1;
      return fail ? Promise.reject(new Error('API down')) : Promise.resolve({});
    }, { now: () => 0 });
    await expect(Promise.all([resolve(DIGEST), resolve(DIGEST)])).rejects.toThrow('API down');
    expect(calls).toBe(1);
    fail = false;
    expect(await resolve(DIGEST)).toEqual({});
    expect(calls).toBe(2);
  });

  it('answers "no such Image" for something that is not a digest, without asking', async () => {
    let calls = 0;
    const resolve = createImageResolver(() => ((calls += 1), Promise.resolve({})), { now: () => 0 });
    expect(await resolve('sha256:short')).toBeNull();
    expect(await resolve('../../secrets')).toBeNull();
    expect(calls).toBe(0);
  });
});
