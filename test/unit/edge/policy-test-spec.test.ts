import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { readPolicyTest } from '../../../src/edge/policy-test-spec.js';
import { parseYamlDocuments } from '../../../src/edge/yaml.js';

function read(text: string): ReturnType<typeof readPolicyTest> {
  const parsed = parseYamlDocuments(text, 't.test.yaml');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return readPolicyTest(parsed.documents[0]!, 't.test.yaml');
}

/** The `file:line` a ConfigError names, or the error when it is something else. */
function errorLine(text: string): number {
  try {
    read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const m = /^t\.test\.yaml:(\d+): /.exec((error as Error).message);
    expect(m, (error as Error).message).not.toBeNull();
    return Number(m![1]);
  }
  throw new Error('no error');
}

const GOOD = `apiVersion: imagetrust.io/v1alpha1
kind: PolicyTest
metadata:
  name: t
spec:
  policies: [p.yaml]
  trust: [trust/]
  at: "2026-06-01T00:00:00Z"
  cases:
    - name: a
      image: a.json
      expect: {decision: Allowed}
    - name: b
      image: {kind: Image}
      at: "2025-01-01T00:00:00+02:00"
      expectedIdentity: registry.example.com/a:1
      expect:
        decision: Denied
        reason: Unsigned
        warnings: [old]
        policies: {p: false, q: {applied: false}, r: {passed: true, reason: X}}
`;

describe('readPolicyTest', () => {
  it('reads every field, with defaults and the boolean shorthand', () => {
    const spec = read(GOOD);
    expect(spec).toMatchObject({ name: 't', policies: ['p.yaml'], trust: ['trust/'], unmatched: 'deny', params: {} });
    expect(spec.at.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(spec.cases[0]).toMatchObject({ name: 'a', line: 10, image: { path: 'a.json' }, expect: { decision: 'Allowed' } });
    expect(spec.cases[1]?.image).toEqual({ inline: { kind: 'Image' } });
    expect(spec.cases[1]?.at?.toISOString()).toBe('2024-12-31T22:00:00.000Z');
    expect(spec.cases[1]?.expect).toEqual({
      decision: 'Denied', reason: 'Unsigned', warnings: ['old'],
      policies: { p: { applied: true, passed: false }, q: { applied: false }, r: { passed: true, reason: 'X' } },
    });
  });

  it('reads unmatched, identityRule and params', () => {
    const spec = read(GOOD.replace('  cases:', `  unmatched: allow
  identityRule: {type: remapIdentity, prefix: mirror.example.net, signedPrefix: registry.example.com}
  params:
    p: {keys: [A]}
  cases:`));
    expect(spec.unmatched).toBe('allow');
    expect(spec.identityRule).toEqual({ type: 'remapIdentity', prefix: 'mirror.example.net', signedPrefix: 'registry.example.com' });
    expect(spec.params).toEqual({ p: { keys: ['A'] } });
  });

  it.each([
    ['an unknown top-level field', GOOD.replace('metadata:', 'extra: 1\nmetadata:'), 3],
    ['an unknown spec field', GOOD.replace('  at:', '  unmatchd: allow\n  at:'), 8],
    ['an unknown case field', GOOD.replace('      image: a.json', '      imagee: x\n      image: a.json'), 11],
    ['an unknown expect field', GOOD.replace('{decision: Allowed}', '{decision: Allowed, decsion: Denied}'), 12],
    ['an unknown policy expectation field', GOOD.replace('{applied: false}', '{aplied: false}'), 21],
    ['a bad decision', GOOD.replace('{decision: Allowed}', '{decision: allowed}'), 12],
    ['a bad time', GOOD.replace('"2026-06-01T00:00:00Z"', '"2026-02-30T00:00:00Z"'), 8],
    ['a time without a zone', GOOD.replace('"2026-06-01T00:00:00Z"', '"2026-06-01T00:00:00"'), 8],
    ['a bad unmatched', GOOD.replace('  at:', '  unmatched: maybe\n  at:'), 8],
    ['a bad identity rule', GOOD.replace('  at:', '  identityRule: matchNothing\n  at:'), 8],
    ['no cases', GOOD.replace(/ {2}cases:[\s\S]*$/, '  cases: []\n'), 9],
    ['a duplicate case name', GOOD.replace('- name: b', '- name: a'), 13],
    ['no policies', GOOD.replace('[p.yaml]', '[]'), 6],
    ['the wrong kind', GOOD.replace('kind: PolicyTest', 'kind: ImagePolicy'), 1],
    ['params that are not a mapping', GOOD.replace('  at:', '  params: {p: [1]}\n  at:'), 8],
    ['warnings that are not strings', GOOD.replace('[old]', '[1]'), 20],
  ])('rejects %s with its file:line', (_what, text, line) => {
    expect(errorLine(text)).toBe(line);
  });
});
