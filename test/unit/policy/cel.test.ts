// The CEL wrapper (src/policy/cel.ts): compile results are values, evaluation never throws, the
// built-ins it replaces really are replaced, and describeCelValue covers every CEL value kind.
import { describe, expect, it } from 'vitest';
import { CelScope } from '../../../src/policy/cel.js';
import { describeCelValue } from '../../../src/policy/describe.js';
import { policyCelScope } from '../../../src/policy/load.js';

const scope = policyCelScope().derive({ variables: { x: 'dyn', n: 'int' } });

describe('compile', () => {
  it('returns the checked type', () => {
    const compiled = scope.compile('signatures.filter(s, s.trusted)');
    expect(compiled.ok && compiled.program.type).toBe('list<Signature>');
  });

  it('returns syntax and type errors with the offset, never throws', () => {
    expect(scope.compile('1 +')).toMatchObject({ ok: false });
    const typed = scope.compile('n + "a"');
    expect(typed.ok).toBe(false);
    if (!typed.ok) expect(typed.offset).toBe(0);
    const unknown = scope.compile('size(signatures) + nope');
    if (!unknown.ok) expect(unknown.offset).toBe(19);
  });

  it('lists the identifiers an expression reads', () => {
    const compiled = scope.compile('image.metadata.name == x && signatures.exists(s, s.trusted)');
    expect(compiled.ok && [...compiled.program.identifiers].sort()).toEqual(['image', 's', 'signatures', 'x']);
  });
});

describe('evaluate never throws', () => {
  it.each([
    ['x.missing', { x: {} }],
    ['x / 0 == 1', { x: 1n }],
    ['n + 1 > 0', { n: 'not an int' }],
    ['int(x) > 0', { x: 'abc' }],
    ['x.matches(x)', { x: '(' }],
    ['n > 0', {}],
    ['[1, 2][5] == 1', {}],
    ['9223372036854775807 + n > 0', { n: 1n }],
  ])('%s is an error outcome', (expression, activation) => {
    const compiled = scope.compile(expression);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const outcome = compiled.program.evaluate(activation);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).not.toContain('\n');
  });

  it('a getter that throws inside the activation is an error outcome', () => {
    const compiled = scope.compile('x == 1');
    const activation = Object.defineProperty({}, 'x', { get: () => { throw new RangeError('boom'); } });
    expect(compiled.ok && compiled.program.evaluate(activation).ok).toBe(false);
  });
});

describe('replaced built-ins', () => {
  it('every scope, including derived ones, runs RE2 matches and ASCII-only case mapping', () => {
    for (const s of [policyCelScope(), scope, scope.derive({ variables: { y: 'string' } })]) {
      const compiled = s.compile("'ABC'.matches('(?i)abc') && 'É'.lowerAscii() == 'É' && 'é'.upperAscii() == 'é'");
      expect(compiled.ok && compiled.program.evaluate({})).toEqual({ ok: true, value: true });
    }
  });

  it('CelScope.create verifies the swap (it is what throws when cel-js internals change)', () => {
    expect(() => CelScope.create({ maxExpressionLength: 100, maxAstNodes: 100, maxDepth: 10, maxCost: 100, signatureBound: 2, listBound: 2 })).not.toThrow();
  });
});

describe('describeCelValue', () => {
  const value = (expression: string): unknown => {
    const compiled = scope.compile(expression);
    if (!compiled.ok) throw new Error(compiled.message);
    const outcome = compiled.program.evaluate({});
    if (!outcome.ok) throw new Error(outcome.error);
    return describeCelValue(outcome.value);
  };
  it.each([
    ['1', { int: '1' }],
    ['1u', { uint: '1' }],
    ['1.5', 1.5],
    ['"s"', 's'],
    ['b"ab"', { bytes: 'YWI=' }],
    ['null', null],
    ['[1, 2]', [{ int: '1' }, { int: '2' }]],
    ['{"k": true}', { k: true }],
    ['timestamp("2026-01-01T00:00:00Z")', { timestamp: '2026-01-01T00:00:00.000Z' }],
    ['duration("1m")', { duration: '60s' }],
    ['type(1)', { type: 'int' }],
  ])('%s', (expression, expected) => {
    expect(value(expression)).toEqual(expected);
  });
});
