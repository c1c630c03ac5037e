import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkOutcome, summarize, type ActualOutcome, type TestResult } from '../../../src/edge/policy-test-check.js';
import { attr, renderPolicyTestReport, text } from '../../../src/edge/policy-test-output.js';
import { parseXml } from '../../cli/xml.js';

const ALLOWED: ActualOutcome = {
  decision: 'Allowed',
  reason: 'Allowed',
  message: 'ok',
  warnings: ['the newest trusted signature is older than 8760h'],
  policies: [
    { name: 'a', actions: ['Deny'], applied: true, passed: true },
    { name: 'w', actions: ['Warn'], applied: true, passed: false, reason: 'SignatureTooOld', message: 'old' },
    { name: 'r', actions: ['Deny'], applied: false, passed: true },
  ],
};

describe('checkOutcome', () => {
  it('passes when every given expectation holds', () => {
    expect(checkOutcome({ decision: 'Allowed' }, ALLOWED)).toEqual([]);
    expect(checkOutcome({
      decision: 'Allowed', reason: 'Allowed', warnings: ['older than'],
      policies: { a: { applied: true, passed: true }, w: { passed: false, reason: 'SignatureTooOld' }, r: { applied: false } },
    }, ALLOWED)).toEqual([]);
  });

  it('names each expectation that fails', () => {
    expect(checkOutcome({ decision: 'Denied' }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', reason: 'X' }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', warnings: [] }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', warnings: ['nope'] }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', warnings: ['older', 'older'] }, ALLOWED)).toHaveLength(2);
    expect(checkOutcome({ decision: 'Allowed', policies: { a: { passed: false } } }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', policies: { r: { applied: true, passed: true } } }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', policies: { missing: { passed: true } } }, ALLOWED)).toHaveLength(1);
    expect(checkOutcome({ decision: 'Allowed', policies: { w: { reason: 'Other' } } }, ALLOWED)).toHaveLength(1);
  });
});

function results(caseName: string, error?: string): TestResult[] {
  return [
    {
      name: 'suite <1>', source: 'a & b.test.yaml', line: 1,
      cases: [
        { name: caseName, line: 10, status: 'Failed', failures: [`decision: ${caseName}`], expected: { decision: 'Allowed' }, actual: ALLOWED },
        { name: 'ok', line: 12, status: 'Passed', failures: [], expected: { decision: 'Allowed' }, actual: ALLOWED },
        { name: 'broken', line: 14, status: 'Error', failures: ['image x.json: no such file'], expected: { decision: 'Allowed' } },
      ],
    },
    ...(error !== undefined ? [{ name: 'f.test.yaml', source: 'f.test.yaml', line: 3, error, cases: [] }] : []),
  ];
}

describe('JUnit output', () => {
  it('counts tests, failures and errors per suite and in total', () => {
    const tests = results('bad', 'f.test.yaml:3: unknown field');
    const root = parseXml(renderPolicyTestReport({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'PolicyTestReport', summary: summarize(tests), tests }, 'junit'));
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', errors: '2' });
    const [first, second] = root.children;
    expect(first?.attributes).toMatchObject({ name: 'suite <1>', file: 'a & b.test.yaml', tests: '3', failures: '1', errors: '1' });
    expect(first?.children.map((c) => c.children.map((x) => x.name))).toEqual([['failure'], [], ['error']]);
    expect(second?.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    expect(second?.children[0]?.children[0]?.attributes['message']).toBe('f.test.yaml:3: unknown field');
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 40 })], { numRuns: 200 })('any case name stays well-formed XML and reads back (forbidden characters as U+FFFD)', (name) => {
    const tests = results(name);
    const root = parseXml(renderPolicyTestReport({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'PolicyTestReport', summary: summarize(tests), tests }, 'junit'));
    const expected = name.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
    const testcase = root.children[0]?.children[0];
    expect(testcase?.attributes['name']).toBe(expected);
    expect(testcase?.children[0]?.text).toContain(`decision: ${expected}`);
  });

  it('escapes markup in text and attributes', () => {
    expect(text('<a & b>')).toBe('&lt;a &amp; b&gt;');
    expect(attr('"q" \'s\'\n')).toBe('&quot;q&quot; &apos;s&apos;&#10;');
  });
});

describe('table output', () => {
  it('one row per case, the load error as a row, and a summary', () => {
    const tests = results('bad', 'f.test.yaml:3: unknown field');
    const out = renderPolicyTestReport({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'PolicyTestReport', summary: summarize(tests), tests }, 'table');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TEST\s+CASE\s+RESULT\s+DETAIL$/);
    expect(lines.slice(1, 5).map((l) => /\s(PASS|FAIL|ERROR)\s/.exec(l)?.[1])).toEqual(['FAIL', 'PASS', 'ERROR', 'ERROR']);
    expect(lines.at(-1)).toBe('3 cases in 2 tests: 1 passed, 1 failed, 2 errors');
  });
});
