/**
 * Retry timing for the Image API: exponential backoff with full jitter, bounded, and never sooner
 * than the server's `Retry-After`. Pure: the random source is passed in.
 */

export interface BackoffPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  /** Delay scale of the first retry, in milliseconds. */
  readonly baseMs: number;
  /** Largest delay from the exponential part. */
  readonly capMs: number;
  /** Largest `Retry-After` honoured, in milliseconds. */
  readonly maxRetryAfterMs: number;
}

/** 6 attempts: waits of up to 0.25 s, 0.5 s, 1 s, 2 s, 4 s (plus any Retry-After). */
export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 6, baseMs: 250, capMs: 8_000, maxRetryAfterMs: 60_000 };

/** HTTP statuses worth retrying: rate limiting and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * The wait before retry number `retry` (1 for the first retry): a uniform draw in
 * [0, min(cap, base·2^(retry-1))], raised to `Retry-After` when the server sent one.
 */
export function retryDelay(retry: number, policy: BackoffPolicy, retryAfterSeconds: number | undefined, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const jitter = Math.floor(random() * ceiling);
  const floor = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0
    ? Math.min(policy.maxRetryAfterMs, retryAfterSeconds * 1000)
    : 0;
  return floor + jitter;
}

/** `Retry-After` as seconds (the delta form; an HTTP date is ignored). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
