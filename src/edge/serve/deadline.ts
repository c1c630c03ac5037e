/**
 * The review deadline. The API server appends `?timeout=10s` (a Go duration: the webhook's
 * `timeoutSeconds`) to every call and gives up after it; an answer must leave before that, so the
 * budget is the timeout minus a safety margin of a tenth, between 50 ms and 1 s.
 */

/** Used when the query has no usable `timeout` (the Kubernetes default webhook timeout). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The API server allows at most 30 s; a larger value is clamped. */
export const MAX_TIMEOUT_MS = 30_000;

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g;

/** Milliseconds of a Go duration such as `10s`, `1m30s` or `500ms`; null when it is not one. Never throws. */
export function parseGoDuration(text: string): number | null {
  if (text.length > 64 || !DURATION.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? NaN);
  return Number.isFinite(total) ? total : null;
}

/** How long a review may take: the `timeout` query value (default 10 s, at most 30 s) minus the margin. May be ≤ 0. */
export function reviewBudgetMs(timeoutParameter: string | null): number {
  const parsed = timeoutParameter === null ? null : parseGoDuration(timeoutParameter);
  const timeout = Math.min(parsed ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const margin = Math.min(1000, Math.max(50, timeout / 10));
  return timeout - margin;
}
