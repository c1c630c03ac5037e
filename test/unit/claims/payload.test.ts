import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isFailure } from '../../../src/codes.js';
import type { Failure } from '../../../src/codes.js';
import { digestProblem } from '../../../src/digest.js';
import type { SignedClaims } from '../../../src/types.js';
import { MAX_PAYLOAD_BYTES, MAX_TIMESTAMP, parsePayload } from '../../../src/claims/payload.js';

const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const REF = 'registry.example.com/ns/app:v1';
const fixture = (name: string): Uint8Array => readFileSync(new URL(`../../fixtures/payloads/${name}.json`, import.meta.url));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (text: string): SignedClaims | Failure => parsePayload(bytes(text));
const code = (result: SignedClaims | Failure): string => (isFailure(result) ? result.code : 'ok');

function claims(result: SignedClaims | Failure): SignedClaims {
  if (isFailure(result)) throw new Error(`unexpected ${result.code}: ${result.message}`);
  return result;
}

/** base.json with `optional` replaced by the given JSON text. */
const withOptional = (optional: string): string =>
  `{"critical":{"identity":{"docker-reference":"${REF}"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":${optional}}`;
const BASE = withOptional('{}');

describe('parsePayload: containers-image fixture payloads', () => {
  it.each([
    ['base', { manifestDigest: DIGEST, dockerReference: REF }],
    ['valid-openshift-identity', { manifestDigest: DIGEST, dockerReference: REF, creator: 'generated test vector', timestamp: 1700000000 }],
    ['unknown-optional-member', { manifestDigest: DIGEST, dockerReference: REF, creator: 'generated test vector', timestamp: 1700000000 }],
  ])('accepts %s', (name, expected) => {
    expect(parsePayload(fixture(name))).toStrictEqual(expected);
  });

  it.each(['wrong-type', 'unknown-critical-member', 'missing-identity', 'duplicate-key', 'fractional-timestamp', 'invalid-digest', 'trailing-data'])(
    'rejects %s with InvalidPayload',
    (name) => {
      expect(code(parsePayload(fixture(name)))).toBe('InvalidPayload');
    },
  );

  it('accepts P1 (image.signature) with the trailing space in the creator', () => {
    const p1 = `{"critical":{"identity":{"docker-reference":"testing/manifest"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{"creator":"atomic ","timestamp":1458239713}}`;
    expect(parse(p1)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: 'testing/manifest', creator: 'atomic ', timestamp: 1458239713 });
  });

  it('accepts P2 (subkey.signature) with creator and timestamp absent, not empty', () => {
    const p2 = `{"critical":{"identity":{"docker-reference":"testing/manifest:latest"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{}}`;
    const result = claims(parse(p2));
    expect(result).toStrictEqual({ manifestDigest: DIGEST, dockerReference: 'testing/manifest:latest' });
    expect('creator' in result || 'timestamp' in result).toBe(false);
  });

  it('rejects invalid-blob.signature content (not JSON)', () => {
    expect(code(parse('This is not JSON\n'))).toBe('InvalidPayload');
  });
});

describe('parsePayload: layouts real signers write', () => {
  it('accepts pretty-printed multi-line JSON (OpenShift CI)', () => {
    const text = `${JSON.stringify(JSON.parse(withOptional('{"creator":"ci","timestamp":1700000000}')), null, 4)}\n`;
    expect(parse(text)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: REF, creator: 'ci', timestamp: 1700000000 });
  });

  it('accepts Red Hat style spaced JSON with another member order and no timestamp', () => {
    const text = `{"critical": {"type": "atomic container signature", "image": {"docker-manifest-digest": "${DIGEST}"}, "identity": {"docker-reference": "registry.access.redhat.com/ubi9/ubi:latest"}}, "optional": {"creator": "Red Hat RCM Pub 0.1.0"}}`;
    expect(parse(text)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: 'registry.access.redhat.com/ubi9/ubi:latest', creator: 'Red Hat RCM Pub 0.1.0' });
  });

  it.each([[' \t\r\n'], ['\n'], ['\r\n\r\n']])('accepts JSON whitespace %j around and inside', (ws) => {
    const spaced = BASE.replaceAll('":', `"${ws}:${ws}`).replaceAll(',', `${ws},${ws}`).replaceAll('{', `{${ws}`).replaceAll('}', `${ws}}`);
    expect(parse(`${ws}${spaced}${ws}`)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: REF });
  });

  it('decodes string escapes before comparing and returning', () => {
    const text = BASE.replace('atomic container', 'atomic\\u0020container').replace(REF, 'registry.example.com\\/ns\\/app:v1');
    expect(parse(text)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: REF });
  });

  it('keeps non-ASCII and lone-surrogate creators exactly', () => {
    expect(claims(parse(withOptional('{"creator":"Ünïcode ✓ 😀"}'))).creator).toBe('Ünïcode ✓ 😀');
    expect(claims(parse(withOptional('{"creator":"\\udc00"}'))).creator).toBe('\udc00');
  });
});

describe('parsePayload: strictness', () => {
  it.each([
    ['critical null', '{"critical":null,"optional":{}}'],
    ['type null', BASE.replace('"atomic container signature"', 'null')],
    ['image null', BASE.replace(/"image":\{[^}]*\}/, '"image":null')],
    ['digest null', BASE.replace(`"${DIGEST}"`, 'null')],
    ['identity null', BASE.replace(/"identity":\{[^}]*\}/, '"identity":null')],
    ['reference null', BASE.replace(`"${REF}"`, 'null')],
    ['optional null', withOptional('null')],
    ['creator null', withOptional('{"creator":null}')],
    ['timestamp null', withOptional('{"timestamp":null}')],
    ['top level not an object', `[${BASE}]`],
    ['top level null', 'null'],
    ['empty input', ''],
    ['only whitespace', ' \n'],
    ['optional missing', `${BASE.slice(0, BASE.indexOf(',"optional"'))}}`],
    ['critical missing', '{"optional":{}}'],
    ['unknown top-level member', withOptional('{},"extra":{}')],
    ['duplicate optional', withOptional('{},"optional":{}')],
    ['unknown member in image', BASE.replace(`"${DIGEST}"`, `"${DIGEST}","x":1`)],
    ['unknown member in identity', BASE.replace(`"${REF}"`, `"${REF}","x":1`)],
    ['duplicate docker-reference', BASE.replace(`"${REF}"`, `"${REF}","docker-reference":"${REF}"`)],
    ['duplicate creator', withOptional('{"creator":"a","creator":"a"}')],
    ['duplicate nested in an unknown optional member', withOptional('{"extra":{"a":[{"b":1,"b":1}]}}')],
    ['type is not a string', BASE.replace('"atomic container signature"', '1')],
    ['type with different case', BASE.replace('atomic container signature', 'Atomic container signature')],
    ['type with a trailing space', BASE.replace('atomic container signature', 'atomic container signature ')],
    ['upper-case digest hex', BASE.replace(DIGEST, DIGEST.toUpperCase().replace('SHA256', 'sha256'))],
    ['sha1 digest', BASE.replace(DIGEST, 'sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709')],
    ['short digest', BASE.replace(DIGEST, DIGEST.slice(0, -1))],
    ['reference is a number', BASE.replace(`"${REF}"`, '1')],
    ['creator is a number', withOptional('{"creator":1}')],
    ['optional is an array', withOptional('[]')],
    ['optional is a string', withOptional('"x"')],
    ['timestamp is a string', withOptional('{"timestamp":"1700000000"}')],
    ['timestamp is true', withOptional('{"timestamp":true}')],
    ['trailing garbage', `${BASE} x`],
    ['trailing object', `${BASE}{}`],
    ['byte order mark', `\ufeff${BASE}`],
    ['form feed whitespace', `\f${BASE}`],
    ['raw control character in a string', withOptional('{"creator":"a\tb"}')],
    ['depth 33 in an unknown optional member', withOptional(`{"x":${'['.repeat(31)}${']'.repeat(31)}}`)],
    ['depth 100000', withOptional(`{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)],
  ])('rejects %s', (_name, text) => {
    expect(code(parse(text))).toBe('InvalidPayload');
  });

  it('accepts unknown optional members of any JSON type, null included, up to depth 32', () => {
    const text = withOptional(`{"a":null,"b":[1,{"c":"d"}],"x":${'['.repeat(30)}${']'.repeat(30)}}`);
    expect(parse(text)).toStrictEqual({ manifestDigest: DIGEST, dockerReference: REF });
  });

  it.each([
    ['1700000000', 1700000000],
    ['0', 0],
    ['-0', 0],
    ['-1', -1],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['1.0', 1],
    ['10e-1', 1],
    ['0.1e1', 1],
    ['1.700000000e9', 1700000000],
    ['0e999999999999999999', 0],
    ['8640000000000', 8_640_000_000_000],
    ['-8.64e12', -8_640_000_000_000],
  ])('accepts the integer timestamp %s', (text, value) => {
    const result = claims(parse(withOptional(`{"timestamp":${text}}`)));
    expect(Object.is(result.timestamp, value)).toBe(true);
  });

  // Past ±8.64e12 s no Date holds the instant: refused, so it never reaches a comparison or a report.
  it.each(['1.5', '1700000000.5', '1e-1', '1.0000000000000000001', '8640000000001', '-8640000000001', '1e13', '9007199254740991', '9007199254740992', '-9007199254740992', '1152921504606846976', '1e16', '1e400', '1e-400', '1e999999999999999999', '-', '01', 'NaN'])(
    'rejects the timestamp %s',
    (text) => {
      expect(code(parse(withOptional(`{"timestamp":${text}}`)))).toBe('InvalidPayload');
    },
  );
});

describe('parsePayload: bytes and size', () => {
  const base = bytes(BASE);
  const splice = (at: number, insert: number[]): Uint8Array => Uint8Array.from([...base.slice(0, at), ...insert, ...base.slice(at)]);
  const inReference = BASE.indexOf(REF) + 3;

  it.each([
    ['a 0xff byte', [0xff]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('rejects non-UTF-8 input: %s', (_name, insert) => {
    expect(code(parsePayload(splice(inReference, insert)))).toBe('InvalidPayload');
  });

  it('rejects a UTF-8 byte order mark', () => {
    expect(code(parsePayload(Uint8Array.from([0xef, 0xbb, 0xbf, ...base])))).toBe('InvalidPayload');
  });

  it('accepts a payload just under 1 MiB and rejects one over it', () => {
    const pad = (n: number): string => withOptional(`{"pad":"${'x'.repeat(n)}"}`);
    const room = MAX_PAYLOAD_BYTES - pad(0).length;
    expect(code(parse(pad(room)))).toBe('ok');
    expect(code(parse(pad(room + 1)))).toBe('InvalidPayload');
    expect(code(parsePayload(new Uint8Array(64 * 1024 * 1024)))).toBe('InvalidPayload');
  });
});

/** A payload as a tree of members, so tests can reorder, re-space and duplicate members anywhere. */
type Tree = { obj: [string, Tree][] } | { arr: Tree[] } | { leaf: string };

function toTree(value: unknown): Tree {
  if (Array.isArray(value)) return { arr: value.map(toTree) };
  if (typeof value === 'object' && value !== null) return { obj: Object.entries(value).map(([k, v]) => [k, toTree(v)]) };
  return { leaf: JSON.stringify(value) };
}

/** Deterministic choices drawn from fast-check numbers, so shrinking still works. */
function chooser(seeds: readonly number[]): (n: number) => number {
  let i = 0;
  return (n) => (seeds.length === 0 ? 0 : (seeds[i++ % seeds.length] ?? 0) % n);
}

const SPACES = ['', ' ', '\n', '\t', '\r\n', '\n    '];

function render(tree: Tree, pick: (n: number) => number): string {
  const ws = (): string => SPACES[pick(SPACES.length)] ?? '';
  if ('leaf' in tree) return tree.leaf;
  if ('arr' in tree) return `[${tree.arr.map((item) => `${ws()}${render(item, pick)}${ws()}`).join(',')}]`;
  const members = [...tree.obj];
  for (let i = members.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return `{${members.map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${render(v, pick)}${ws()}`).join(',')}${ws()}}`;
}

function objects(tree: Tree, out: [string, Tree][][] = []): [string, Tree][][] {
  if ('obj' in tree) {
    out.push(tree.obj);
    for (const [, v] of tree.obj) objects(v, out);
  } else if ('arr' in tree) {
    for (const v of tree.arr) objects(v, out);
  }
  return out;
}

const hex = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const validPayload = fc.record({
  manifestDigest: fc.oneof(hex(64).map((h) => `sha256:${h}`), hex(96).map((h) => `sha384:${h}`), hex(128).map((h) => `sha512:${h}`)),
  dockerReference: fc.string({ unit: 'binary' }),
  creator: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
  timestamp: fc.option(fc.integer({ min: -MAX_TIMESTAMP, max: MAX_TIMESTAMP }), { nil: undefined }),
  extras: fc.uniqueArray(
    fc.tuple(fc.string().filter((k) => k !== 'creator' && k !== 'timestamp'), fc.jsonValue({ maxDepth: 4 })),
    { selector: ([k]) => k, maxLength: 4 },
  ),
  seeds: fc.array(fc.nat(), { maxLength: 40 }),
});

type Spec = typeof validPayload extends fc.Arbitrary<infer T> ? T : never;

function payloadTree(p: Spec): Tree {
  const optional: [string, Tree][] = p.extras.map(([k, v]) => [k, toTree(v)]);
  if (p.creator !== undefined) optional.push(['creator', toTree(p.creator)]);
  if (p.timestamp !== undefined) optional.push(['timestamp', toTree(p.timestamp)]);
  const critical = toTree({
    type: 'atomic container signature',
    image: { 'docker-manifest-digest': p.manifestDigest },
    identity: { 'docker-reference': p.dockerReference },
  });
  return { obj: [['critical', critical], ['optional', { obj: optional }]] };
}

const mutation = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete'));

describe('parsePayload: properties', () => {
  test.prop([fc.uint8Array({ maxLength: 600 })])('never throws on arbitrary bytes', (input) => {
    const result = parsePayload(input);
    if (!isFailure(result)) expect(digestProblem(result.manifestDigest)).toBeNull();
  });

  test.prop([fc.array(mutation, { minLength: 1, maxLength: 4 })], { numRuns: 1000 })(
    'never throws on mutated valid payloads, and accepts only valid UTF-8 with a valid digest',
    (mutations) => {
      const input = [...bytes(withOptional('{"creator":"c","timestamp":1700000000,"x":[1,{"y":null}]}'))];
      for (const [at, byte, op] of mutations) {
        const i = at % (input.length + 1);
        if (op === 'insert') input.splice(i, 0, byte);
        else if (op === 'set') input[Math.min(i, input.length - 1)] = byte;
        else input.splice(i, 1);
      }
      const result = parsePayload(Uint8Array.from(input));
      expect(isFailure(result) ? result.code : 'ok').toMatch(/^(ok|InvalidPayload)$/);
      if (!isFailure(result)) {
        expect(digestProblem(result.manifestDigest)).toBeNull();
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(input))).not.toThrow();
      }
    },
  );

  test.prop([validPayload])('round-trips any valid payload, in any member order and spacing', (p) => {
    const text = render(payloadTree(p), chooser(p.seeds));
    expect(parse(text)).toStrictEqual({
      manifestDigest: p.manifestDigest,
      dockerReference: p.dockerReference,
      ...(p.creator === undefined ? {} : { creator: p.creator }),
      ...(p.timestamp === undefined ? {} : { timestamp: p.timestamp }),
    });
  });

  test.prop([validPayload, fc.nat(), fc.nat(), fc.nat(), fc.boolean()])(
    'duplicating any member anywhere makes it InvalidPayload',
    (p, which, member, at, sameValue) => {
      const tree = payloadTree(p);
      const candidates = objects(tree).filter((members) => members.length > 0);
      const target = candidates[which % candidates.length]!;
      const [name, value] = target[member % target.length]!;
      target.splice(at % (target.length + 1), 0, [name, sameValue ? value : { leaf: '"other"' }]);
      expect(code(parse(render(tree, chooser(p.seeds))))).toBe('InvalidPayload');
    },
  );
});
