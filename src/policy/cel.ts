/**
 * The only module that imports `@marcbachmann/cel-js` (pinned exactly): the policy CEL environment
 * (types, variables, extension functions), load-time compilation (parse, type-check, bounds) and
 * evaluation that returns a value or an error, never throws.
 *
 * WARNING: `matches()`, `lowerAscii()` and `upperAscii()` of cel-js 8.0.0 are replaced in each
 * environment by RE2 (linear time) and ASCII-only versions, by swapping the handler of the
 * environment's own overload (cel-js offers no supported way to override a built-in). `sealScope`
 * verifies the swap took effect and throws otherwise, so a cel-js upgrade that changes its
 * internals fails loudly at load, never silently falls back to backtracking RegExp.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { estimateCost, identifiers, literalProblem, type CelNode } from './cel-ast.js';
import { distinct, identityMatches, intOfUint, lowerAscii, replace, timestampToString, upperAscii } from './functions.js';
import { globMatch } from './glob.js';
import { regexFind } from './regex.js';
import {
  CelIssuer, CelReference, CelSignature, CelSigner, ISSUER_FIELDS, parseCelReference, REFERENCE_FIELDS, SIGNATURE_FIELDS, SIGNER_FIELDS,
} from './values.js';

/** A typed object CEL expressions can read: instances of `ctor`, fields of the given CEL types. */
export interface CelTypeSpec {
  readonly name: string;
  readonly ctor: abstract new (...args: never[]) => object;
  readonly fields: Readonly<Record<string, string>>;
}

/** Declarations added to a scope: types first, then variables (name → CEL type). */
export interface CelDeclarations {
  readonly types?: readonly CelTypeSpec[];
  readonly variables?: Readonly<Record<string, string>>;
}

/** Load-time bounds of one expression. */
export interface CelLimits {
  readonly maxExpressionLength: number;
  readonly maxAstNodes: number;
  readonly maxDepth: number;
  readonly maxCost: number;
  /** Assumed size of a list of signatures. */
  readonly signatureBound: number;
  /** Assumed size of any other list or map a comprehension iterates. */
  readonly listBound: number;
}

/** A value, or the runtime error that stopped evaluation (one line). */
export type CelOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** A parsed and type-checked expression. */
export interface CelProgram {
  /** The checked result type (`bool`, `string`, `list<Signature>`, `dyn`, …). */
  readonly type: string;
  /** Identifiers the expression reads (`image`, `signatures`, comprehension variables, …). */
  readonly identifiers: ReadonlySet<string>;
  /** Evaluates over `activation` (variable name → CEL value). Never throws. */
  evaluate(activation: Readonly<Record<string, unknown>>): CelOutcome;
}

/** A compiled program, or where (offset into the expression) and why it does not compile. */
export type CelCompiled = { readonly ok: true; readonly program: CelProgram } | { readonly ok: false; readonly offset: number; readonly message: string };

type Handler = (...args: never[]) => unknown;

/** Built-ins replaced in every scope: the probe resolves the overload whose handler is swapped. */
const OVERRIDES: readonly { probe: string; signature: string; handler: Handler }[] = [
  { probe: "''.matches('')", signature: 'string.matches(string): bool', handler: (text: string, pattern: string) => regexFind(text, pattern) },
  { probe: "''.lowerAscii()", signature: 'string.lowerAscii(): string', handler: lowerAscii },
  { probe: "''.upperAscii()", signature: 'string.upperAscii(): string', handler: upperAscii },
];

const SYNC = { async: false } as const;

/** One line of an error thrown by cel-js or a handler. */
function errorText(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'the expression is nested too deeply to evaluate';
  const summary = (error as { summary?: unknown } | null)?.summary;
  const text = typeof summary === 'string' ? summary : error instanceof Error ? error.message : 'evaluation failed';
  return text.split('\n', 1)[0] ?? text;
}

function errorOffset(error: unknown): number {
  const start = (error as { range?: { start?: unknown } } | null)?.range?.start;
  return typeof start === 'number' && start >= 0 ? start : 0;
}

/** A CEL environment with its declarations fixed. Derive a child scope to declare more. */
export class CelScope {
  readonly #env: Environment;
  readonly #limits: CelLimits;

  /** Use `createPolicyScope` or `derive`. */
  private constructor(env: Environment, limits: CelLimits) {
    this.#env = env;
    this.#limits = limits;
    sealScope(env);
  }

  /** The policy base scope. Throws Error only when cel-js behaves unlike 8.0.0 (see the module WARNING). */
  static create(limits: CelLimits): CelScope {
    const env = new Environment({
      // Mixed list and map literals are list<dyn> / map<…, dyn>, as in cel-go and the CEL spec.
      homogeneousAggregateLiterals: false,
      limits: { maxAstNodes: limits.maxAstNodes, maxDepth: limits.maxDepth, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
    });
    declare(env, {
      types: [
        { name: 'Signer', ctor: CelSigner, fields: SIGNER_FIELDS },
        { name: 'Issuer', ctor: CelIssuer, fields: ISSUER_FIELDS },
        { name: 'Signature', ctor: CelSignature, fields: SIGNATURE_FIELDS },
        { name: 'Reference', ctor: CelReference, fields: REFERENCE_FIELDS },
      ],
      variables: {
        image: 'map<string, dyn>',
        signatures: 'list<Signature>',
        reference: 'Reference',
        params: 'dyn',
        now: 'google.protobuf.Timestamp',
        request: 'dyn',
      },
    });
    env
      .registerFunction('globMatch(string, string): bool', globMatch, SYNC)
      .registerFunction('parseReference(string): Reference', parseCelReference, SYNC)
      .registerFunction('identityMatches(string, string, dyn): bool', identityMatches, SYNC)
      .registerFunction('matches(string, string): bool', (text: string, pattern: string) => regexFind(text, pattern), SYNC)
      .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b), SYNC)
      .registerFunction('string.replace(string, string, int): string', replace, SYNC)
      .registerFunction('string(google.protobuf.Timestamp): string', timestampToString, SYNC)
      .registerFunction('string(google.protobuf.Duration): string', (d: { toString(): string }) => d.toString(), SYNC)
      .registerFunction('list<T>.distinct(): list<T>', distinct, SYNC)
      // Conversions cel-js 8.0.0 lacks (cel-spec conversions): int(uint), int(timestamp) in seconds, identities.
      .registerFunction('int(uint): int', intOfUint, SYNC)
      .registerFunction('int(google.protobuf.Timestamp): int', (t: Date) => BigInt(Math.floor(t.getTime() / 1000)), SYNC)
      .registerFunction('timestamp(google.protobuf.Timestamp): google.protobuf.Timestamp', (t: Date) => t, SYNC)
      .registerFunction('duration(google.protobuf.Duration): google.protobuf.Duration', (d: object) => d, SYNC);
    return new CelScope(env, limits);
  }

  /** A child scope with more declarations; this scope is unchanged. Throws Error for an invalid declaration. */
  derive(declarations: CelDeclarations): CelScope {
    const env = this.#env.clone();
    declare(env, declarations);
    return new CelScope(env, this.#limits);
  }

  /**
   * Parses and type-checks `expression` and applies the bounds (length, AST size and depth,
   * estimated cost, literal regex/glob/identity-rule arguments). Nothing is compiled later. Never throws.
   */
  compile(expression: string): CelCompiled {
    const limits = this.#limits;
    if (expression.length > limits.maxExpressionLength) {
      return { ok: false, offset: 0, message: `expression longer than ${limits.maxExpressionLength} characters` };
    }
    let parsed: ParseResult;
    try {
      parsed = this.#env.parse(expression);
    } catch (error) {
      return { ok: false, offset: errorOffset(error), message: errorText(error) };
    }
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, offset: errorOffset(checked.error), message: errorText(checked.error) };
    const root = parsed.ast as unknown as CelNode;
    const literal = literalProblem(root);
    if (literal !== null) return { ok: false, ...literal };
    const cost = estimateCost(root, (type) => (type === 'list<Signature>' ? limits.signatureBound : limits.listBound));
    if (cost > limits.maxCost) {
      return { ok: false, offset: 0, message: `estimated cost ${cost > 1e15 ? '> 1e15' : Math.round(cost)} exceeds the limit of ${limits.maxCost} (nested comprehensions over large lists?)` };
    }
    return { ok: true, program: { type: checked.type ?? 'dyn', identifiers: identifiers(root), evaluate: (activation) => run(parsed, activation) } };
  }
}

function run(parsed: ParseResult, activation: Readonly<Record<string, unknown>>): CelOutcome {
  try {
    const value: unknown = parsed(activation);
    if (value instanceof Promise) {
      value.catch(() => undefined);
      return { ok: false, error: 'the expression did not evaluate synchronously' };
    }
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

function declare(env: Environment, declarations: CelDeclarations): void {
  for (const type of declarations.types ?? []) env.registerType(type.name, { ctor: type.ctor, fields: { ...type.fields } });
  for (const [name, type] of Object.entries(declarations.variables ?? {})) env.registerVariable(name, type);
}

/** Swaps the handlers of `OVERRIDES` in `env`'s own overload table, then proves it took effect. */
function sealScope(env: Environment): void {
  for (const override of OVERRIDES) {
    const probe = env.parse(override.probe);
    probe.check();
    const declarations = (probe.ast as unknown as { candidates?: { declarations?: unknown } }).candidates?.declarations;
    if (!Array.isArray(declarations)) throw new Error(`cel-js internals changed: no overloads for ${override.signature}`);
    const index = declarations.findIndex((d) => (d as { signature?: unknown }).signature === override.signature);
    if (index === -1) throw new Error(`cel-js internals changed: ${override.signature} not found`);
    const current = declarations[index] as { handler?: unknown };
    if (current.handler !== override.handler) {
      declarations[index] = Object.create(current, { handler: { value: override.handler } }) as unknown;
    }
  }
  // `(?i)` is RE2 syntax that JavaScript's RegExp rejects: true only when RE2 runs `matches`.
  if (env.evaluate("'A'.matches('(?i)a') && 'Ä'.lowerAscii() == 'Ä'") !== true) {
    throw new Error('cel-js internals changed: matches() is not RE2');
  }
}

/**
 * The inverse of `describeCelValue` for test data: `{int}`, `{uint}`, `{bytes}`, `{timestamp}`,
 * `{duration: "<seconds>s"}` become CEL values; arrays lists; other objects maps. Throws Error for
 * a value it cannot build.
 */
export function celValueFrom(described: unknown): unknown {
  if (described === null || typeof described !== 'object') return described;
  if (Array.isArray(described)) return described.map(celValueFrom);
  const d = described as Record<string, unknown>;
  const keys = Object.keys(d);
  if (keys.length === 1) {
    const key = keys[0] ?? '';
    const v = d[key];
    if (typeof v === 'string') {
      switch (key) {
        case 'int':
          return BigInt(v);
        case 'uint':
          return new UnsignedInt(BigInt(v));
        case 'bytes':
          return new Uint8Array(Buffer.from(v, 'base64'));
        case 'timestamp':
          return new Date(v);
        case 'duration': {
          const nanos = BigInt(Math.round(Number(v.replace(/s$/, '')) * 1e9));
          return new Duration(nanos / 1_000_000_000n, Number(nanos % 1_000_000_000n));
        }
        default:
          break;
      }
    }
  }
  const map = Object.create(null) as Record<string, unknown>;
  for (const key of keys) map[key] = celValueFrom(d[key]);
  return map;
}
