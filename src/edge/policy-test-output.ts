/**
 * Renders a `PolicyTestReport`: a pass/fail table for people, JSON, or JUnit XML for CI systems
 * (`testsuites` > `testsuite` per PolicyTest > `testcase` per case, with `failure` / `error`).
 */
import { oneLine } from '../codes.js';
import type { CaseResult, PolicyTestReport, TestResult } from './policy-test-check.js';

export type PolicyTestFormat = 'table' | 'json' | 'junit';

/** The report in `format`, ending with a newline. */
export function renderPolicyTestReport(report: PolicyTestReport, format: PolicyTestFormat): string {
  switch (format) {
    case 'table':
      return renderTable(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'junit':
      return renderJunit(report);
  }
}

const STATUS = { Passed: 'PASS', Failed: 'FAIL', Error: 'ERROR' } as const;

function renderTable(report: PolicyTestReport): string {
  const rows: string[][] = [];
  for (const test of report.tests) {
    if (test.error !== undefined) rows.push([test.name, '-', 'ERROR', test.error]);
    for (const c of test.cases) {
      const detail = c.status === 'Passed' ? passDetail(c) : c.failures.join('; ');
      rows.push([test.name, c.name, STATUS[c.status], detail]);
    }
  }
  const headers = ['TEST', 'CASE', 'RESULT', 'DETAIL'];
  const widths = headers.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]): string =>
    oneLine(cells.map((c, i) => (i === cells.length - 1 ? c : fit(c, widths[i] ?? 8).padEnd(widths[i] ?? 8))).join('  ')).trimEnd();
  const s = report.summary;
  const summary = `${s.cases} case${s.cases === 1 ? '' : 's'} in ${s.tests} test${s.tests === 1 ? '' : 's'}: `
    + `${s.passed} passed, ${s.failed} failed, ${s.errors} error${s.errors === 1 ? '' : 's'}`;
  return [line(headers), ...rows.map(line), '', summary].join('\n') + '\n';
}

function passDetail(c: CaseResult): string {
  const a = c.actual;
  if (a === undefined) return '';
  const warnings = a.warnings.length > 0 ? `, ${a.warnings.length} warning${a.warnings.length === 1 ? '' : 's'}` : '';
  return `${a.decision} (${a.reason})${warnings}`;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

function renderJunit(report: PolicyTestReport): string {
  const s = report.summary;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="imagetrust policy test" tests="${s.cases + loadErrors(report.tests)}" failures="${s.failed}" errors="${s.errors}">`,
  ];
  for (const test of report.tests) out.push(...suite(test));
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function loadErrors(tests: readonly TestResult[]): number {
  return tests.filter((t) => t.error !== undefined).length;
}

function suite(test: TestResult): string[] {
  const failures = test.cases.filter((c) => c.status === 'Failed').length;
  const errors = test.cases.filter((c) => c.status === 'Error').length + (test.error !== undefined ? 1 : 0);
  const tests = test.cases.length + (test.error !== undefined ? 1 : 0);
  const lines = [`  <testsuite name="${attr(test.name)}" tests="${tests}" failures="${failures}" errors="${errors}" file="${attr(test.source)}">`];
  if (test.error !== undefined) {
    lines.push(`    <testcase name="(load)" classname="${attr(test.name)}" file="${attr(test.source)}" line="${test.line}">`);
    lines.push(`      <error message="${attr(test.error)}" type="PolicyTestError">${text(test.error)}</error>`);
    lines.push('    </testcase>');
  }
  for (const c of test.cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(test.name)}" file="${attr(test.source)}" line="${c.line}"`;
    if (c.status === 'Passed') {
      lines.push(`${open}/>`);
      continue;
    }
    const tag = c.status === 'Failed' ? 'failure' : 'error';
    const type = c.status === 'Failed' ? 'PolicyTestFailure' : 'PolicyTestError';
    const detail = [...c.failures, ...(c.actual ? [`actual: ${JSON.stringify(c.actual)}`] : [])].join('\n');
    lines.push(`${open}>`);
    lines.push(`      <${tag} message="${attr(c.failures[0] ?? c.status)}" type="${type}">${text(detail)}</${tag}>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

// XML 1.0 allows only these characters; anything else (NUL, most C0 controls, lone surrogates,
// U+FFFE/U+FFFF) would make the whole report unreadable, so it becomes U+FFFD.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Element text: escaped, invalid characters replaced. */
export function text(value: string): string {
  return value.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value: escaped, and line breaks kept as character references. */
export function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
