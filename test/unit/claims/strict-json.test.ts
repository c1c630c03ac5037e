import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { HARD_MAX_DEPTH, isJsonError, parseStrictJson } from '../../../src/claims/strict-json.js';
import type { JsonError, JsonValue } from '../../../src/claims/strict-json.js';

const LIMITS = { maxLength: 10_000_000, maxDepth: HARD_MAX_DEPTH };

function parse(text: string, limits: { maxLength: number; maxDepth?: number } = LIMITS): JsonValue | JsonError {
  return parseStrictJson(text, limits);
}

function ok(text: string): JsonValue {
  const result = parse(text);
  if (isJsonError(result)) throw new Error(`unexpected error for ${text}: ${result.error}`);
  return result;
}

function rejected(text: string, limits?: { maxLength: number; maxDepth?: number }): boolean {
  return isJsonError(parse(text, limits));
}

/** The value JSON.parse would build (own data properties, so a `__proto__` member stays a member). */
function toPlain(value: JsonValue): unknown {
  switch (value.kind) {
    case 'null':
      return null;
    case 'boolean':
    case 'string':
      return value.value;
    case 'number':
      return Number(value.text);
    case 'array':
      return value.items.map(toPlain);
    case 'object': {
      const out = {};
      for (const [key, member] of value.members) {
        Object.defineProperty(out, key, { value: toPlain(member), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

describe('parseStrictJson: accepted input', () => {
  it('parses every kind of value', () => {
    expect(toPlain(ok('{"a":[1,"x",true,false,null,{}],"b":{}}'))).toEqual({ a: [1, 'x', true, false, null, {}], b: {} });
  });

  it('keeps member order and number source text', () => {
    const value = ok('{"z":1.50e+3,"a":-0,"m":10}');
    expect(value.kind === 'object' && [...value.members.keys()]).toEqual(['z', 'a', 'm']);
    expect(value.kind === 'object' && [...value.members.values()]).toEqual([
      { kind: 'number', text: '1.50e+3' },
      { kind: 'number', text: '-0' },
      { kind: 'number', text: '10' },
    ]);
  });

  it('allows JSON whitespace (space, tab, CR, LF) around every token', () => {
    expect(toPlain(ok(' \t\r\n{ "a" :\n[ 1 ,\t2 ] }\r\n '))).toEqual({ a: [1, 2] });
  });

  it('decodes escapes, including lone surrogate escapes', () => {
    expect(ok('"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"')).toEqual({ kind: 'string', value: 'a"\\/\b\f\n\r\té😀' });
    expect(ok('"\\ud800"')).toEqual({ kind: 'string', value: '\ud800' });
  });

  it('accepts scalars at the top level', () => {
    expect(ok(' 42 ')).toEqual({ kind: 'number', text: '42' });
    expect(ok('null')).toEqual({ kind: 'null' });
  });
});

describe('parseStrictJson: rejected input', () => {
  it.each([
    ['top-level duplicate', '{"a":1,"a":1}'],
    ['nested duplicate', '{"a":{"b":[{"c":1,"c":2}]}}'],
    ['duplicate spelled with an escape', '{"a":1,"\\u0061":2}'],
    ['duplicate __proto__', '{"__proto__":1,"__proto__":1}'],
  ])('reports duplicate member names: %s', (_name, text) => {
    const result = parse(text);
    expect(isJsonError(result) && result.error.startsWith('Duplicate key ')).toBe(true);
  });

  it.each([
    ['object then object', '{} {}'],
    ['value then value', '1 2'],
    ['garbage', '{}x'],
    ['NUL', '{}\u0000'],
  ])('refuses trailing data: %s', (_name, text) => {
    expect(rejected(text)).toBe(true);
  });

  it.each([
    '', ' ', '\ufeff{}', '{}\u00a0', '\f{}', '{', '}', '[1,]', '{"a":1,}', '{,}', "{'a':1}", '{a:1}', '{"a" 1}',
    '[1 2]', 'tru', 'nul', 'True', 'NaN', 'Infinity', '-Infinity', 'undefined', '01', '-01', '1.', '.5', '+1',
    '-', '1e', '1e+', '0x10', '1_000', '"\\x41"', '"\\u12"', '"\\u12G4"', '"\\', '"abc', '"a\nb"', '"a\u001fb"',
    '"\\U0041"', '/* c */{}', '{}//',
  ])('rejects malformed JSON %j', (text) => {
    expect(rejected(text)).toBe(true);
  });

  it('caps nesting depth at maxDepth', () => {
    const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(rejected(nested(3), { maxLength: 100, maxDepth: 3 })).toBe(false);
    expect(rejected(nested(4), { maxLength: 100, maxDepth: 3 })).toBe(true);
    expect(rejected('{"a":{"b":{"c":{}}}}', { maxLength: 100, maxDepth: 3 })).toBe(true);
    expect(rejected(nested(32), { maxLength: 100 })).toBe(false);
    expect(rejected(nested(33), { maxLength: 100 })).toBe(true);
  });

  it('never recurses past the hard depth cap, whatever the caller asks', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const result = parse(deep, { maxLength: 1e9, maxDepth: 1e9 });
    expect(isJsonError(result)).toBe(true);
    expect(rejected(deep, { maxLength: 1e9, maxDepth: Number.NaN })).toBe(true);
    expect(rejected('['.repeat(200_000), { maxLength: 1e9 })).toBe(true);
  });

  it('caps input length', () => {
    expect(rejected('"abc"', { maxLength: 5 })).toBe(false);
    expect(rejected('"abcd"', { maxLength: 5 })).toBe(true);
    expect(rejected('1', { maxLength: Number.NaN })).toBe(true);
  });
});

/** Strings that look like JSON often enough to exercise every branch of the parser. */
const jsonSoup = fc
  .array(
    fc.constantFrom('{', '}', '[', ']', ':', ',', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', ' ', '\n',
      '\t', 'true', 'false', 'null', '"a"', '"b"', '\\u00', 'd8', '\ufeff', '\u0000', 'x'),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('parseStrictJson: agreement with JSON.parse', () => {
  test.prop([fc.json({ maxDepth: 20 })])('parses what JSON.stringify writes to the same value', (text) => {
    expect(toPlain(ok(text))).toEqual(JSON.parse(text));
  });

  test.prop([fc.jsonValue({ maxDepth: 10 }), fc.constantFrom(1, 2, '\t', '\r\n')])(
    'parses pretty-printed JSON to the same value',
    (value, indent) => {
      const text = typeof indent === 'string' ? JSON.stringify(value, null, 1).replaceAll('\n', indent) : JSON.stringify(value, null, indent);
      expect(toPlain(ok(text))).toEqual(JSON.parse(text));
    },
  );

  test.prop([fc.oneof(fc.string({ unit: 'binary' }), jsonSoup)], { numRuns: 2000 })(
    'never throws, and accepts only what JSON.parse accepts, to the same value',
    (text) => {
      const result = parse(text, { maxLength: 1000, maxDepth: 8 });
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      if (!isJsonError(result)) {
        expect(valid).toBe(true);
        expect(toPlain(result)).toEqual(expected);
      } else if (valid) {
        // JSON.parse tolerates duplicates (last wins) and any depth; those are the only differences.
        expect(result.error).toMatch(/^Duplicate key |nesting deeper than/);
      }
    },
  );
});
