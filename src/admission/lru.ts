/**
 * A small bounded least-recently-used map over `Map` (insertion order is recency order), with an
 * optional time to live. The clock is passed in: the core never reads the time itself.
 */

export interface LruOptions {
  /** Most entries kept; the least recently used is dropped first. At least 1. */
  readonly max: number;
  /** Milliseconds an entry stays usable after it is set; default: forever. */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch, for `ttlMs`. Required when `ttlMs` is set. */
  readonly now?: () => number;
}

export interface Lru<V> {
  /** The value, or undefined when absent or expired (an expired entry is removed). */
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs?: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expires: number;
}

/** Throws RangeError for a non-positive `max` or a TTL without a clock (misuse, not input). */
export function createLru<V>(options: LruOptions): Lru<V> {
  const { max, ttlMs } = options;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('LRU max must be a positive integer');
  if (ttlMs !== undefined && options.now === undefined) throw new RangeError('an LRU with a TTL needs a clock');
  const now = options.now ?? ((): number => 0);
  const entries = new Map<string, Entry<V>>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expires <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, entryTtl = ttlMs) {
      entries.delete(key);
      entries.set(key, { value, expires: entryTtl === undefined ? Infinity : now() + entryTtl });
      while (entries.size > max) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
