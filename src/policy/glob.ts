/**
 * Globs over strings and over normalized docker references (`spec.images`, `globMatch`): `*`
 * matches any run of characters other than `/`, `**` any run including `/`; every other character
 * matches itself. Matching runs on RE2, so it is linear in the input.
 */
import { isReferenceProblem, parseReference, type DockerReference } from '../identity/reference.js';
import { compileRegex, type CompiledRegex } from './regex.js';

const MAX_GLOB_LENGTH = 512;
const GLOB_CHARS = /^[A-Za-z0-9._\-/:@*+]+$/;

/** Null when `pattern` is a usable glob, else why not. Never throws. */
export function globProblem(pattern: string): string | null {
  if (pattern === '') return 'a glob must not be empty';
  if (pattern.length > MAX_GLOB_LENGTH) return `a glob must not be longer than ${MAX_GLOB_LENGTH} characters`;
  if (pattern.includes('***')) return 'a glob must not contain "***" (use "**")';
  return null;
}

function toRegex(pattern: string): CompiledRegex {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') {
      source += '[^/]*';
    } else {
      source += /[A-Za-z0-9]/.test(c) ? c : `\\x{${c.codePointAt(0)?.toString(16) ?? '0'}}`;
    }
  }
  // (?s): `.` also matches a newline, so `**` really is "anything".
  return compileRegex(`(?s)${source}`);
}

/** A compiled glob: a plain string, a `prefix/**` prefix, or an RE2 program. */
type Matcher = { readonly kind: 'exact' | 'prefix'; readonly text: string } | { readonly kind: 'regex'; readonly regex: CompiledRegex };

const MATCHER_CACHE_SIZE = 1024;
const matchers = new Map<string, Matcher | string>();

function matcherOf(pattern: string): Matcher | string {
  const hit = matchers.get(pattern);
  if (hit !== undefined) return hit;
  let matcher: Matcher | string;
  const problem = globProblem(pattern);
  if (problem !== null) matcher = problem;
  else if (!pattern.includes('*')) matcher = { kind: 'exact', text: pattern };
  // The common `registry/**` form: everything below a prefix, checked without a regex.
  else if (pattern.endsWith('/**') && !pattern.slice(0, -3).includes('*')) matcher = { kind: 'prefix', text: pattern.slice(0, -2) };
  else matcher = { kind: 'regex', regex: toRegex(pattern) };
  if (matchers.size >= MATCHER_CACHE_SIZE) matchers.delete(matchers.keys().next().value ?? '');
  matchers.set(pattern, matcher);
  return matcher;
}

/**
 * Whether `text` as a whole matches the glob `pattern`. Throws an Error for an invalid glob (a CEL
 * runtime error when called from `globMatch`).
 */
export function globMatch(text: string, pattern: string): boolean {
  const matcher = matcherOf(pattern);
  if (typeof matcher === 'string') throw new Error(matcher);
  switch (matcher.kind) {
    case 'exact':
      return text === matcher.text;
    case 'prefix':
      return text.startsWith(matcher.text);
    case 'regex':
      if (!matcher.regex.ok) throw new Error(matcher.regex.error);
      return matcher.regex.regex.testExact(text);
  }
}

/**
 * Null when `pattern` is a usable `spec.images` glob, else why not: the glob syntax, the characters
 * of a reference, and a first segment that names a registry (patterns match NORMALIZED references,
 * so `busybox` must be written `docker.io/library/busybox`).
 */
export function imageGlobProblem(pattern: string): string | null {
  const problem = globProblem(pattern);
  if (problem !== null) return problem;
  if (!GLOB_CHARS.test(pattern)) return 'an image glob may contain only reference characters, "*" and "**"';
  const first = pattern.split('/', 1)[0] ?? '';
  if (pattern.includes('/') && !first.includes('*') && !/[.:]/.test(first) && first !== 'localhost') {
    return `an image glob must start with a registry host: globs match normalized references (e.g. docker.io/library/${first})`;
  }
  return null;
}

/** A parsed reference's forms a glob may match. */
export interface ReferenceForms {
  /** `registry/repository` without tag or digest. */
  readonly name: string;
  /** `name[:tag][@digest]`, then `name:tag` and `name@digest` when both are present. */
  readonly full: readonly string[];
}

/** The forms of `reference` (normalized), or null when it is not a valid docker reference. Never throws. */
export function referenceForms(reference: string): ReferenceForms | null {
  const ref = parseReference(reference);
  return isReferenceProblem(ref) ? null : formsOf(ref);
}

/** The forms of a parsed reference. */
export function formsOf(ref: DockerReference): ReferenceForms {
  const full = [ref.canonical];
  if (ref.tag !== undefined && ref.digest !== undefined) full.push(`${ref.name}:${ref.tag}`, `${ref.name}@${ref.digest}`);
  return { name: ref.name, full };
}

/** Whether the last path segment of `pattern` carries a tag (`:`) or a digest (`@`). */
function namesTagOrDigest(pattern: string): boolean {
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  return pattern.includes('@') || (pattern.includes('/') && last.includes(':'));
}

/**
 * `spec.images` matching: a glob with a tag or digest matches the full normalized reference
 * (`name:tag`, `name@digest`, or both); a glob without one matches the repository name, so
 * `registry.redhat.io/ubi9/ubi` covers every tag and digest of that repository and
 * `registry.redhat.io/**` everything below the registry. Never throws (an invalid glob never matches).
 */
export function imageGlobMatches(forms: ReferenceForms, pattern: string): boolean {
  try {
    if (namesTagOrDigest(pattern)) return forms.full.some((form) => globMatch(form, pattern));
    return globMatch(forms.name, pattern) || forms.full.some((form) => globMatch(form, pattern));
  } catch {
    return false;
  }
}
