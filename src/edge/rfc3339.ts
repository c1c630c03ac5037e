/** Strict RFC 3339 times (`--at`, PolicyTest `at`). */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The instant `value` names, or undefined when it is not an RFC 3339 date-time with a zone.
 * `Date.parse` alone accepts far more and silently rolls 2026-02-30 into March; a leap second
 * (`:60`) is read as `:59`.
 */
export function parseRfc3339(value: string): Date | undefined {
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(value.replace(/:60(?=[.Zz+-])/, ':59'));
  const valid = !Number.isNaN(date.getTime()) && mo >= 1 && mo <= 12 && d >= 1
    && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && h <= 23 && mi <= 59 && s <= 60;
  return valid ? date : undefined;
}
