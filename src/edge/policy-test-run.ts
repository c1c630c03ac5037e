/**
 * Runs PolicyTest documents: loads each test's policies and trust roots (paths relative to the test
 * file), verifies each case's Image at the test's time, evaluates the policies and compares the
 * decision with the expectation. A test that cannot load, or a case whose Image cannot be read, is
 * an error result, never a throw: the other tests still run.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../codes.js';
import { createEngine, type Engine } from '../engine.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import { formatProblem, PolicyLoadError, type PolicySet } from '../policy/load.js';
import { readImageDocuments } from './image-input.js';
import { loadTestPolicies } from './policy-test-policies.js';
import { actualOutcome, checkOutcome, type CaseResult, type TestResult } from './policy-test-check.js';
import { POLICY_TEST_KIND, readPolicyTest, type PolicyTestCase, type PolicyTestSpec } from './policy-test-spec.js';
import { readTrustSources } from './trust-input.js';
import { parseYamlDocuments } from './yaml.js';

const MAX_TEST_FILE_BYTES = 4 << 20;

/** The results of every PolicyTest document in one file, in order. Never throws. */
export async function runPolicyTestFile(source: string): Promise<TestResult[]> {
  const loadError = (line: number, error: string): TestResult[] => [{ name: source, source, line, error, cases: [] }];
  let text: string;
  try {
    const data = await readFile(source);
    if (data.length > MAX_TEST_FILE_BYTES) return loadError(1, `${source}: larger than ${MAX_TEST_FILE_BYTES} bytes`);
    text = data.toString('utf8');
  } catch (error) {
    return loadError(1, `${source}: ${ioMessage(error)}`);
  }
  const parsed = parseYamlDocuments(text, source);
  if (!parsed.ok) return loadError(parsed.error.line, formatProblem(parsed.error));
  if (parsed.documents.length === 0) return loadError(1, `${source}: no PolicyTest documents`);
  const results: TestResult[] = [];
  for (const doc of parsed.documents) {
    let spec: PolicyTestSpec;
    try {
      const kind = isObject(doc.value) ? doc.value['kind'] : undefined;
      if (kind !== POLICY_TEST_KIND) throw new ConfigError(`${source}:${doc.line}: expected kind ${POLICY_TEST_KIND}, found ${JSON.stringify(kind ?? null)}`);
      spec = readPolicyTest(doc, source);
    } catch (error) {
      results.push({ name: source, source, line: doc.line, error: errorText(error), cases: [] });
      continue;
    }
    results.push(await runPolicyTest(spec));
  }
  return results;
}

/** Loads the test's policies and trust roots, then runs every case. Never throws. */
export async function runPolicyTest(spec: PolicyTestSpec): Promise<TestResult> {
  const base = dirname(spec.source);
  let policies: PolicySet;
  let engine: Engine;
  try {
    policies = await loadTestPolicies(spec.policies.map((p) => resolve(base, p)), spec.params);
    engine = await createEngine({
      trust: await readTrustSources(spec.trust.map((p) => resolve(base, p))),
      clock: () => spec.at,
      ...(spec.identityRule !== undefined ? { identityRule: spec.identityRule } : {}),
    });
  } catch (error) {
    return { name: spec.name, source: spec.source, line: spec.line, error: `${spec.source}:${spec.line}: ${spec.name}: ${errorText(error)}`, cases: [] };
  }
  const cases: CaseResult[] = [];
  for (const c of spec.cases) cases.push(await runCase(spec, c, policies, engine));
  return { name: spec.name, source: spec.source, line: spec.line, cases };
}

async function runCase(spec: PolicyTestSpec, c: PolicyTestCase, policies: PolicySet, engine: Engine): Promise<CaseResult> {
  const error = (message: string): CaseResult => ({ name: c.name, line: c.line, status: 'Error', failures: [message], expected: c.expect });
  let untrustedImage: unknown;
  if ('inline' in c.image) {
    untrustedImage = c.image.inline;
  } else {
    const path = resolve(dirname(spec.source), c.image.path);
    const found: unknown[] = [];
    for await (const doc of readImageDocuments([path])) {
      if ('error' in doc) return error(`image ${c.image.path}: ${doc.path ? `${doc.path}: ` : ''}${doc.error}`);
      found.push(doc.image);
    }
    if (found.length !== 1) return error(`image ${c.image.path}: expected exactly one Image, found ${found.length}`);
    untrustedImage = found[0];
  }
  const at = c.at ?? spec.at;
  const result = engine.verifyImage(untrustedImage, { at, ...(c.expectedIdentity !== undefined ? { expectedIdentity: c.expectedIdentity } : {}) });
  if (result.image === null && result.problems.length > 0) {
    return error(`image ${'path' in c.image ? c.image.path : '(inline)'}: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const actual = actualOutcome(evaluatePolicies(policies, untrustedImage, result, { now: at, unmatched: spec.unmatched }));
  const failures = checkOutcome(c.expect, actual);
  return { name: c.name, line: c.line, status: failures.length === 0 ? 'Passed' : 'Failed', failures, expected: c.expect, actual };
}

function errorText(error: unknown): string {
  if (error instanceof PolicyLoadError) return error.problems.map(formatProblem).join('; ');
  return error instanceof Error ? error.message : String(error);
}

function ioMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : 'cannot read';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
