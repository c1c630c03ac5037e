import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isFailure } from '../../../src/codes.js';
import type { Failure } from '../../../src/codes.js';
import type { SignedClaims } from '../../../src/types.js';
import { parsePayload } from '../../../src/claims/payload.js';

// Payloads exactly as containers/image writes them are read by a regular expression; anything else
// by the strict parser. A leading space keeps a payload off the fast path (it is still valid JSON),
// so the two must agree on every payload, in value, member order and failure.
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const outcome = (result: SignedClaims | Failure): unknown =>
  isFailure(result) ? { code: result.code, message: result.message } : { keys: Object.keys(result), value: { ...result }, frozen: Object.isFrozen(result) };
/** Syntax errors name an offset: one more with the leading space. */
const unshift = (result: SignedClaims | Failure): SignedClaims | Failure =>
  isFailure(result) ? { ...result, message: result.message.replace(/^invalid JSON at offset (\d+)/, (_, at: string) => `invalid JSON at offset ${Number(at) - 1}`) } : result;
const bothWays = (text: string): [unknown, unknown] => [outcome(parsePayload(bytes(text))), outcome(unshift(parsePayload(bytes(` ${text}`))))];

function canonical(reference: string, digest: string, optional: string): string {
  return `{"critical":{"identity":{"docker-reference":${reference}},"image":{"docker-manifest-digest":${digest}},"type":"atomic container signature"},"optional":{${optional}}}`;
}

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
/** JSON string tokens: plain, with escapes Go writes, with characters JSON allows raw. */
const stringToken = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"registry.example.com/ns/app:v1"', '"a\\u003cb"', '"\u2028\u007f/é"', '"\\/x"', '""', '"tab\there"'),
);
const digestToken = fc.oneof(
  fc.constant(JSON.stringify(DIGEST)),
  fc.constantFrom(`"sha512:${'a'.repeat(128)}"`, `"sha256:${'A'.repeat(64)}"`, '"sha256:abc"', '"md5:00"', `"sha256:${'a'.repeat(63)}\\u0061"`),
  stringToken,
);
const integerToken = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0', '-0', '1748736000', '9007199254740991', '-9007199254740991', '9007199254740992', '123456789012345', '1234567890123456', '99999999999999999999', '1e3', '1.0', '1.5', '00', '-'),
);
const optionalMembers = fc.oneof(
  fc.tuple(stringToken, integerToken).map(([creator, timestamp]) => `"creator":${creator},"timestamp":${timestamp}`),
  stringToken.map((creator) => `"creator":${creator}`),
  integerToken.map((timestamp) => `"timestamp":${timestamp}`),
  fc.constant(''),
  fc.constantFrom('"timestamp":1,"creator":"x"', '"creator":"a","creator":"b"', '"creator":null', '"timestamp":"1"', '"other":1'),
);

describe('parsePayload: the canonical fast path', () => {
  test.prop([stringToken, digestToken, optionalMembers], { numRuns: 2000 })('agrees with the strict parser on canonical-shaped payloads', (reference, digest, optional) => {
    const [fast, strict] = bothWays(canonical(reference, digest, optional));
    expect(fast).toEqual(strict);
  });

  it('reads a containers/image payload', () => {
    const text = canonical('"registry.example.com/bench/app-0:v0"', JSON.stringify(DIGEST), '"creator":"imagetrust bench","timestamp":1748736000');
    expect(parsePayload(bytes(text))).toEqual({ manifestDigest: DIGEST, dockerReference: 'registry.example.com/bench/app-0:v0', creator: 'imagetrust bench', timestamp: 1748736000 });
    const [fast, strict] = bothWays(text);
    expect(fast).toEqual(strict);
  });

  it.each([
    ['-0', 0], ['0', 0], ['-12', -12], ['8640000000000', 8640000000000], ['-8640000000000', -8640000000000],
  ])('timestamp %s reads as %d', (timestamp, value) => {
    const result = parsePayload(bytes(canonical('"r/a:1"', JSON.stringify(DIGEST), `"timestamp":${timestamp}`)));
    expect(result).toEqual({ manifestDigest: DIGEST, dockerReference: 'r/a:1', timestamp: value });
    expect(Object.is((result as SignedClaims).timestamp, -0)).toBe(false);
  });

  it.each(['8640000000001', '-123456789012345', '9007199254740991', '9007199254740992', '99999999999999999999'])('timestamp %s is out of range either way', (timestamp) => {
    const [fast, strict] = bothWays(canonical('"r/a:1"', JSON.stringify(DIGEST), `"timestamp":${timestamp}`));
    expect(fast).toEqual(strict);
    expect(fast).toMatchObject({ code: 'InvalidPayload' });
  });
});
