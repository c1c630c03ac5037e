/**
 * Compares a policy decision with what a PolicyTest case expects, and the shapes of a
 * `PolicyTestReport`. Pure: no I/O.
 */
import type { PolicyDecision } from '../policy/types.js';
import type { ExpectedOutcome } from './policy-test-spec.js';
import { reportPolicy, type ReportPolicy } from './report.js';

/** What the policies decided for a case's Image, as reported. */
export interface ActualOutcome {
  readonly decision: PolicyDecision['decision'];
  readonly reason: string;
  readonly message: string;
  readonly warnings: readonly string[];
  readonly policies: readonly ReportPolicy[];
}

export type CaseStatus = 'Passed' | 'Failed' | 'Error';

export interface CaseResult {
  readonly name: string;
  /** Line of the case in the test file. */
  readonly line: number;
  readonly status: CaseStatus;
  /** One line per expectation that did not hold (`Failed`), or the error (`Error`). */
  readonly failures: readonly string[];
  readonly expected: ExpectedOutcome;
  readonly actual?: ActualOutcome;
}

export interface TestResult {
  /** `metadata.name` of the PolicyTest, or the file when it could not be read. */
  readonly name: string;
  readonly source: string;
  readonly line: number;
  /** Set when the PolicyTest itself could not be loaded: then `cases` is empty. */
  readonly error?: string;
  readonly cases: readonly CaseResult[];
}

export interface PolicyTestSummary {
  readonly tests: number;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  /** Cases that could not run plus PolicyTests that could not load. */
  readonly errors: number;
}

export interface PolicyTestReport {
  readonly apiVersion: 'imagetrust.io/v1alpha1';
  readonly kind: 'PolicyTestReport';
  readonly summary: PolicyTestSummary;
  readonly tests: readonly TestResult[];
}

/** The actual outcome of a decision, for reports. */
export function actualOutcome(decision: PolicyDecision): ActualOutcome {
  return {
    decision: decision.decision,
    reason: decision.reason,
    message: decision.message,
    warnings: [...decision.warnings],
    policies: decision.results.map(reportPolicy),
  };
}

/** Every expectation of `expected` that `actual` does not meet, one line each; empty when it passes. */
export function checkOutcome(expected: ExpectedOutcome, actual: ActualOutcome): string[] {
  const failures: string[] = [];
  if (actual.decision !== expected.decision) {
    failures.push(`decision: expected ${expected.decision}, got ${actual.decision} (${actual.reason}: ${actual.message})`);
  }
  if (expected.reason !== undefined && actual.reason !== expected.reason) {
    failures.push(`reason: expected ${expected.reason}, got ${actual.reason}`);
  }
  if (expected.warnings !== undefined) failures.push(...checkWarnings(expected.warnings, actual.warnings));
  for (const [name, want] of Object.entries(expected.policies ?? {})) {
    const got = actual.policies.filter((r) => r.name === name);
    if (got.length === 0) {
      failures.push(`policy ${name}: no such policy in the test's policies (have: ${actual.policies.map((r) => r.name).join(', ') || 'none'})`);
      continue;
    }
    const applied = got.some((r) => r.applied);
    const passed = got.every((r) => !r.applied || r.passed);
    if (want.applied !== undefined && applied !== want.applied) {
      failures.push(`policy ${name}: expected ${want.applied ? 'to apply' : 'not to apply'}, but it ${applied ? 'did' : 'did not'}`);
    }
    if (want.passed !== undefined && passed !== want.passed) {
      const why = got.find((r) => r.applied && !r.passed);
      failures.push(`policy ${name}: expected ${want.passed ? 'to pass' : 'to fail'}, but it ${passed ? 'passed' : `failed (${why?.reason ?? ''}: ${why?.message ?? ''})`}`);
    }
    if (want.reason !== undefined && !got.some((r) => r.reason === want.reason)) {
      failures.push(`policy ${name}: reason expected ${want.reason}, got ${got.map((r) => r.reason ?? '(none)').join(', ')}`);
    }
  }
  return failures;
}

/** Each expected text must be found in a distinct warning, and there must be no other warnings. */
function checkWarnings(expected: readonly string[], actual: readonly string[]): string[] {
  const unused = [...actual];
  const failures: string[] = [];
  for (const text of expected) {
    const i = unused.findIndex((w) => w.includes(text));
    if (i < 0) failures.push(`warnings: expected one containing ${JSON.stringify(text)}`);
    else unused.splice(i, 1);
  }
  if (actual.length !== expected.length) {
    failures.push(`warnings: expected ${expected.length}, got ${actual.length}${actual.length > 0 ? `: ${actual.map((w) => JSON.stringify(w)).join('; ')}` : ''}`);
  }
  return failures;
}

/** Counts over all tests. */
export function summarize(tests: readonly TestResult[]): PolicyTestSummary {
  const cases = tests.flatMap((t) => t.cases);
  return {
    tests: tests.length,
    cases: cases.length,
    passed: cases.filter((c) => c.status === 'Passed').length,
    failed: cases.filter((c) => c.status === 'Failed').length,
    errors: cases.filter((c) => c.status === 'Error').length + tests.filter((t) => t.error !== undefined).length,
  };
}
