/**
 * Reads `PolicyTest` documents (apiVersion imagetrust.io/v1alpha1): which policies and trust roots to
 * load, the evaluation time, and cases of an Image with its expected decision. Strict: unknown
 * fields, wrong types and bad values are a `ConfigError` naming `file:line`. Paths stay relative
 * here; the runner resolves them against the test file's folder.
 */
import { ConfigError } from '../codes.js';
import { parseIdentityRule, type IdentityRule } from '../identity/rules.js';
import type { JsonObject } from '../types.js';
import { parseRfc3339 } from './rfc3339.js';
import type { YamlDocument } from './yaml.js';

export const POLICY_TEST_KIND = 'PolicyTest';
export const API_VERSION = 'imagetrust.io/v1alpha1';

/** What one policy's result must be: `true`/`false` is shorthand for `{applied: true, passed}`. */
export interface ExpectedPolicy {
  readonly applied?: boolean;
  readonly passed?: boolean;
  readonly reason?: string;
}

export interface ExpectedOutcome {
  readonly decision: 'Allowed' | 'Denied';
  readonly reason?: string;
  /** Each must be a substring of a distinct warning, and the counts must be equal. */
  readonly warnings?: readonly string[];
  readonly policies?: Readonly<Record<string, ExpectedPolicy>>;
}

export interface PolicyTestCase {
  readonly name: string;
  readonly line: number;
  /** A path relative to the test file, or an inline Image. */
  readonly image: { readonly path: string } | { readonly inline: JsonObject };
  readonly at?: Date;
  readonly expectedIdentity?: string;
  readonly expect: ExpectedOutcome;
}

export interface PolicyTestSpec {
  readonly name: string;
  /** The test file. */
  readonly source: string;
  readonly line: number;
  readonly policies: readonly string[];
  readonly trust: readonly string[];
  readonly at: Date;
  readonly unmatched: 'allow' | 'deny';
  readonly identityRule?: IdentityRule;
  /** Per policy name, params that replace the policy's own `spec.params` for this test. */
  readonly params: Readonly<Record<string, JsonObject>>;
  readonly cases: readonly PolicyTestCase[];
}

type Path = readonly (string | number)[];

/** Throws ConfigError naming `source:line` for anything that is not a valid PolicyTest. */
export function readPolicyTest(doc: YamlDocument, source: string): PolicyTestSpec {
  const fail = (at: Path, message: string): never => {
    throw new ConfigError(`${source}:${doc.lineOf(at) ?? doc.line}: ${message}`);
  };
  const obj = (value: unknown, at: Path, allowed: readonly string[], what: string): JsonObject => {
    if (!isObject(value)) return fail(at, `${what} must be a mapping`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) fail([...at, key], `unknown field ${JSON.stringify(key)} in ${what} (allowed: ${allowed.join(', ')})`);
    }
    return value;
  };
  const str = (value: unknown, at: Path, what: string): string =>
    typeof value === 'string' && value !== '' ? value : fail(at, `${what} must be a non-empty string`);
  const strings = (value: unknown, at: Path, what: string): string[] => {
    if (!Array.isArray(value) || value.length === 0) return fail(at, `${what} must be a non-empty list of paths`);
    return value.map((v, i) => str(v, [...at, i], `${what}[${i}]`));
  };
  const time = (value: unknown, at: Path, what: string): Date =>
    (typeof value === 'string' ? parseRfc3339(value) : undefined) ?? fail(at, `${what} must be an RFC 3339 time such as 2026-01-01T00:00:00Z`);

  const top = obj(doc.value, [], ['apiVersion', 'kind', 'metadata', 'spec'], 'a PolicyTest');
  if (top['apiVersion'] !== API_VERSION || top['kind'] !== POLICY_TEST_KIND) fail([], `expected apiVersion ${API_VERSION}, kind ${POLICY_TEST_KIND}`);
  const metadata = obj(top['metadata'], ['metadata'], ['name'], 'metadata');
  const name = str(metadata['name'], ['metadata', 'name'], 'metadata.name');
  const spec = obj(top['spec'], ['spec'], ['policies', 'trust', 'at', 'unmatched', 'identityRule', 'params', 'cases'], 'spec');
  const rawUnmatched = spec['unmatched'] ?? 'deny';
  const unmatched = rawUnmatched === 'allow' || rawUnmatched === 'deny' ? rawUnmatched : fail(['spec', 'unmatched'], 'spec.unmatched must be allow or deny');

  const params: Record<string, JsonObject> = {};
  if (spec['params'] !== undefined) {
    const byPolicy = obj(spec['params'], ['spec', 'params'], Object.keys(isObject(spec['params']) ? spec['params'] : {}), 'spec.params');
    for (const [policy, value] of Object.entries(byPolicy)) {
      if (!isObject(value)) fail(['spec', 'params', policy], `spec.params.${policy} must be a mapping (the params of policy ${policy})`);
      params[policy] = value as JsonObject;
    }
  }

  const rawCases = spec['cases'];
  if (!Array.isArray(rawCases) || rawCases.length === 0) fail(['spec', 'cases'], 'spec.cases must be a non-empty list');
  const names = new Set<string>();
  const cases = (rawCases as unknown[]).map((raw, i): PolicyTestCase => {
    const at: Path = ['spec', 'cases', i];
    const c = obj(raw, at, ['name', 'image', 'at', 'expectedIdentity', 'expect'], `spec.cases[${i}]`);
    const caseName = str(c['name'], [...at, 'name'], `spec.cases[${i}].name`);
    if (names.has(caseName)) fail([...at, 'name'], `duplicate case name ${JSON.stringify(caseName)}`);
    names.add(caseName);
    const image = c['image'];
    const imageRef = typeof image === 'string' && image !== '' ? { path: image }
      : isObject(image) ? { inline: image }
      : fail([...at, 'image'], `spec.cases[${i}].image must be a path or an inline Image`);
    return {
      name: caseName,
      line: doc.lineOf(at) ?? doc.line,
      image: imageRef,
      ...(c['at'] !== undefined ? { at: time(c['at'], [...at, 'at'], `spec.cases[${i}].at`) } : {}),
      ...(c['expectedIdentity'] !== undefined ? { expectedIdentity: str(c['expectedIdentity'], [...at, 'expectedIdentity'], 'expectedIdentity') } : {}),
      expect: readExpect(c['expect'], [...at, 'expect'], obj, str, fail),
    };
  });

  return {
    name,
    source,
    line: doc.line,
    policies: strings(spec['policies'], ['spec', 'policies'], 'spec.policies'),
    trust: strings(spec['trust'], ['spec', 'trust'], 'spec.trust'),
    at: time(spec['at'], ['spec', 'at'], 'spec.at'),
    unmatched,
    ...(spec['identityRule'] !== undefined ? { identityRule: identityRule(spec['identityRule'], (m) => fail(['spec', 'identityRule'], m)) } : {}),
    params,
    cases,
  };
}

function readExpect(
  value: unknown,
  at: Path,
  obj: (value: unknown, at: Path, allowed: readonly string[], what: string) => JsonObject,
  str: (value: unknown, at: Path, what: string) => string,
  fail: (at: Path, message: string) => never,
): ExpectedOutcome {
  const e = obj(value, at, ['decision', 'reason', 'warnings', 'policies'], 'expect');
  const decision = e['decision'];
  if (decision !== 'Allowed' && decision !== 'Denied') return fail([...at, 'decision'], 'expect.decision must be Allowed or Denied');
  let warnings: string[] | undefined;
  if (e['warnings'] !== undefined) {
    const raw = e['warnings'];
    if (!Array.isArray(raw)) return fail([...at, 'warnings'], 'expect.warnings must be a list of strings ([] for none)');
    warnings = raw.map((w, i) => (typeof w === 'string' ? w : fail([...at, 'warnings', i], 'expect.warnings must be a list of strings')));
  }
  let policies: Record<string, ExpectedPolicy> | undefined;
  if (e['policies'] !== undefined) {
    const raw = e['policies'];
    if (!isObject(raw)) return fail([...at, 'policies'], 'expect.policies must map policy names to true, false or {applied, passed, reason}');
    policies = {};
    for (const [name, v] of Object.entries(raw)) {
      const where: Path = [...at, 'policies', name];
      if (typeof v === 'boolean') {
        policies[name] = { applied: true, passed: v };
        continue;
      }
      const p = obj(v, where, ['applied', 'passed', 'reason'], `expect.policies.${name}`);
      const flag = (key: 'applied' | 'passed'): boolean | undefined => {
        const f = p[key];
        return f === undefined || typeof f === 'boolean' ? f : fail([...where, key], `expect.policies.${name}.${key} must be true or false`);
      };
      const applied = flag('applied');
      const passed = flag('passed');
      policies[name] = {
        ...(applied !== undefined ? { applied } : {}),
        ...(passed !== undefined ? { passed } : {}),
        ...(p['reason'] !== undefined ? { reason: str(p['reason'], [...where, 'reason'], 'reason') } : {}),
      };
    }
  }
  return {
    decision,
    ...(e['reason'] !== undefined ? { reason: str(e['reason'], [...at, 'reason'], 'expect.reason') } : {}),
    ...(warnings !== undefined ? { warnings } : {}),
    ...(policies !== undefined ? { policies } : {}),
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function identityRule(value: unknown, fail: (message: string) => never): IdentityRule {
  try {
    return parseIdentityRule(value);
  } catch (error) {
    return fail(`spec.identityRule: ${error instanceof Error ? error.message : String(error)}`);
  }
}
