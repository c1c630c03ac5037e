/**
 * Loading `ImagePolicy` documents into a `PolicySet`: the shape is checked strictly and every CEL
 * expression is parsed and type-checked against the declared variable types, once, here. Nothing
 * is compiled when Images are evaluated. The core takes already-parsed documents with a position
 * lookup (YAML stays at the edge: `src/edge/policy-input.ts` reads files and text).
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../codes.js';
import { CelScope, type CelProgram } from './cel.js';
import { readPolicyDocument, type ExpressionSource, type Path, type PolicySpec } from './document.js';
import type { PolicyLimits, PolicyProblem, ValidationAction } from './types.js';
import { toCelValue } from './values.js';
import { LazyVariables } from './variables.js';

/** One parsed document: its JSON value, where it came from, and positions of its nodes. */
export interface PolicyDocumentInput {
  readonly value: unknown;
  /** File name (or any label) for problems. */
  readonly source: string;
  /**
   * 1-based line and column of the node at `path` (and, with `offset`, of that character of a
   * string node), or undefined when unknown. Without it problems carry line 0, col 0.
   */
  readonly positionOf?: (path: readonly (string | number)[], offset?: number) => { line: number; col: number } | undefined;
}

/** A compiled validation. */
export interface CompiledValidation {
  readonly program: CelProgram;
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: CelProgram;
  readonly reason: string;
}

/** A compiled policy. Opaque to callers: only `evaluatePolicies` reads it. */
export interface CompiledPolicy {
  readonly name: string;
  readonly source: string;
  readonly images: readonly string[] | null;
  readonly matchConditions: readonly { readonly name: string; readonly program: CelProgram }[];
  readonly variables: ReadonlyMap<string, CelProgram>;
  readonly validations: readonly CompiledValidation[];
  readonly actions: readonly ValidationAction[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  /** `params` as CEL values. */
  readonly params: unknown;
  readonly usesImage: boolean;
  readonly usesRequest: boolean;
  readonly usesReference: boolean;
}

/** Compiled policies, in load order, with the limits they were checked against. */
export interface PolicySet {
  /** Changes whenever the documents or limits change (SHA-256 over both). */
  readonly revision: string;
  readonly policies: readonly CompiledPolicy[];
  readonly limits: Required<PolicyLimits>;
}

/** Thrown by `compilePolicies` with every problem found; `message` has one `file:line:col: message` per line. */
export class PolicyLoadError extends ConfigError {
  readonly problems: readonly PolicyProblem[];
  constructor(problems: readonly PolicyProblem[]) {
    super('policy load failed');
    this.name = 'PolicyLoadError';
    this.problems = problems;
    this.message = problems.map(formatProblem).join('\n');
  }
}

/** `file:line:col: message`. */
export function formatProblem(problem: PolicyProblem): string {
  return `${problem.source}:${problem.line}:${problem.col}: ${problem.message}`;
}

export const DEFAULT_POLICY_LIMITS: Required<PolicyLimits> = Object.freeze({
  maxExpressionLength: 5000,
  maxAstNodes: 2000,
  maxDepth: 50,
  maxCost: 10_000_000,
  maxSignatures: 64,
  maxListLength: 4096,
  maxExpressionsPerList: 64,
});

/** Throws ConfigError for a limit that is not a positive safe integer. */
export function resolveLimits(options: PolicyLimits = {}): Required<PolicyLimits> {
  const limits = { ...DEFAULT_POLICY_LIMITS };
  for (const [key, value] of Object.entries(options) as [keyof PolicyLimits, unknown][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_POLICY_LIMITS)) throw new ConfigError(`unknown policy limit ${key}`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`policy limit ${key} must be a positive integer`);
    limits[key] = value;
  }
  return Object.freeze(limits);
}

const scopes = new Map<string, CelScope>();

/**
 * The CEL scope policies compile in (types, variables and functions of contract section 8, without
 * `variables`), for tools and tests. Throws ConfigError for invalid limits.
 */
export function policyCelScope(options?: PolicyLimits): CelScope {
  return baseScope(resolveLimits(options));
}

function baseScope(limits: Required<PolicyLimits>): CelScope {
  const key = JSON.stringify(limits);
  let scope = scopes.get(key);
  if (scope === undefined) {
    scope = CelScope.create({
      maxExpressionLength: limits.maxExpressionLength,
      maxAstNodes: limits.maxAstNodes,
      maxDepth: limits.maxDepth,
      maxCost: limits.maxCost,
      signatureBound: limits.maxSignatures,
      listBound: limits.maxListLength,
    });
    scopes.set(key, scope);
  }
  return scope;
}

/** A scope where `variables` has the given fields (name → checked CEL type). */
function variablesScope(base: CelScope, fields: Readonly<Record<string, string>>): CelScope {
  return base.derive({ types: [{ name: 'Variables', ctor: LazyVariables, fields }], variables: { variables: 'Variables' } });
}

/** A checked type usable as a field type: placeholders (`list<T>` of `[]`) become dyn. */
function fieldType(type: string): string {
  return type.replace(/\b[A-Z]\b/g, 'dyn');
}

/**
 * Checks and compiles every document (several may come from one file). Throws PolicyLoadError
 * with ALL problems found (shape, names, globs, CEL syntax and types, bounds), each with the
 * position of the offending node or expression character; throws ConfigError for invalid limits.
 * An empty list of documents gives an empty set.
 */
export function compilePolicies(documents: readonly PolicyDocumentInput[], options?: PolicyLimits): PolicySet {
  const limits = resolveLimits(options);
  const base = baseScope(limits);
  const problems: PolicyProblem[] = [];
  const policies: CompiledPolicy[] = [];
  const names = new Map<string, string>();
  for (const doc of documents) {
    const at = (path: Path, offset?: number): { line: number; col: number } =>
      (offset === undefined ? undefined : doc.positionOf?.(path, offset)) ?? doc.positionOf?.(path) ?? { line: 0, col: 0 };
    const report = (path: Path, message: string, offset?: number): void => {
      problems.push({ source: doc.source, ...at(path, offset), message });
    };
    const { spec, problems: shape } = readPolicyDocument(doc.value, limits.maxExpressionsPerList);
    for (const p of shape) report(p.path, p.message);
    if (spec === null) continue;
    if (spec.name !== '') {
      const earlier = names.get(spec.name);
      if (earlier !== undefined) report(['metadata', 'name'], `duplicate policy name ${JSON.stringify(spec.name)} (also in ${earlier})`);
      names.set(spec.name, doc.source);
    }
    const compiled = compileSpec(spec, doc.source, base, limits, report);
    if (compiled !== null && shape.length === 0) policies.push(compiled);
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  const revision = createHash('sha256')
    .update(JSON.stringify([limits, documents.map((d) => [d.source, d.value])]))
    .digest('hex');
  return Object.freeze({ revision, policies: Object.freeze(policies), limits });
}

type Report = (path: Path, message: string, offset?: number) => void;

function compileSpec(spec: PolicySpec, source: string, base: CelScope, limits: Required<PolicyLimits>, report: Report): CompiledPolicy | null {
  let ok = true;
  const compile = (scope: CelScope, expr: ExpressionSource, want: 'bool' | 'string' | 'any', what: string): CelProgram | null => {
    const result = scope.compile(expr.text);
    if (!result.ok) {
      report(expr.path, `${what}: ${result.message}`, result.offset);
      ok = false;
      return null;
    }
    const type = result.program.type;
    if (want !== 'any' && type !== want && !type.startsWith('dyn')) {
      report(expr.path, `${what} must evaluate to ${want}, not ${type}`, 0);
      ok = false;
      return null;
    }
    return result.program;
  };

  const fields: Record<string, string> = {};
  const noVariables = variablesScope(base, {});
  const variables = new Map<string, CelProgram>();
  for (const v of spec.variables) {
    const program = compile(variablesScope(base, fields), v.expression, 'any', `variable ${v.name}`);
    // A variable that does not compile is still declared (as dyn), so later expressions report their own problems.
    fields[v.name] = program === null ? 'dyn' : fieldType(program.type);
    if (program !== null) variables.set(v.name, program);
  }
  const full = spec.variables.length === 0 ? noVariables : variablesScope(base, fields);
  const matchConditions = spec.matchConditions.map((m) => ({ name: m.name, program: compile(noVariables, m.expression, 'bool', `matchCondition ${m.name}`) }));
  const validations = spec.validations.map((v, i) => ({
    spec: v,
    program: compile(full, v.expression, 'bool', `validation ${i}`),
    messageExpression: v.messageExpression === undefined ? undefined : compile(full, v.messageExpression, 'string', `messageExpression of validation ${i}`),
  }));
  const params = toCelValue(spec.params, { maxValues: 100_000, maxListLength: limits.maxListLength, maxDepth: 64 });
  if (!params.ok) {
    report(['spec', 'params'], `params: ${params.error}`);
    ok = false;
  }
  if (!ok || !params.ok) return null;

  const programs: CelProgram[] = [...variables.values()];
  const compiledValidations: CompiledValidation[] = [];
  for (const v of validations) {
    if (v.program === null) return null;
    programs.push(v.program);
    if (v.messageExpression) programs.push(v.messageExpression);
    compiledValidations.push({
      program: v.program,
      expression: v.spec.expression.text,
      reason: v.spec.reason ?? 'Invalid',
      ...(v.spec.message === undefined ? {} : { message: v.spec.message }),
      ...(v.messageExpression ? { messageExpression: v.messageExpression } : {}),
    });
  }
  const conditions: { name: string; program: CelProgram }[] = [];
  for (const m of matchConditions) {
    if (m.program === null) return null;
    programs.push(m.program);
    conditions.push({ name: m.name, program: m.program });
  }
  const uses = (name: string): boolean => programs.some((p) => p.identifiers.has(name));
  return Object.freeze({
    name: spec.name,
    source,
    images: spec.images,
    matchConditions: conditions,
    variables,
    validations: compiledValidations,
    actions: spec.actions,
    failurePolicy: spec.failurePolicy,
    params: params.value,
    usesImage: uses('image'),
    usesRequest: uses('request'),
    usesReference: uses('reference'),
  });
}
