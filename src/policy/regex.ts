/**
 * The only module that imports `re2js`: RE2 regular expressions, which match in time linear in the
 * input (no backtracking), as CEL's `matches()` requires. Compiled patterns are cached (bounded).
 */
import { RE2JS } from 're2js';

/** A compiled RE2 pattern, or why the pattern is not valid RE2 syntax. */
export type CompiledRegex = { readonly ok: true; readonly regex: RE2JS } | { readonly ok: false; readonly error: string };

const MAX_PATTERN_LENGTH = 4096;
const CACHE_SIZE = 512;
const cache = new Map<string, CompiledRegex>();

/** Compiles `pattern` as RE2 syntax, from the cache when it was seen. Never throws. */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let result: CompiledRegex;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    result = { ok: false, error: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` };
  } else {
    try {
      result = { ok: true, regex: RE2JS.compile(pattern) };
    } catch (error) {
      const text = error instanceof Error ? error.message : 'not a valid RE2 regular expression';
      result = { ok: false, error: `invalid regular expression: ${text}` };
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(pattern, result);
  return result;
}

/** Null when `pattern` is valid RE2 syntax, else why not. Never throws. */
export function regexProblem(pattern: string): string | null {
  const compiled = compileRegex(pattern);
  return compiled.ok ? null : compiled.error;
}

/**
 * CEL `matches`: whether `pattern` matches any substring of `text` (anchor with `^…$` for a full
 * match). Throws an Error naming the problem when the pattern is invalid: a CEL runtime error.
 */
export function regexFind(text: string, pattern: string): boolean {
  const compiled = compileRegex(pattern);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.regex.test(text);
}

/** Whether `pattern` matches the whole of `text`. Throws like `regexFind`. */
export function regexFullMatch(text: string, pattern: string): boolean {
  const compiled = compileRegex(pattern);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.regex.testExact(text);
}
