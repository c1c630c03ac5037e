/**
 * Valid-but-strange simple-signing payloads for property tests: the text a key holder may sign
 * (any JSON spelling, escapes, member order, extreme numbers, odd `optional` members), written
 * from a spec, with an oracle for what the strict parser must make of it. The oracle is written
 * independently of src/claims/payload.ts (decimal arithmetic on BigInt), so the two check each other.
 */
import { fc } from '@fast-check/vitest';
import { MAX_PAYLOAD_BYTES, MAX_TIMESTAMP, SIGNATURE_TYPE } from '../../src/claims/payload.js';
import type { SignedClaims } from '../../src/types.js';

/** How strings are spelled, and how members are laid out. */
export type StringStyle = 'json' | 'go' | 'escaped';
export type Layout = 'compact' | 'pretty' | 'reordered';

export interface PayloadSpec {
  readonly reference: string;
  readonly digest: string;
  /** A string creator, a raw JSON token in its place (a wrong type), or none. */
  readonly creator?: { readonly value: string } | { readonly raw: string };
  /** The raw JSON token of `optional.timestamp`, or none. */
  readonly timestamp?: string;
  /** Extra `optional` members: [name, raw JSON value]. */
  readonly extras: readonly (readonly [string, string])[];
  /** Nesting depth of one more extra member (0: none). */
  readonly nesting: number;
  /** Repeat an `optional` member (creator, timestamp or an extra) under the same name. */
  readonly duplicate: boolean;
  readonly strings: StringStyle;
  readonly layout: Layout;
}

/** A JSON string literal in the given style. Lone surrogates come out escaped in every style. */
export function jsonString(value: string, style: StringStyle): string {
  const json = JSON.stringify(value);
  if (style === 'json') return json;
  if (style === 'go') return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // Every code unit outside printable ASCII, and `/`, as an escape (surrogate pairs as two).
  const body = json.slice(1, -1).replace(/[^\x20-\x7e]|\//g, (c) => (c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return `"${body}"`;
}

function object(members: readonly (readonly [string, string])[], layout: Layout, depth: number): string {
  const ordered = layout === 'reordered' ? [...members].reverse() : members;
  if (layout !== 'pretty') return `{${ordered.map(([k, v]) => `${k}:${v}`).join(',')}}`;
  const pad = '\t'.repeat(depth + 1);
  return `{\r\n${ordered.map(([k, v]) => `${pad}${k} :  ${v}`).join(',\n')}\n${'  '.repeat(depth)}} `;
}

/** The payload text a signer signs for `spec`. */
export function payloadText(spec: PayloadSpec): string {
  const s = (v: string): string => jsonString(v, spec.strings);
  const optional: [string, string][] = [];
  if (spec.creator !== undefined) optional.push([s('creator'), 'value' in spec.creator ? s(spec.creator.value) : spec.creator.raw]);
  if (spec.timestamp !== undefined) optional.push([s('timestamp'), spec.timestamp]);
  for (const [name, raw] of spec.extras) optional.push([s(name), raw]);
  if (spec.nesting > 0) optional.push([s('nested'), `${'[{"a":'.repeat(Math.floor(spec.nesting / 2))}${spec.nesting % 2 === 1 ? '[1]' : '1'}${'}]'.repeat(Math.floor(spec.nesting / 2))}`]);
  if (spec.duplicate) optional.push(optional[0] ?? [s('x'), '1'], optional[0] ?? [s('x'), '2']);
  const critical = object([
    [s('identity'), object([[s('docker-reference'), s(spec.reference)]], spec.layout, 2)],
    [s('image'), object([[s('docker-manifest-digest'), s(spec.digest)]], spec.layout, 2)],
    [s('type'), s(SIGNATURE_TYPE)],
  ], spec.layout, 1);
  return `${spec.layout === 'pretty' ? '\n ' : ''}${object([[s('critical'), critical], [s('optional'), object(optional, spec.layout, 1)]], spec.layout, 0)}`;
}

const NUMBER = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** The exact value of a JSON number token when it is an integer within ±MAX_TIMESTAMP; null otherwise. */
export function expectedTimestamp(token: string): number | null {
  const match = NUMBER.exec(token);
  if (match === null) return null;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return 0;
  const significant = digits.replace(/0+$/, '');
  const scale = BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - significant.length);
  if (scale < 0n || scale > 20n) return null;
  const magnitude = BigInt(significant) * 10n ** scale;
  if (magnitude > BigInt(MAX_TIMESTAMP)) return null;
  return sign === '-' ? -Number(magnitude) : Number(magnitude);
}

/** Depths at or below this always parse; at or above `DEEP` never do (MAX_PAYLOAD_DEPTH is 32). */
export const SHALLOW = 25;
export const DEEP = 40;

/**
 * What the strict parser must return for `spec`: the claims, `'invalid'` (InvalidPayload, or
 * TooLarge before it for an oversized OpenPGP literal) or `'either'` when the spec sits on the
 * nesting bound, whose exact counting is the parser's own business.
 */
export function expectedClaims(spec: PayloadSpec, digestValid: boolean): SignedClaims | 'invalid' | 'either' {
  const bytes = Buffer.byteLength(payloadText(spec), 'utf8');
  const timestamp = spec.timestamp === undefined ? undefined : expectedTimestamp(spec.timestamp);
  if (bytes > MAX_PAYLOAD_BYTES || spec.duplicate || !digestValid || timestamp === null || (spec.creator !== undefined && !('value' in spec.creator))) return 'invalid';
  if (spec.nesting >= DEEP) return 'invalid';
  if (spec.nesting > SHALLOW) return 'either';
  return {
    dockerReference: spec.reference,
    manifestDigest: spec.digest,
    ...(spec.creator !== undefined && 'value' in spec.creator ? { creator: spec.creator.value } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const MAX = MAX_TIMESTAMP;

/** Timestamps around every edge, spelled every way JSON allows, plus a few that are not numbers. */
export const timestampToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    '0', '-0', '1', '-1', '0.0', '-0.0e-0', '0e0', '0e999999999999999999', '1740787200', '1748736000',
    String(MAX), String(-MAX), String(MAX - 1), String(MAX + 1), String(-MAX - 1), '8.64e12', '-8.64e12', '8.640000000001e12', '86400000000000e-1',
    String(2 ** 53 - 1), String(-(2 ** 53 - 1)), String(2 ** 53), '99999999999999999999', '18446744073709551616', '4294967296', '2147483648',
    '1e3', '1E3', '1e+3', '1.0', '1.000e3', '1740787200.0', '1.7407872e9', '17407872e2', '100e-2', '0.1e1',
    '1.5', '-1.5', '1e-1', '5e-324', '1e308', '-1e308', '1e400', '-1e400', '1e-400', '1e99999999999999999999999', '1e-99999999999999999999999',
    '123456789012345678e-3', '1234567890000000000e-6', '"1740787200"', 'null', 'true', '[]', '{}', '[1740787200]',
  ) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4_102_444_800 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: -MAX - 1000, max: MAX + 1000 }).map(String) },
  // Right at ±MAX_TIMESTAMP, as an integer or with an exponent.
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(MAX, -MAX), fc.integer({ min: -3, max: 3 }), fc.boolean()).map(([bound, delta, e]) => (e ? `${(bound + delta) / 1000}e3` : String(bound + delta))) },
  // Beyond it, still safe integers: the values that once reached a Date.
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: MAX + 1, max: Number.MAX_SAFE_INTEGER }), fc.boolean()).map(([n, negative]) => String(negative ? -n : n)) },
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
  { weight: 2, arbitrary: fc.tuple(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.stringMatching(/^[0-9]{0,6}$/), fc.integer({ min: -30, max: 30 }), fc.constantFrom('e', 'E', 'e+'))
    .map(([whole, fraction, exponent, e]) => `${whole}${fraction ? `.${fraction}` : ''}${exponent < 0 ? `e${exponent}` : `${e}${exponent}`}`) },
);

const TRICKY_UNITS = ['\ud800', '\udfff', '\ud83d', '\u{1F600}', '\u{10FFFF}', '\u2028', '\u2029', '\u0000', '\u001f', '\u007f', '\ufeff', '\ufffe', '<', '>', '&', '"', '\\', '/', '\n', ' ', 'é', 'a', 'Z', '0', ':', '@', '.'];

/** Strings with astral characters, lone surrogates, line separators, NUL, HTML and JSON specials. */
export const trickyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TRICKY_UNITS), maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('imagetrust 0.1.0', 'atomic 1.0', '', 'a\ud800b', '\udc00\ud800', '<script>alert(1)</script>', ']]>', '&amp;', '${x}', '\u202e'),
);

/** A signed reference, and whether it is a normalized, tagged or digested reference that matches itself exactly. */
export interface SignedReference {
  readonly text: string;
  readonly exact: boolean;
}

const HEX64 = '0123456789abcdef'.repeat(4);
/** Normalized references with a tag or digest: each matches itself under every rule that compares the Image's reference. */
export const exactReferenceArb: fc.Arbitrary<SignedReference> = fc.constantFrom(
  'registry.example.com/ns/app:v1', 'localhost:5000/a/b:tag', `registry.example.com:443/ns/app@sha256:${HEX64}`, 'docker.io/library/busybox:latest',
  'quay.io/a_b/c-d.e:1.0.0-rc1', `registry.example.com/ns/app:v1@sha256:${HEX64}`, 'registry.redhat.io/ubi9/ubi:9.4', `mirror.example.net/shop/orders:${'t'.repeat(128)}`,
  'registry.example.com/shop/orders:1.2.0',
).map((text) => ({ text, exact: true }));

export const referenceArb: fc.Arbitrary<SignedReference> = fc.oneof(
  exactReferenceArb,
  fc.constantFrom(
    'busybox', 'busybox:latest', 'registry.example.com/ns/app', '', ' ', 'UPPER/case:tag', 'a b:c', 'registry.example.com/ns/app:v1\u0000',
    'reg.example.com/app:\u2028', '\ud800', 'r/\u{1F600}:x', `registry.example.com/ns/app@sha256:${HEX64.toUpperCase()}`, 'registry.example.com/ns/app@sha256:abc',
    'registry.example.com/ns/app:-tag', 'registry.example.com:99999/a:b', '[::1]:5000/a:b', `${'a/'.repeat(200)}b:c`, 'x'.repeat(300), 'http://registry.example.com/a:b',
  ).map((text) => ({ text, exact: false })),
  trickyString.map((text) => ({ text, exact: false })),
);

/** The signed digest for an Image named `imageDigest`, and whether it is a syntactically valid digest. */
export interface SignedDigest {
  readonly text: string;
  readonly valid: boolean;
}

export function digestArb(imageDigest: string): fc.Arbitrary<SignedDigest> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant({ text: imageDigest, valid: true }) },
    fc.constantFrom(
      { text: `sha256:${'1'.repeat(64)}`, valid: true },
      { text: `sha384:${'2'.repeat(96)}`, valid: true },
      { text: `sha512:${'3'.repeat(128)}`, valid: true },
      { text: imageDigest.toUpperCase(), valid: false },
      { text: imageDigest.replace(/^[a-z0-9]+/, (a) => a.toUpperCase()), valid: false },
      { text: `${imageDigest}\n`, valid: false },
      { text: imageDigest.slice(0, -1), valid: false },
      { text: `sha256:${'g'.repeat(64)}`, valid: false },
      { text: `md5:${'0'.repeat(32)}`, valid: false },
      { text: `sha384:${'2'.repeat(64)}`, valid: false },
      { text: 'constructor:00', valid: false },
      { text: '', valid: false },
    ),
  );
}

/** Raw JSON values for extra `optional` members: ordinary, extreme numbers, escapes, nesting. */
const extraValue: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('1e999999', '-0.0e-0', '"\\ud800"', '"\\u0000"', '"\\u2028"', '[]', '{}', 'null', '{"timestamp":"x","creator":1}', '[[[[[]]]]]', `"${'x'.repeat(1000)}"`),
);
const extraName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Creator', 'TIMESTAMP', 'timestamp ', '', 'x\u0000', '\ud800', 'critical', 'docker-reference'),
  fc.string({ maxLength: 8 }),
);

/** Payload specs around every edge, for an Image named `imageDigest`. */
export function payloadSpecArb(imageDigest: string, references = referenceArb): fc.Arbitrary<{ spec: PayloadSpec; reference: SignedReference; digest: SignedDigest }> {
  return fc.record({
    reference: references,
    digest: digestArb(imageDigest),
    creator: fc.option(fc.oneof({ weight: 9, arbitrary: trickyString.map((value) => ({ value })) }, fc.constantFrom('1', 'null', 'true', '{}', '["a"]').map((raw) => ({ raw }))), { nil: undefined }),
    timestamp: fc.option(timestampToken, { nil: undefined, freq: 4 }),
    extras: fc.uniqueArray(fc.tuple(extraName, extraValue), { maxLength: 3, selector: ([name]) => name })
      .map((pairs) => pairs.filter(([name]) => name !== 'creator' && name !== 'timestamp' && name !== 'nested')),
    nesting: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.constantFrom(1, 5, 24, 25, 29, 30, 31, 32, 33, 40, 200)),
    duplicate: fc.integer({ min: 0, max: 11 }).map((n) => n === 0),
    strings: fc.constantFrom<StringStyle>('json', 'go', 'escaped'),
    layout: fc.constantFrom<Layout>('compact', 'pretty', 'reordered'),
  }).map(({ reference, digest, creator, timestamp, extras, nesting, duplicate, strings, layout }) => ({
    spec: {
      reference: reference.text, digest: digest.text, extras, nesting, duplicate, strings, layout,
      ...(creator !== undefined ? { creator } : {}), ...(timestamp !== undefined ? { timestamp } : {}),
    },
    reference,
    digest,
  }));
}
