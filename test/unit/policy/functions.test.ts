// The functions policies get beyond the CEL standard library, and the standard ones they rely on,
// evaluated through the policy CEL scope (contract section 8; issue 4 item 4).
import { describe, expect, it } from 'vitest';
import { describeCelValue } from '../../../src/policy/describe.js';
import { policyCelScope } from '../../../src/policy/load.js';

const scope = policyCelScope().derive({ variables: { t: 'google.protobuf.Timestamp', text: 'string' } });

function run(expression: string, activation: Record<string, unknown> = {}): unknown {
  const compiled = scope.compile(expression);
  if (!compiled.ok) throw new Error(`does not compile: ${compiled.message}`);
  const outcome = compiled.program.evaluate(activation);
  return outcome.ok ? describeCelValue(outcome.value) : { error: outcome.error };
}

const isError = (value: unknown): boolean => typeof value === 'object' && value !== null && 'error' in value;

describe('globMatch', () => {
  it.each([
    ['registry.redhat.io/ubi9/ubi', 'registry.redhat.io/**', true],
    ['registry.redhat.io/ubi9/ubi', 'registry.redhat.io/*', false],
    ['registry.redhat.io/ubi9/ubi', 'registry.redhat.io/*/ubi', true],
    ['registry.redhat.io/ubi9/ubi', '*.redhat.io/**', true],
    ['a.b', 'a*b', true],
    ['a.b', 'a?b', false],
    ['', '**', true],
  ])('globMatch(%j, %j) is %s', (text, pattern, expected) => {
    expect(run(`globMatch('${text}', '${pattern}')`)).toBe(expected);
  });

  it('treats regex metacharacters literally', () => {
    expect(run("globMatch('a+b(c)', 'a+b(c)')")).toBe(true);
    expect(run("globMatch('aab', 'a+b')")).toBe(false);
  });

  it('rejects an invalid literal glob at load and a dynamic one at run time', () => {
    expect(scope.compile("globMatch('x', '')").ok).toBe(false);
    expect(isError(run("globMatch('x', text)", { text: '***' }))).toBe(true);
  });
});

describe('parseReference', () => {
  it('normalizes short names', () => {
    expect(run("parseReference('busybox').name")).toBe('docker.io/library/busybox');
    expect(run("parseReference('busybox').registry")).toBe('docker.io');
    expect(run("parseReference('busybox').repository")).toBe('library/busybox');
    expect(run("parseReference('busybox').tag == null")).toBe(true);
  });

  it('reads tags and digests', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(run(`parseReference('quay.io/ns/app:1.0@${digest}').tag`)).toBe('1.0');
    expect(run(`parseReference('quay.io/ns/app:1.0@${digest}').digest`)).toBe(digest);
    expect(run("parseReference('localhost:5000/app').registry")).toBe('localhost:5000');
  });

  it('is a runtime error for an invalid reference', () => {
    expect(isError(run("parseReference('UPPER/case')"))).toBe(true);
  });
});

describe('identityMatches (all six signedIdentity rules)', () => {
  const image = 'registry.example.com/ns/app:1.0';
  it.each([
    ['registry.example.com/ns/app:1.0', image, "'matchRepoDigestOrExact'", true],
    ['registry.example.com/ns/app:2.0', image, "'matchRepoDigestOrExact'", false],
    ['registry.example.com/ns/app:1.0', image, "'matchExact'", true],
    ['registry.example.com/ns/app:2.0', image, "'matchRepository'", true],
    ['registry.example.com/other:1.0', image, "'matchRepository'", false],
    ['registry.example.com/ns/app:9', image, "{'type': 'exactReference', 'dockerReference': 'registry.example.com/ns/app:9'}", true],
    ['registry.example.com/ns/app:9', image, "{'type': 'exactRepository', 'dockerRepository': 'registry.example.com/ns/app'}", true],
    ['quay.io/upstream/app:1.0', 'mirror.local/upstream/app:1.0', "{'type': 'remapIdentity', 'prefix': 'mirror.local', 'signedPrefix': 'quay.io'}", true],
    ['quay.io/upstream/app:1.0', 'mirror.local/upstream/app:2.0', "{'type': 'remapIdentity', 'prefix': 'mirror.local', 'signedPrefix': 'quay.io'}", false],
  ])('identityMatches(%j, %j, %s) is %s', (signed, expected, rule, result) => {
    expect(run(`identityMatches('${signed}', '${expected}', ${rule})`)).toBe(result);
  });

  it('is false for an unparseable reference, an error for an invalid rule', () => {
    expect(run("identityMatches('NOT A REF', 'a/b:1', 'matchExact')")).toBe(false);
    expect(isError(run("identityMatches('a/b:1', 'a/b:1', dyn(text))", { text: 'matchSomething' }))).toBe(true);
  });

  it('rejects an invalid literal rule at load', () => {
    const compiled = scope.compile("identityMatches('a/b:1', 'a/b:1', 'matchSomething')");
    expect(compiled.ok).toBe(false);
  });
});

describe('string extensions', () => {
  it.each([
    ["'ABC-Ä'.lowerAscii()", 'abc-Ä'],
    ["'abc-ä'.upperAscii()", 'ABC-ä'],
    ["'a,b,c'.split(',')", ['a', 'b', 'c']],
    ["'a,b,c'.split(',', 2)", ['a', 'b,c']],
    ["'banana'.replace('a', 'o')", 'bonono'],
    ["'banana'.replace('a', 'o', 2)", 'bonona'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'registry.redhat.io/x'.startsWith('registry.redhat.io/')", true],
    ["'x.tar.gz'.endsWith('.gz')", true],
    ["'  x '.trim()", 'x'],
    ["['b', 'a', 'b'].distinct()", ['b', 'a']],
    ["[1, 2, 1].distinct().size()", { int: '2' }],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });
});

describe('matches() runs on RE2', () => {
  it('supports RE2 syntax JavaScript lacks, and rejects syntax RE2 lacks', () => {
    expect(run("'ABC'.matches('(?i)^abc$')")).toBe(true);
    expect(run("'abc'.matches('\\\\Aabc\\\\z')")).toBe(true);
    expect(scope.compile("'aa'.matches('(a)\\\\1')").ok).toBe(false); // backreferences
    expect(scope.compile("'ab'.matches('a(?=b)')").ok).toBe(false); // lookahead
    expect(isError(run("'aa'.matches(text)", { text: '(a)\\1' }))).toBe(true);
  });

  it('finishes a catastrophic pattern against a long input (linear time)', () => {
    const text = `${'a'.repeat(20_000)}b`;
    expect(run("text.matches('(a+)+$')", { text })).toBe(false);
    expect(run("text.matches('^(a|aa)+$')", { text })).toBe(false);
    expect(run("matches(text, '(x+x+)+y')", { text })).toBe(false);
  });

  it('matches substrings unless anchored', () => {
    expect(run("'release-1.2'.matches('[0-9]+\\\\.[0-9]+')")).toBe(true);
    expect(run("'release-1.2'.matches('^[0-9]+$')")).toBe(false);
  });
});

describe('timestamps and durations', () => {
  const t = new Date('2025-01-01T00:00:00Z');
  it.each([
    ["timestamp('2026-06-01T00:00:00Z') - t > duration('8760h')", true],
    ["timestamp('2026-06-01T00:00:00Z') - t > duration('13000h')", false],
    ["t + duration('24h') == timestamp('2025-01-02T00:00:00Z')", true],
    ["string(t)", '2025-01-01T00:00:00Z'],
    ["string(duration('90m'))", '5400s'],
    ["(timestamp('2025-01-02T00:00:00Z') - t).getHours()", { int: '24' }],
    ["t.getFullYear()", { int: '2025' }],
  ])('%s', (expression, expected) => {
    expect(run(expression, { t })).toEqual(expected);
  });

  it('refuses to compare a timestamp with a number at load', () => {
    expect(scope.compile('t > 5').ok).toBe(false);
  });
});
