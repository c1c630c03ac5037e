// Loading ImagePolicy documents (issue 4 items 1 and 3): strict shape, every expression parsed and
// type-checked at load with file:line:col, all problems reported at once, and the load-time bounds.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { compilePolicyTexts } from '../../../src/edge/policy-input.js';
import { compilePolicies, PolicyLoadError } from '../../../src/policy/load.js';
import type { PolicyLimits, PolicyProblem } from '../../../src/policy/types.js';
import { policyYaml } from '../../helpers/policy.js';

function problems(text: string, limits?: PolicyLimits): PolicyProblem[] {
  try {
    compilePolicyTexts([{ text, source: 'p.yaml' }], limits);
  } catch (error) {
    if (error instanceof PolicyLoadError) return [...error.problems];
    throw error;
  }
  return [];
}

const valid = (extra = '') => policyYaml('p', `validations:\n  - expression: "true"\nvalidationActions: [Deny]\n${extra}`);

describe('document shape', () => {
  it('loads a minimal policy', () => {
    const set = compilePolicyTexts([{ text: valid(), source: 'p.yaml' }]);
    expect(set.policies.map((p) => [p.name, p.failurePolicy, p.actions])).toEqual([['p', 'Fail', ['Deny']]]);
    expect(set.revision).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects unknown fields with their position', () => {
    expect(problems(valid('colour: red'))).toEqual([{ source: 'p.yaml', line: 9, col: 11, message: 'unknown field "colour"' }]);
    expect(problems(valid().replace('validationActions', 'validationAction'))).toHaveLength(2);
  });

  it('rejects duplicate fields (YAML)', () => {
    const found = problems(valid('failurePolicy: Fail\nfailurePolicy: Ignore'));
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(10);
  });

  it.each([
    ['no validations', policyYaml('p', 'validationActions: [Deny]')],
    ['no actions', policyYaml('p', 'validations:\n  - expression: "true"')],
    ['Deny and Warn together', valid().replace('[Deny]', '[Deny, Warn]')],
    ['a duplicate action', valid().replace('[Deny]', '[Deny, Deny]')],
    ['an unknown action', valid().replace('[Deny]', '[Block]')],
    ['a bad failurePolicy', valid('failurePolicy: Sometimes')],
    ['an empty images list', valid('images: []')],
    ['a glob without registry', valid('images: ["busybox/**"]')],
    ['a glob with "***"', valid('images: ["quay.io/***"]')],
    ['a variable name that is not an identifier', valid('variables:\n  - name: my-var\n    expression: "1"')],
    ['a duplicate variable name', valid('variables:\n  - name: a\n    expression: "1"\n  - name: a\n    expression: "2"')],
    ['a matchCondition without a name', valid('matchConditions:\n  - expression: "true"')],
    ['a bad reason', valid().replace('expression: "true"', 'expression: "true"\n      reason: not-camel')],
    ['an empty expression', valid().replace('expression: "true"', 'expression: ""')],
    ['a wrong kind', valid().replace('kind: ImagePolicy', 'kind: ImagePolicies')],
    ['a bad name', valid().replace('name: p', 'name: Not_A_Name')],
  ])('rejects %s', (_what, text) => {
    expect(problems(text).length).toBeGreaterThan(0);
  });

  it('rejects duplicate policy names across documents', () => {
    const found = problems(`${valid()}---\n${valid()}`);
    expect(found.map((p) => p.message)).toEqual(['duplicate policy name "p" (also in p.yaml)']);
  });

  it('takes JSON documents', () => {
    const json = JSON.stringify({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'ImagePolicy', metadata: { name: 'j' }, spec: { validations: [{ expression: 'true' }], validationActions: ['Audit'] } });
    expect(compilePolicyTexts([{ text: json, source: 'p.json' }]).policies).toHaveLength(1);
  });
});

describe('expressions are type-checked at load', () => {
  it.each([
    ['a misspelled field', 'signatures.exists(s, s.issuedTo.publicKeyId == "x")', 23],
    ['a timestamp compared with a number', 'signatures.exists(s, s.created > 5)', 21],
    ['an unknown variable', 'size(signatures) > 0 && imag.metadata.name == "x"', 24],
    ['an unknown function', 'signatures.exists(s, s.trusted.isTrue())', 21],
    ['a syntax error', 'signatures.exists(s, s.trusted &&)', 33],
    ['a non-bool validation', 'size(signatures)', 0],
    ['an invalid literal regex', "reference.name.matches('(')", 23],
  ])('rejects %s with file:line:col of the expression character', (_what, expression, offset) => {
    const text = policyYaml('p', `validations:\n  - expression: '${expression.replaceAll("'", "''")}'\nvalidationActions: [Deny]`);
    const found = problems(text);
    expect(found).toHaveLength(1);
    // `    - expression: '` puts the expression's first character at column 20 of line 7.
    expect(found[0]).toMatchObject({ source: 'p.yaml', line: 7 });
    if (!expression.includes("'")) expect(found[0]?.col).toBe(20 + offset);
  });

  it('positions problems inside a literal block scalar', () => {
    const text = policyYaml('p', 'validations:\n  - expression: |\n      signatures.exists(s,\n        s.created > 5)\nvalidationActions: [Deny]');
    expect(problems(text)[0]).toMatchObject({ line: 9, col: 11 });
  });

  it('checks variables in order: a later variable may use an earlier one, not the reverse', () => {
    const ok = valid('variables:\n  - name: a\n    expression: "signatures.filter(s, s.trusted)"\n  - name: b\n    expression: "size(variables.a)"');
    expect(problems(ok)).toEqual([]);
    const backwards = valid('variables:\n  - name: a\n    expression: "variables.b"\n  - name: b\n    expression: "1"');
    expect(problems(backwards)).toHaveLength(1);
  });

  it('types variables: using one wrongly fails at load', () => {
    const text = policyYaml('p', 'variables:\n  - name: n\n    expression: "size(signatures)"\nvalidations:\n  - expression: "variables.n.startsWith(\'x\')"\nvalidationActions: [Deny]');
    expect(problems(text)).toHaveLength(1);
  });

  it('matchConditions and messageExpression are checked too (messageExpression must be a string)', () => {
    expect(problems(valid('matchConditions:\n  - name: m\n    expression: "image.x + 1"'))).toHaveLength(1);
    const message = valid().replace('expression: "true"', 'expression: "true"\n      messageExpression: "size(signatures)"');
    expect(problems(message)[0]?.message).toContain('must evaluate to string');
  });

  it('reports every problem of every document at once, one per line in the message', () => {
    const text = `${policyYaml('a', 'validations:\n  - expression: "s.created > 5"\n  - expression: "1 +"\nvalidationActions: [Deny, Warn]\nextra: 1')}---\n${policyYaml('b', 'validations: []\nvalidationActions: [Deny]')}`;
    try {
      compilePolicyTexts([{ text, source: 'all.yaml' }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyLoadError);
      expect(error).toBeInstanceOf(ConfigError);
      const loadError = error as PolicyLoadError;
      expect(loadError.problems.length).toBe(5);
      expect(loadError.message.split('\n')).toHaveLength(5);
      for (const line of loadError.message.split('\n')) expect(line).toMatch(/^all\.yaml:\d+:\d+: /);
    }
  });

  it('a YAML syntax error is a problem with its position', () => {
    expect(problems('apiVersion: [unclosed')[0]).toMatchObject({ source: 'p.yaml' });
  });
});

describe('bounds at load', () => {
  it('expression length', () => {
    const long = `size(signatures) >= 0${' && true'.repeat(700)}`;
    expect(problems(valid().replace('"true"', `"${long}"`))[0]?.message).toContain('longer than');
    expect(problems(valid().replace('"true"', `"${long}"`), { maxExpressionLength: 10_000 })).toEqual([]);
  });

  it('AST size', () => {
    const big = Array.from({ length: 600 }, (_, i) => `${i} > 0`).join(' && ');
    expect(problems(valid().replace('"true"', `"${big}"`), { maxExpressionLength: 100_000 })[0]?.message).toContain('maxAstNodes');
  });

  it('nesting depth', () => {
    const deep = `${'('.repeat(60)}true${')'.repeat(60)}`;
    expect(problems(valid().replace('"true"', `"${deep}"`))).toHaveLength(1);
  });

  it('estimated cost of nested comprehensions', () => {
    const two = 'signatures.all(a, signatures.all(b, a.name != b.name || a.fingerprint == b.fingerprint))';
    expect(problems(valid().replace('"true"', `"${two}"`))).toEqual([]);
    const overImage = "image.metadata.all(a, image.metadata.all(b, image.metadata.all(c, a == b)))";
    expect(problems(valid().replace('"true"', `"${overImage}"`))[0]?.message).toContain('estimated cost');
    const four = 'signatures.all(a, signatures.all(b, signatures.all(c, signatures.all(d, a.name == d.name))))';
    expect(problems(valid().replace('"true"', `"${four}"`))[0]?.message).toContain('estimated cost');
  });

  it('expressions per list', () => {
    const many = Array.from({ length: 3 }, () => '  - expression: "true"').join('\n');
    expect(problems(policyYaml('p', `validations:\n${many}\nvalidationActions: [Deny]`), { maxExpressionsPerList: 2 })).toHaveLength(1);
  });

  it('invalid limits are ConfigError', () => {
    expect(() => compilePolicies([], { maxCost: -1 })).toThrow(ConfigError);
    expect(() => compilePolicies([], { maxCost: 1.5 })).toThrow(ConfigError);
  });

  it('params are converted once, at load', () => {
    const set = compilePolicyTexts([{ text: valid('params:\n  n: 3\n  keys: [a, b]'), source: 'p.yaml' }]);
    expect(set.policies[0]?.params).toEqual(Object.assign(Object.create(null), { n: 3n, keys: ['a', 'b'] }));
  });
});

describe('core documents without YAML', () => {
  it('compilePolicies takes parsed values and a position lookup', () => {
    const value = { apiVersion: 'imagetrust.io/v1alpha1', kind: 'ImagePolicy', metadata: { name: 'x' }, spec: { validations: [{ expression: '1' }], validationActions: ['Deny'] } };
    try {
      compilePolicies([{ value, source: 'mem', positionOf: (path, offset) => ({ line: path.length, col: offset ?? 99 }) }]);
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyLoadError).problems).toEqual([{ source: 'mem', line: 4, col: 0, message: 'validation 0 must evaluate to bool, not int' }]);
    }
  });
});
