// The cel-spec "simple" conformance files (test/fixtures/cel-spec, Apache-2.0, see its
// LICENSE-NOTICE.md) run through the policy CEL environment: the same scope, extension functions
// and replaced built-ins (RE2 matches) policies compile in. Type checking is always on, as for
// policies. Skips are rule-based (whole categories the environment does not offer) or listed by
// name in SKIPS, each with its reason; a listed test that starts passing fails this file, so the
// list stays honest.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { celValueFrom, type CelScope } from '../../src/policy/cel.js';
import { describeCelValue } from '../../src/policy/describe.js';
import { policyCelScope } from '../../src/policy/load.js';
import { field, fieldsNamed, messageOf, parseTextProto, text, type Field, type TextValue } from './textproto.js';
import { SKIPS } from './cel-spec-skips.js';

const DIR = new URL('../fixtures/cel-spec/', import.meta.url);

interface Case {
  readonly id: string;
  readonly expr: string;
  readonly test: readonly Field[];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.textproto')).sort()) {
    const doc = parseTextProto(readFileSync(new URL(file, DIR), 'utf8'));
    const fileName = text(field(doc, 'name')) ?? file;
    for (const section of fieldsNamed(doc, 'section')) {
      const sectionFields = messageOf(section);
      const sectionName = text(field(sectionFields, 'name')) ?? '';
      for (const test of fieldsNamed(sectionFields, 'test')) {
        const fields = messageOf(test);
        out.push({ id: `${fileName}/${sectionName}/${text(field(fields, 'name')) ?? ''}`, expr: text(field(fields, 'expr')) ?? '', test: fields });
      }
    }
  }
  return out;
}

class Unsupported extends Error {}

const PRIMITIVES: Record<string, string> = { INT64: 'int', UINT64: 'uint', DOUBLE: 'double', STRING: 'string', BOOL: 'bool', BYTES: 'bytes' };

/** A conformance `Type` message as a cel-js type name. */
function typeName(type: readonly Field[]): string {
  const primitive = text(field(type, 'primitive'));
  if (primitive !== undefined) return PRIMITIVES[primitive] ?? 'dyn';
  const message = text(field(type, 'message_type'));
  if (message === 'google.protobuf.Duration' || message === 'google.protobuf.Timestamp') return message;
  const list = field(type, 'list_type');
  if (list) return `list<${typeName(messageOf(field(messageOf(list), 'elem_type')))}>`;
  const map = field(type, 'map_type');
  if (map) return `map<${typeName(messageOf(field(messageOf(map), 'key_type')))}, ${typeName(messageOf(field(messageOf(map), 'value_type')))}>`;
  if (field(type, 'dyn') !== undefined) return 'dyn';
  throw new Unsupported('a declared type other than primitives, lists, maps, Duration and Timestamp');
}

/** A conformance `Value` message as `describeCelValue` renders the same CEL value. */
function expected(value: readonly Field[]): unknown {
  const [entry] = value;
  if (entry === undefined) throw new Unsupported('an empty value');
  const [kind, v] = entry;
  const scalar = v.kind === 'scalar' ? v.text : '';
  switch (kind) {
    case 'int64_value':
      return { int: BigInt(scalar).toString() };
    case 'uint64_value':
      return { uint: BigInt(scalar).toString() };
    case 'double_value':
      return /^-?inf/i.test(scalar) ? (scalar.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(scalar) ? Number.NaN : Number(scalar);
    case 'string_value':
      return text(v) ?? '';
    case 'bytes_value':
      return { bytes: Buffer.from(v.kind === 'scalar' && v.bytes ? v.bytes : []).toString('base64') };
    case 'bool_value':
      return scalar === 'true';
    case 'null_value':
      return null;
    case 'type_value':
      return { type: text(v) };
    case 'list_value':
      return fieldsNamed(messageOf(v), 'values').map((item) => expected(messageOf(item)));
    case 'map_value': {
      const out: Record<string, unknown> = {};
      for (const entryValue of fieldsNamed(messageOf(v), 'entries')) {
        const key = expected(messageOf(field(messageOf(entryValue), 'key')));
        const keyText = typeof key === 'object' && key !== null ? Object.values(key)[0] : key;
        out[String(keyText)] = expected(messageOf(field(messageOf(entryValue), 'value')));
      }
      return out;
    }
    case 'object_value': {
      const [[anyType, body] = ['', undefined as TextValue | undefined]] = messageOf(v);
      const seconds = BigInt(text(field(messageOf(body), 'seconds')) ?? '0');
      const nanos = Number(text(field(messageOf(body), 'nanos')) ?? '0');
      if (anyType.endsWith('google.protobuf.Duration]')) return { duration: `${seconds}${nanos ? (nanos / 1e9).toString().slice(1) : ''}s` };
      if (anyType.endsWith('google.protobuf.Timestamp]')) return { timestamp: new Date(Number(seconds) * 1000 + nanos / 1e6).toISOString() };
      throw new Unsupported('protobuf message values: cel-js has no protobuf registry (policies read maps)');
    }
    default:
      throw new Unsupported(`${kind} results`);
  }
}

type Outcome = { status: 'pass' } | { status: 'fail'; detail: string } | { status: 'skip'; reason: string };

const scopes = new Map<string, CelScope>();
const base = policyCelScope();

function scopeFor(variables: Record<string, string>): CelScope {
  const key = JSON.stringify(variables);
  let scope = scopes.get(key);
  if (scope === undefined) {
    scope = base.derive({ variables });
    scopes.set(key, scope);
  }
  return scope;
}

function run(c: Case): Outcome {
  try {
    if (field(c.test, 'container') !== undefined) return { status: 'skip', reason: 'needs a container (protobuf package names); the policy environment has none' };
    const variables: Record<string, string> = {};
    for (const decl of fieldsNamed(c.test, 'type_env')) {
      const d = messageOf(decl);
      const ident = field(d, 'ident');
      if (ident === undefined) return { status: 'skip', reason: 'declares functions; the policy environment has a fixed function set' };
      variables[text(field(d, 'name')) ?? ''] = typeName(messageOf(field(messageOf(ident), 'type')));
    }
    const activation: Record<string, unknown> = {};
    for (const binding of fieldsNamed(c.test, 'bindings')) {
      const b = messageOf(binding);
      const name = text(field(b, 'key')) ?? '';
      activation[name] = celValueFrom(expected(messageOf(field(messageOf(field(b, 'value')), 'value'))));
      variables[name] ??= 'dyn';
    }
    const wantsError = field(c.test, 'eval_error') !== undefined;
    const value = field(c.test, 'value');
    if (!wantsError && value === undefined) return { status: 'skip', reason: 'no value or eval_error to compare (typed_result / unknown results)' };
    const want = value === undefined ? undefined : expected(messageOf(value));
    let scope: CelScope;
    try {
      scope = scopeFor(variables);
    } catch (error) {
      return { status: 'fail', detail: `declaration refused: ${(error as Error).message}` };
    }
    const compiled = scope.compile(c.expr);
    if (!compiled.ok) return wantsError ? { status: 'pass' } : { status: 'fail', detail: `compile: ${compiled.message}` };
    const outcome = compiled.program.evaluate(activation);
    if (wantsError) return outcome.ok ? { status: 'fail', detail: `expected an error, got ${JSON.stringify(describeCelValue(outcome.value), bigints)}` } : { status: 'pass' };
    if (!outcome.ok) return { status: 'fail', detail: `eval: ${outcome.error}` };
    const got = describeCelValue(outcome.value);
    return same(got, want) ? { status: 'pass' } : { status: 'fail', detail: `got ${JSON.stringify(got, bigints)}, want ${JSON.stringify(want, bigints)}` };
  } catch (error) {
    if (error instanceof Unsupported) return { status: 'skip', reason: error.message };
    return { status: 'fail', detail: `runner: ${(error as Error).message}` };
  }
}

const bigints = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

const all = cases();
const results = all.map((c) => ({ c, outcome: run(c) }));

describe('cel-spec conformance through the policy environment', () => {
  it('reports the pass rate', () => {
    const count = (status: Outcome['status']) => results.filter((r) => r.outcome.status === status).length;
    const listed = results.filter((r) => r.outcome.status === 'fail' && SKIPS[r.c.id] !== undefined).length;
    const passed = count('pass');
    const run = all.length - count('skip');
    console.log(`cel-spec: ${passed}/${run} run tests pass (${((100 * passed) / run).toFixed(1)} %); ${count('skip')} of ${all.length} skipped by rule, ${listed} listed as known failures`);
    const reasons = new Map<string, number>();
    for (const r of results) if (r.outcome.status === 'skip') reasons.set(r.outcome.reason, (reasons.get(r.outcome.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) console.log(`  skipped by rule (${n}): ${reason}`);
    if (process.env['CEL_SPEC_DUMP']) for (const r of results) if (r.outcome.status === 'fail' && SKIPS[r.c.id] === undefined) console.log(`  '${r.c.id}': ${JSON.stringify(r.c.expr)} ${r.outcome.detail}`);
    expect(passed / run).toBeGreaterThan(0.8);
  });

  it.each(results.filter((r) => r.outcome.status !== 'skip').map((r) => [r.c.id, r] as const))('%s', (id, r) => {
    const known = SKIPS[id];
    if (known !== undefined) {
      expect(r.outcome.status, `listed in SKIPS (${known}) but passes: remove it`).toBe('fail');
      return;
    }
    expect(r.outcome, r.c.expr).toEqual({ status: 'pass' });
  });

  it('every SKIPS entry names a test that exists and says why', () => {
    const ids = new Set(all.map((c) => c.id));
    for (const [id, why] of Object.entries(SKIPS)) {
      expect(ids.has(id), id).toBe(true);
      expect(why.length).toBeGreaterThan(10);
    }
  });
});
