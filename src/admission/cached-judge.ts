/**
 * The decision cache in front of a judge: bounded (LRU), entries expire after a short time (time
 * moves: keys and signatures expire, policies may read `now`), concurrent judgements of the same
 * key share one computation, and only judgements made under the current trust and policy revisions
 * are stored. A judgement that outlives its review's deadline still lands here: the retry is warm.
 */
import { decisionKey } from './decision-key.js';
import type { ImageJudge, ImageJudgement, JudgeContext } from './judge.js';
import { createLru } from './lru.js';

export interface DecisionCacheOptions {
  /** Most decisions kept; default 10,000. */
  readonly max?: number;
  /** Milliseconds a decision is reused; default 30,000. */
  readonly ttlMs?: number;
}

export interface CachedJudgement {
  readonly judgement: ImageJudgement | Promise<ImageJudgement>;
  readonly cache: 'hit' | 'miss' | 'none';
}

export interface CachedJudge {
  /** A hit comes back synchronously; a miss as a promise, which rejects only if the judge does. */
  judge(untrustedImage: unknown, context: JudgeContext): CachedJudgement;
}

/** `keyRequest`: some policy reads `request`, so the admission context is part of each key. */
export function createCachedJudge(
  judge: ImageJudge,
  revisions: { readonly trust: string; readonly policy: string; readonly keyRequest: boolean },
  options: false | DecisionCacheOptions,
  now: () => number,
  onLookup?: (hit: boolean) => void,
): CachedJudge {
  if (options === false) {
    return { judge: (image, context) => ({ judgement: Promise.resolve().then(() => judge(image, context)), cache: 'none' }) };
  }
  const cache = createLru<ImageJudgement>({ max: options.max ?? 10_000, ttlMs: options.ttlMs ?? 30_000, now });
  const pending = new Map<string, Promise<ImageJudgement>>();
  return {
    judge(image, context) {
      const key = decisionKey(image, context, revisions, revisions.keyRequest);
      if (key === null) return { judgement: Promise.resolve().then(() => judge(image, context)), cache: 'none' };
      const hit = cache.get(key);
      onLookup?.(hit !== undefined);
      if (hit !== undefined) return { judgement: hit, cache: 'hit' };
      const running = pending.get(key);
      if (running !== undefined) return { judgement: running, cache: 'miss' };
      const work = Promise.resolve().then(() => judge(image, context));
      pending.set(key, work);
      work.then(
        (judgement) => {
          pending.delete(key);
          // A judge on another thread may still hold the previous revision: never store that.
          if (judgement.trustRevision === revisions.trust && judgement.policyRevision === revisions.policy) cache.set(key, judgement);
        },
        () => pending.delete(key),
      );
      return { judgement: work, cache: 'miss' };
    },
  };
}
