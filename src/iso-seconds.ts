/**
 * Seconds since the epoch as RFC 3339 text in UTC, computed without a `Date` for the times
 * signatures carry: every verified signature reports its creation time and its timestamp.
 */

/** 10000-01-01T00:00:00Z: from here on `toISOString` writes a six-digit year. */
const YEAR_10000 = 253_402_300_800;

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const T = 0x54;
const Z = 0x5a;

/**
 * Exactly `new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')`
 * (e.g. `2026-01-01T00:00:00Z`, or `…T00:00:00.500Z` for a fraction).
 * @throws RangeError when that is not a valid Date (as `toISOString` does).
 */
export function isoSeconds(seconds: number): string {
  if (!(Number.isInteger(seconds) && seconds >= 0 && seconds < YEAR_10000)) {
    return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  }
  const days = Math.floor(seconds / 86_400);
  const rest = seconds - days * 86_400;
  // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  const second = rest % 60;
  // One flat string (a template literal leaves a tree of pieces, which the cache would keep).
  return String.fromCharCode(
    ZERO + Math.floor(year / 1000), ZERO + (Math.floor(year / 100) % 10), ZERO + (Math.floor(year / 10) % 10), ZERO + (year % 10), DASH,
    ZERO + Math.floor(month / 10), ZERO + (month % 10), DASH, ZERO + Math.floor(day / 10), ZERO + (day % 10), T,
    ZERO + Math.floor(hour / 10), ZERO + (hour % 10), COLON, ZERO + Math.floor(minute / 10), ZERO + (minute % 10), COLON,
    ZERO + Math.floor(second / 10), ZERO + (second % 10), Z,
  );
}
