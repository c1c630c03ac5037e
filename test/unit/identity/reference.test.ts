import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DockerReference, ReferenceProblem } from '../../../src/identity/reference.js';
import {
  isNameOnly,
  isReferenceProblem,
  parseCanonicalReference,
  parseReference,
  tagNameOnly,
} from '../../../src/identity/reference.js';

const D64 = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const HEX64 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function ok(input: string): DockerReference {
  const r = parseReference(input);
  if (isReferenceProblem(r)) throw new Error(`${JSON.stringify(input)}: ${r.problem}`);
  return r;
}

function problemOf(r: DockerReference | ReferenceProblem): string {
  return isReferenceProblem(r) ? r.problem : `parsed as ${r.canonical}`;
}

type Parts = { domain: string; path: string; tag?: string; digest?: string };
// [input, canonical, parts]: formats.md 3.9 plus docker/reference behaviour.
const normalized: [string, string, Parts][] = [
  ['busybox', 'docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox' }],
  ['busybox:latest', 'docker.io/library/busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
  ['library/busybox', 'docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox' }],
  ['docker.io/busybox', 'docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox' }],
  ['index.docker.io/busybox', 'docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox' }],
  ['index.docker.io/library/busybox:1', 'docker.io/library/busybox:1', { domain: 'docker.io', path: 'library/busybox', tag: '1' }],
  ['testing/manifest', 'docker.io/testing/manifest', { domain: 'docker.io', path: 'testing/manifest' }],
  ['docker.io/foo.com/x', 'docker.io/foo.com/x', { domain: 'docker.io', path: 'foo.com/x' }],
  ['localhost/x', 'localhost/x', { domain: 'localhost', path: 'x' }],
  ['localhost:5000/x', 'localhost:5000/x', { domain: 'localhost:5000', path: 'x' }],
  ['localhost', 'docker.io/library/localhost', { domain: 'docker.io', path: 'library/localhost' }],
  ['localhost:5000', 'docker.io/library/localhost:5000', { domain: 'docker.io', path: 'library/localhost', tag: '5000' }],
  ['a.b', 'docker.io/library/a.b', { domain: 'docker.io', path: 'library/a.b' }],
  ['example.com:5000/ns/app:1', 'example.com:5000/ns/app:1', { domain: 'example.com:5000', path: 'ns/app', tag: '1' }],
  ['127.0.0.1:5000/x', '127.0.0.1:5000/x', { domain: '127.0.0.1:5000', path: 'x' }],
  ['Example.COM/app', 'Example.COM/app', { domain: 'Example.COM', path: 'app' }],
  ['busybox:LATEST', 'docker.io/library/busybox:LATEST', { domain: 'docker.io', path: 'library/busybox', tag: 'LATEST' }],
  ['registry.access.redhat.com/rhel7/rhel:7.2.3', 'registry.access.redhat.com/rhel7/rhel:7.2.3',
    { domain: 'registry.access.redhat.com', path: 'rhel7/rhel', tag: '7.2.3' }],
  ['a__b/c--d/e.f_g-h', 'docker.io/a__b/c--d/e.f_g-h', { domain: 'docker.io', path: 'a__b/c--d/e.f_g-h' }],
  [`busybox@${D64}`, `docker.io/library/busybox@${D64}`, { domain: 'docker.io', path: 'library/busybox', digest: D64 }],
  [`busybox:v1@${D64}`, `docker.io/library/busybox:v1@${D64}`, { domain: 'docker.io', path: 'library/busybox', tag: 'v1', digest: D64 }],
  [`${HEX64}:tag`, `docker.io/library/${HEX64}:tag`, { domain: 'docker.io', path: `library/${HEX64}`, tag: 'tag' }],
  // docker/reference quirk: a first component with "." that is no valid host (it has "_") but is a
  // valid path component becomes part of the path and the domain stays empty.
  ['my_registry.com/x', 'my_registry.com/x', { domain: '', path: 'my_registry.com/x' }],
];

describe('parseReference normalizes like docker/reference', () => {
  it.each(normalized)('%j -> %j', (input, canonical, parts) => {
    const r = ok(input);
    expect(r.canonical).toBe(canonical);
    expect({ domain: r.domain, path: r.path, tag: r.tag, digest: r.digest }).toEqual(
      { tag: undefined, digest: undefined, ...parts });
    expect(r.name).toBe(parts.domain === '' ? parts.path : `${parts.domain}/${parts.path}`);
    expect(isNameOnly(r)).toBe(parts.tag === undefined && parts.digest === undefined);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('adds no default tag, and keeps tag and digest together', () => {
    expect(ok('busybox').tag).toBeUndefined();
    expect(ok(`busybox:v1@${D64}`)).toMatchObject({ tag: 'v1', digest: D64 });
  });

  it('tagNameOnly adds latest only to name-only references', () => {
    expect(tagNameOnly(ok('busybox')).canonical).toBe('docker.io/library/busybox:latest');
    expect(tagNameOnly(ok('busybox:1')).canonical).toBe('docker.io/library/busybox:1');
    expect(tagNameOnly(ok(`busybox@${D64}`)).canonical).toBe(`docker.io/library/busybox@${D64}`);
  });

  it('accepts a name of exactly 255 characters and a 128-character tag', () => {
    const name = `example.com/${'a'.repeat(243)}`;
    expect(ok(`${name}:${'t'.repeat(128)}`).name).toHaveLength(255);
    expect(ok(`busybox@sha512:${'f'.repeat(128)}`).digest).toBe(`sha512:${'f'.repeat(128)}`);
  });
});

const refused: [string, string][] = [
  ['', 'invalid reference format'],
  ['Busybox', 'repository name must be lowercase'],
  ['example.com/Foo', 'repository name must be lowercase'],
  ['localhost:5000/Foo:tag', 'repository name must be lowercase'],
  ['UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES', 'repository name must be lowercase'],
  [HEX64, 'cannot specify 64-byte hexadecimal strings'],
  [`example.com/${'a'.repeat(244)}`, 'repository name must not be more than 255 characters'],
  [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
  ['a//b', 'invalid reference format'],
  ['a/', 'invalid reference format'],
  ['/a', 'invalid reference format'],
  ['a:', 'invalid reference format'],
  ['a@', 'invalid reference format'],
  ['a:b:c', 'invalid reference format'],
  ['-a', 'invalid reference format'],
  ['a-', 'invalid reference format'],
  ['a..b', 'invalid reference format'],
  ['a___b', 'invalid reference format'],
  ['busybox:-tag', 'invalid reference format'],
  ['example.com:/x', 'invalid reference format'],
  ['example.com:abc/x', 'invalid reference format'],
  ['-example.com/x', 'invalid reference format'],
  ['[::1]:5000/x', 'invalid reference format'],
  ['busybox\n', 'invalid reference format'],
  ['büsybox', 'invalid reference format'],
  ['busybox@sha256:0123', 'invalid reference format'],
  [`busybox@sha256:${'a'.repeat(32)}`, 'invalid checksum digest length'],
  [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
  [`busybox@sha256:${HEX64.toUpperCase()}`, 'invalid checksum digest length'],
  [`busybox@${D64}@${D64}`, 'invalid reference format'],
];

describe('parseReference refuses', () => {
  it.each(refused)('%j: %s', (input, message) => expect(problemOf(parseReference(input))).toBe(message));

  it('returns a problem, never throws, for a non-string', () => {
    expect(isReferenceProblem(parseReference(42 as unknown as string))).toBe(true);
  });
});

describe('parseCanonicalReference', () => {
  const canonical = ['docker.io/library/busybox:latest', 'Example.com/x', `docker.io/library/busybox:v1@${D64}`, 'localhost/x'];
  it.each(canonical)('accepts %j', (s) => expect(problemOf(parseCanonicalReference(s))).toBe(`parsed as ${s}`));
  const notCanonical: [string, string][] = [
    ['busybox:latest', 'repository name must be canonical'],
    ['library/busybox', 'repository name must be canonical'],
    ['index.docker.io/library/busybox', 'repository name must be canonical'],
    ['docker.io/busybox', 'repository name must be canonical'],
    ['UPPER/x', 'repository name must be lowercase'],
  ];
  it.each(notCanonical)('refuses %j: %s', (s, message) => expect(problemOf(parseCanonicalReference(s))).toBe(message));
});

describe('every reference string in the vectors', () => {
  const vectors = JSON.parse(readFileSync(
    new URL('../../fixtures/containers-image/reference-match-vectors.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const strings = new Set<string>();
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string' && /^(a|b|ref|imageRef|sigRef|expected)$/.test(key)) strings.add(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(vectors);
  it.each([...strings].map((s) => [JSON.stringify(s), s]))('%s parses idempotently or is refused', (_n, s) => {
    const r = parseReference(s);
    if (isReferenceProblem(r)) return;
    expect(ok(r.canonical).canonical).toBe(r.canonical);
    expect(isReferenceProblem(parseCanonicalReference(r.canonical))).toBe(false);
  });
});

describe('hostile input stays linear', () => {
  const n = 10_000;
  const hostile: [string, string][] = [
    ['alphanumeric run', `${'a'.repeat(n)}!`],
    ['dash separators', `${'a-'.repeat(n / 2)}!`],
    ['dot separators', `${'a.'.repeat(n / 2)}!`],
    ['slashes', `${'a/'.repeat(n / 2)}!`],
    ['underscores', `ex.com/${'a__'.repeat(n / 3)}_`],
    ['dashes in a host', `a${'-'.repeat(n)}/x`],
    ['host labels', `${'a-'.repeat(n / 2)}.com/x!`],
    ['colons', 'a:'.repeat(n / 2)],
    ['digest', `x@${'a.'.repeat(n / 2)}:${'f'.repeat(n)}g`],
    ['zeros', '0'.repeat(n)],
  ];
  // A catastrophic backtracking regex would hang here: the test's own timeout is the guard.
  it.each(hostile)('%s (10k characters) is refused', (_n, s) => {
    expect(isReferenceProblem(parseReference(s))).toBe(true);
  }, 10_000);
});

const refChar = fc.constantFrom(...'abz09AZ.-_:/@'.split(''));
const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/);
const structured = fc
  .tuple(
    fc.option(fc.constantFrom('docker.io', 'index.docker.io', 'localhost', 'localhost:5000', 'Ex.com', 'a.b:1', 'my_reg.io')),
    fc.array(component, { minLength: 1, maxLength: 4 }),
    fc.option(fc.stringMatching(/^\w[\w.-]{0,10}$/)),
    fc.option(fc.constant(D64)),
  )
  .map(([host, path, tag, dig]) =>
    (host === null ? '' : `${host}/`) + path.join('/') + (tag === null ? '' : `:${tag}`) + (dig === null ? '' : `@${dig}`));

function checkIdempotent(s: string): void {
  const r = parseReference(s);
  if (isReferenceProblem(r)) {
    expect(r.problem).toMatch(/^[^\n]+$/);
    return;
  }
  expect(ok(r.canonical).canonical).toBe(r.canonical);
  expect(problemOf(parseCanonicalReference(r.canonical))).toBe(`parsed as ${r.canonical}`);
}

describe('properties', () => {
  test.prop([fc.string({ unit: 'binary', maxLength: 300 })])('arbitrary strings: never throws, idempotent', checkIdempotent);
  test.prop([fc.string({ unit: refChar, maxLength: 80 })])('reference-like strings: never throws, idempotent', checkIdempotent);
  test.prop([structured])('generated references: parse, idempotently', (s) => {
    const r = parseReference(s);
    if (isReferenceProblem(r)) expect(r.problem).toMatch(/64-byte hexadecimal|not be more than 255/);
    checkIdempotent(s);
  });
});
