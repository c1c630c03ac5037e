// Globs of spec.images and globMatch (src/policy/glob.ts): `*` within a segment, `**` across,
// name-only globs cover every tag and digest, and matching is linear.
import { describe, expect, it } from 'vitest';
import { globMatch, imageGlobMatches, imageGlobProblem, referenceForms } from '../../../src/policy/glob.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('globMatch', () => {
  it.each([
    ['a/b/c', 'a/**', true],
    ['a/b/c', 'a/*', false],
    ['a/b/c', 'a/*/c', true],
    ['a/b/c', '**/c', true],
    ['a/b/c', 'a/**/c', true],
    ['a/c', 'a/**/c', false],
    ['abc', 'a*c', true],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
  ])('%s against %s: %s', (text, pattern, expected) => {
    expect(globMatch(text, pattern)).toBe(expected);
  });

  it('is linear: many stars against a long input finish', () => {
    expect(globMatch(`${'a'.repeat(100_000)}`, '*a*a*a*a*a*a*a*a*b')).toBe(false);
  });

  it('throws for an invalid glob (a CEL runtime error)', () => {
    expect(() => globMatch('a', '')).toThrow();
    expect(() => globMatch('a', 'a***')).toThrow();
  });
});

describe('image globs', () => {
  const forms = (reference: string) => {
    const f = referenceForms(reference);
    if (f === null) throw new Error('invalid reference');
    return f;
  };

  it('matches the normalized reference', () => {
    expect(imageGlobMatches(forms('busybox'), 'docker.io/library/busybox')).toBe(true);
    expect(imageGlobMatches(forms('busybox:1'), 'docker.io/library/*')).toBe(true);
  });

  it('a glob without tag or digest covers every tag and digest of the repository', () => {
    for (const ref of ['quay.io/ns/app', 'quay.io/ns/app:1', `quay.io/ns/app@${DIGEST}`, `quay.io/ns/app:1@${DIGEST}`]) {
      expect(imageGlobMatches(forms(ref), 'quay.io/ns/app')).toBe(true);
    }
    expect(imageGlobMatches(forms('quay.io/ns/app2:1'), 'quay.io/ns/app')).toBe(false);
  });

  it('a glob with a tag or digest matches that tag or digest, also when the reference has both', () => {
    expect(imageGlobMatches(forms(`quay.io/ns/app:1.2@${DIGEST}`), 'quay.io/ns/app:1.*')).toBe(true);
    expect(imageGlobMatches(forms(`quay.io/ns/app:1.2@${DIGEST}`), `quay.io/ns/app@${DIGEST}`)).toBe(true);
    expect(imageGlobMatches(forms('quay.io/ns/app:2.0'), 'quay.io/ns/app:1.*')).toBe(false);
    expect(imageGlobMatches(forms('quay.io/ns/app:1.0'), 'quay.io/**@sha256:*')).toBe(false);
  });

  it('a registry port is not a tag', () => {
    expect(imageGlobMatches(forms('localhost:5000/app:1'), 'localhost:5000/app')).toBe(true);
    expect(imageGlobProblem('localhost:5000/**')).toBeNull();
  });

  it('refuses globs that cannot match a normalized reference', () => {
    expect(imageGlobProblem('busybox')).toBeNull(); // one segment: a host-like glob, allowed
    expect(imageGlobProblem('library/busybox')).not.toBeNull();
    expect(imageGlobProblem('quay.io/a b')).not.toBeNull();
    expect(imageGlobProblem('**')).toBeNull();
    expect(referenceForms('Not A Reference')).toBeNull();
  });
});
