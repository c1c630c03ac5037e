/**
 * Handlers of the functions policies get beyond the CEL standard library. Pure; each throws an
 * Error (a CEL runtime error) for an argument it cannot use, never for a mere mismatch.
 */
import { ConfigError } from '../codes.js';
import { matchIdentity, parseIdentityRule, type IdentityRule } from '../identity/rules.js';

const RULE_CACHE_SIZE = 256;
const ruleCache = new Map<string, IdentityRule | string>();

/** The rule of `identityMatches` (a rule name, or a map as in policy.json), or why it is invalid. */
export function identityRuleOf(rule: unknown): IdentityRule | string {
  const plain: unknown = rule instanceof Map ? Object.fromEntries(rule as Map<unknown, unknown>) : rule;
  const key = typeof plain === 'string' ? plain : JSON.stringify(plain);
  const hit = ruleCache.get(key);
  if (hit !== undefined) return hit;
  let parsed: IdentityRule | string;
  try {
    parsed = parseIdentityRule(typeof plain === 'object' && plain !== null ? { ...plain } : plain);
  } catch (error) {
    parsed = error instanceof ConfigError ? error.message : 'invalid identity rule';
  }
  if (ruleCache.size >= RULE_CACHE_SIZE) ruleCache.delete(ruleCache.keys().next().value ?? '');
  ruleCache.set(key, parsed);
  return parsed;
}

/**
 * `identityMatches(signed, expected, rule)`: whether the signed docker reference satisfies the
 * containers-policy.json `signedIdentity` rule for an image whose identity is `expected`. An
 * unparseable reference is a mismatch; an invalid rule is an error.
 */
export function identityMatches(signed: string, expected: string, rule: unknown): boolean {
  const parsed = identityRuleOf(rule);
  if (typeof parsed === 'string') throw new Error(`identityMatches: ${parsed}`);
  return matchIdentity(parsed, expected, signed).match;
}

/** `s.replace(old, new[, n])` of the CEL strings extension: the first `n` (all when n < 0) occurrences. */
export function replace(text: string, from: string, to: string, limitArg = -1n): string {
  let limit = limitArg;
  if (limit < 0n) {
    if (from !== '') return text.split(from).join(to);
    limit = BigInt(text.length + 1);
  }
  let out = '';
  let rest = text;
  for (let n = 0n; n < limit; n++) {
    const at = rest.indexOf(from);
    if (at === -1) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    if (from === '') {
      // Replacing the empty string inserts before each character, as Go's strings.Replace does.
      if (rest === '') return out;
      out += rest.slice(0, 1);
      rest = rest.slice(1);
    }
  }
  return out + rest;
}

/** `lowerAscii()` of the CEL strings extension: only A-Z change. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** `upperAscii()` of the CEL strings extension: only a-z change. */
export function upperAscii(text: string): string {
  return text.replace(/[a-z]+/g, (run) => run.toUpperCase());
}

/** `string(timestamp)`: RFC 3339 in UTC, fractional seconds only when present (as cel-go). */
export function timestampToString(value: Date): string {
  const iso = value.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Whether `value` is a CEL scalar `distinct()` can compare. */
function isScalar(value: unknown): value is string | bigint | number | boolean | null {
  return value === null || ['string', 'bigint', 'number', 'boolean'].includes(typeof value);
}

/** `list.distinct()` of the CEL lists extension, for lists of scalars (1 and 1.0 are equal). */
export function distinct(list: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const item of list) {
    if (!isScalar(item)) throw new Error('distinct() takes a list of strings, numbers, booleans or nulls');
    // 1 and 1.0 are equal in CEL: compare numbers by value.
    const key = typeof item === 'bigint' || typeof item === 'number' ? `n:${Number(item)}` : item;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

const MAX_INT = 2n ** 63n - 1n;

/** `int(uint)`: an error above the largest int. */
export function intOfUint(value: { valueOf(): bigint }): bigint {
  const v = value.valueOf();
  if (v > MAX_INT) throw new Error('int() range error: the uint is larger than the largest int');
  return v;
}
