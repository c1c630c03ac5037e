import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isReferenceProblem, parseReference } from '../../../src/identity/reference.js';

// parseReference splits a name into domain and path inside its one match, where upstream (and the
// code before) matched the name again with anchoredNameRegexp. The upstream regexp, built from the
// same atoms as docker/distribution's reference/regexp.go, is the oracle for the split.
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|-+)';
const nameComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const path = `${nameComponent}(?:/${nameComponent})*`;
const ANCHORED_NAME = new RegExp(`^(?:(${domain})/)?(${path})$`);

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcz09') },
  { weight: 3, arbitrary: fc.constantFrom('.', '-', '_', '__', '/', ':', '@') },
  { weight: 1, arbitrary: fc.constantFrom('A', 'Z', 'localhost', 'docker.io', 'index.docker.io', ':5000', `sha256:${'a'.repeat(64)}`, '--', '..') },
);
const referenceish = fc.array(unit, { maxLength: 16 }).map((parts) => parts.join(''));
/** Mostly well-formed references: domain-like and name-like first components, tags, digests. */
const piece = (chars: string, maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength });
const joined = (part: fc.Arbitrary<string>, glue: fc.Arbitrary<string>, max: number): fc.Arbitrary<string> =>
  fc.tuple(part, fc.array(fc.tuple(glue, part), { maxLength: max })).map(([head, tail]) => head + tail.map(([g, p]) => g + p).join(''));
const nameComponentText = joined(piece('abz09', 3), fc.constantFrom('.', '_', '__', '-', '--', '---'), 2);
const domainComponentText = fc.oneof(piece('abAZ09', 3), fc.tuple(piece('aZ9', 2), piece('a-9', 3), piece('aZ9', 2)).map((p) => p.join('')));
const domainText = fc
  .tuple(joined(domainComponentText, fc.constant('.'), 2), fc.option(piece('0159', 4), { nil: undefined }))
  .map(([host, port]) => (port === undefined ? host : `${host}:${port}`));
const structured = fc
  .tuple(
    fc.oneof(domainText, nameComponentText, fc.constantFrom('localhost', 'localhost:5000', 'docker.io', 'index.docker.io', 'a_b', 'A-', '-a', 'a..b')),
    fc.array(nameComponentText, { minLength: 1, maxLength: 3 }),
    fc.option(piece('ab09._-', 5), { nil: undefined }),
    fc.option(fc.constantFrom(`sha256:${'b'.repeat(64)}`, 'sha256:abc', 'x:y'), { nil: undefined }),
  )
  .map(([first, rest, tag, digest]) => `${first}/${rest.join('/')}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`);

describe('parseReference: the domain/path split', () => {
  test.prop([fc.oneof(referenceish, structured)], { numRuns: 6000 })('equals upstream anchoredNameRegexp applied to the matched name', (input) => {
    const ref = parseReference(input);
    if (isReferenceProblem(ref)) return;
    const parts = ANCHORED_NAME.exec(ref.name);
    expect(parts).not.toBeNull();
    expect([ref.domain, ref.path]).toEqual([parts?.[1] ?? '', parts?.[2] ?? '']);
  });

  it.each([
    ['busybox', 'docker.io', 'library/busybox'],
    ['localhost/app', 'localhost', 'app'],
    ['localhost:5000/a/b:1', 'localhost:5000', 'a/b'],
    ['registry.example.com/bench/app-1@sha256:' + 'a'.repeat(64), 'registry.example.com', 'bench/app-1'],
    ['a.b/c.d/e__f', 'a.b', 'c.d/e__f'],
    ['Foo.com/x', 'Foo.com', 'x'],
  ])('%s → %s + %s', (input, domainPart, pathPart) => {
    const ref = parseReference(input);
    expect(isReferenceProblem(ref) ? ref : [ref.domain, ref.path]).toEqual([domainPart, pathPart]);
  });
});
