/**
 * Docker references as docker/distribution's `reference` package (the copy vendored by
 * containers/image) parses and normalizes them: `ParseNormalizedNamed` and `ParseNamed`.
 * See formats.md 3.9. Pure functions; nothing here throws.
 */
import { digestProblem } from '../digest.js';

/** A parsed, normalized reference. `canonical` is `name[:tag][@digest]`. */
export interface DockerReference {
  /** Registry host with optional port (`docker.io` for short names); may contain upper case. */
  readonly domain: string;
  /** Repository path below the domain, lower case (`library/busybox`). */
  readonly path: string;
  /** `domain/path` (only `path` in the rare case upstream captures no domain). */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly canonical: string;
}

/** Why a string is not a valid docker reference: one line, upstream wording. */
export interface ReferenceProblem {
  readonly problem: string;
}

// --- Grammar, built like docker/reference/regexp.go from the same atoms. ---------------------

const optional = (...parts: string[]): string => `(?:${parts.join('')})?`;
const anyTimes = (...parts: string[]): string => `(?:${parts.join('')})*`;
const capture = (...parts: string[]): string => `(${parts.join('')})`;
const anchored = (...parts: string[]): RegExp => new RegExp(`^${parts.join('')}$`);

const alphaNumeric = '[a-z0-9]+';
// Upstream writes `[-]*`; `-+` accepts the same language (an empty separator adds nothing between
// two alphanumeric runs) without the nested-quantifier ambiguity that makes backtracking explode.
const separator = '(?:[._]|__|-+)';
const nameComponent = alphaNumeric + anyTimes(separator, alphaNumeric);
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = domainComponent + anyTimes('\\.', domainComponent) + optional(':', '[0-9]+');
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const path = nameComponent + anyTimes('/', nameComponent);
const name = optional(domain, '/') + path;

/**
 * `^(name)(?::(tag))?(?:@(digest))?$`, as upstream `ReferenceRegexp`, with the name also split into
 * `(domain)` and `(path)`. Upstream splits a matched name again with `anchoredNameRegexp`
 * (`^(?:(domain)/)?(path)$`); the split inside the one match is the same: the optional domain is
 * tried first in both, and a domain choice that completes the name there completes the whole
 * reference here (tag and digest follow the name unchanged).
 */
const REFERENCE = anchored(capture(optional(capture(domain), '/'), capture(path)), optional(':', capture(tag)), optional('@', capture(digest)));
/** A bare image ID, refused as a name. */
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** Exactly a `host[:port]`, as `^` + `reference.DomainRegexp` + `$`. */
export const ANCHORED_DOMAIN = anchored(domain);
/** Exactly a name (possibly not normalized), as `^` + `reference.NameRegexp` + `$`. */
export const ANCHORED_NAME_PATTERN = anchored(name);
/** A string that starts with `host[:port]/`. */
export const DOMAIN_PREFIX = new RegExp(`^${domain}/`);

const NAME_TOTAL_LENGTH_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_NAME = 'library';

function problem(text: string): ReferenceProblem {
  return Object.freeze({ problem: text });
}

/** True for the failure half of `parseReference`'s result. Never throws. */
export function isReferenceProblem(value: DockerReference | ReferenceProblem): value is ReferenceProblem {
  return 'problem' in value;
}

/** True when the reference has neither a tag nor a digest. Never throws. */
export function isNameOnly(ref: DockerReference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/** Upstream `splitDockerDomain`: pick the registry host, defaulting to docker.io (+ `library/`). */
function splitDockerDomain(input: string): [string, string] {
  const slash = input.indexOf('/');
  let host: string;
  let remainder: string;
  const first = slash === -1 ? '' : input.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost')) {
    host = DEFAULT_DOMAIN;
    remainder = input;
  } else {
    host = first;
    remainder = input.slice(slash + 1);
  }
  if (host === LEGACY_DEFAULT_DOMAIN) host = DEFAULT_DOMAIN;
  if (host === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `${OFFICIAL_REPO_NAME}/${remainder}`;
  return [host, remainder];
}

function build(domainPart: string, pathPart: string, tagPart?: string, digestPart?: string): DockerReference {
  const fullName = domainPart === '' ? pathPart : `${domainPart}/${pathPart}`;
  const canonical = fullName + (tagPart === undefined ? '' : `:${tagPart}`) + (digestPart === undefined ? '' : `@${digestPart}`);
  const ref: { -readonly [K in keyof DockerReference]?: DockerReference[K] } = { domain: domainPart, path: pathPart, name: fullName };
  if (tagPart !== undefined) ref.tag = tagPart;
  if (digestPart !== undefined) ref.digest = digestPart;
  ref.canonical = canonical;
  return Object.freeze(ref as DockerReference);
}

/** Upstream `reference.Parse`, on an already domain-qualified string. */
function parseQualified(s: string): DockerReference | ReferenceProblem {
  const match = REFERENCE.exec(s);
  if (match === null) {
    if (s === '') return problem('repository name must have at least one component');
    if (REFERENCE.test(s.toLowerCase())) return problem('repository name must be lowercase');
    return problem('invalid reference format');
  }
  const [, fullName = '', domainPart = '', pathPart = '', tagPart, digestPart] = match;
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    return problem(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (digestPart !== undefined) {
    const bad = digestProblem(digestPart);
    if (bad !== null) return problem(bad);
  }
  return build(domainPart, pathPart, tagPart, digestPart);
}

/**
 * Parses and normalizes `input` exactly like `reference.ParseNormalizedNamed`
 * (`busybox` → `docker.io/library/busybox`); adds no default tag. Never throws.
 */
export function parseReference(input: string): DockerReference | ReferenceProblem {
  if (typeof input !== 'string') return problem('reference must be a string');
  if (IDENTIFIER.test(input)) return problem('cannot specify 64-byte hexadecimal strings');
  const [host, remainder] = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep === -1 ? remainder : remainder.slice(0, tagSep);
  if (remoteName.toLowerCase() !== remoteName) return problem('repository name must be lowercase');
  return parseQualified(`${host}/${remainder}`);
}

/**
 * Like `parseReference`, but fails unless `input` is already in normalized form, as
 * `reference.ParseNamed` ("repository name must be canonical"). Never throws.
 */
export function parseCanonicalReference(input: string): DockerReference | ReferenceProblem {
  const ref = parseReference(input);
  if (isReferenceProblem(ref)) return ref;
  return ref.canonical === input ? ref : problem('repository name must be canonical');
}

/** Adds the `latest` tag to a name-only reference (upstream `TagNameOnly`); others unchanged. Never throws. */
export function tagNameOnly(ref: DockerReference): DockerReference {
  return isNameOnly(ref) ? build(ref.domain, ref.path, 'latest') : ref;
}
