/**
 * Image lookups for Pods (`GET /apis/image.openshift.io/v1/images/{digest}`, through the audit's
 * Image API client), cached for a short time (found: 30 s, not found: 5 s) in a bounded LRU, with
 * concurrent lookups of one digest sharing one request. Failures (network, 401/403, 5xx after the
 * client's retries, timeouts) are never cached: they reject, and the image is Indeterminate.
 */
import { createLru } from '../../admission/lru.js';
import type { ResolveImage } from '../../admission/controller.js';
import type { ImageLookupResult } from './metrics.js';

/** Gets one Image by name: null when there is none; rejects when the API cannot say. */
export type GetImage = (name: string) => Promise<object | null>;

export interface ImageResolverOptions {
  readonly ttlMs?: number;
  readonly notFoundTtlMs?: number;
  readonly max?: number;
  readonly now?: () => number;
  readonly onLookup?: (result: ImageLookupResult) => void;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export function createImageResolver(getImage: GetImage, options: ImageResolverOptions = {}): ResolveImage {
  const now = options.now ?? Date.now;
  const cache = createLru<{ readonly image: object | null }>({ max: options.max ?? 1000, ttlMs: options.ttlMs ?? 30_000, now });
  const pending = new Map<string, Promise<object | null>>();
  const lookup = async (digest: string): Promise<object | null> => {
    let image: object | null;
    try {
      image = await getImage(digest);
    } catch (error) {
      options.onLookup?.('error');
      throw error;
    }
    options.onLookup?.(image === null ? 'notfound' : 'miss');
    cache.set(digest, { image }, image === null ? (options.notFoundTtlMs ?? 5000) : undefined);
    return image;
  };
  return (digest) => {
    // Not a digest the Image API could hold: there is no such Image.
    if (!DIGEST.test(digest)) return Promise.resolve(null);
    const hit = cache.get(digest);
    if (hit !== undefined) {
      options.onLookup?.('hit');
      return Promise.resolve(hit.image);
    }
    let running = pending.get(digest);
    if (running === undefined) {
      running = lookup(digest).finally(() => pending.delete(digest));
      pending.set(digest, running);
    }
    return running;
  };
}
