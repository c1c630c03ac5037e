/**
 * The "claims" stage (contract section 2 step 7): the strict parser for the signed simple-signing
 * payload, following every rule of containers/image `signature/simple.go` (formats.md section 3.4).
 * It runs only on cryptographically verified bytes, which are still attacker-chosen by any key holder.
 */
import { fail, isFailure, quote } from '../codes.js';
import type { Failure } from '../codes.js';
import { digestProblem } from '../digest.js';
import type { SignedClaims } from '../types.js';
import { isJsonError, parseStrictJson } from './strict-json.js';
import type { JsonValue } from './strict-json.js';

/** Payloads longer than this (1 MiB) are refused before decoding; real ones are a few hundred bytes. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Nesting allowed anywhere in a payload, including unknown `optional` members. */
export const MAX_PAYLOAD_DEPTH = 32;
/** The only accepted `critical.type`. */
export const SIGNATURE_TYPE = 'atomic container signature';

/** Fatal: invalid UTF-8 is an error. ignoreBOM keeps a byte order mark in the text, so JSON rejects it. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses signed payload bytes into claims, or `InvalidPayload` for any violation of the simple-signing
 * schema: duplicate or unknown members, `null`, wrong types, a bad digest, a non-integer timestamp,
 * trailing data, invalid UTF-8 or more than 1 MiB. Absent optional members stay absent. Never throws.
 */
export function parsePayload(untrustedBytes: Uint8Array): SignedClaims | Failure {
  if (untrustedBytes.length > MAX_PAYLOAD_BYTES) {
    return invalid(`payload is ${untrustedBytes.length} bytes, more than the 1 MiB limit (${MAX_PAYLOAD_BYTES} bytes)`);
  }
  let text: string;
  try {
    text = utf8.decode(untrustedBytes);
  } catch {
    return invalid('payload is not valid UTF-8');
  }
  const canonical = canonicalClaims(text);
  if (canonical !== undefined) return canonical;
  const root = parseStrictJson(text, { maxLength: MAX_PAYLOAD_BYTES, maxDepth: MAX_PAYLOAD_DEPTH });
  if (isJsonError(root)) return invalid(root.error);

  const top = exactObject(root, 'the payload', ['critical', 'optional']);
  if (isFailure(top)) return top;
  const critical = exactObject(top.critical, 'critical', ['type', 'image', 'identity']);
  if (isFailure(critical)) return critical;

  const type = stringMember(critical.type, 'critical.type');
  if (isFailure(type)) return type;
  if (type !== SIGNATURE_TYPE) return invalid(`Unrecognized signature type ${quote(type)}`);

  const image = exactObject(critical.image, 'critical.image', ['docker-manifest-digest']);
  if (isFailure(image)) return image;
  const manifestDigest = stringMember(image['docker-manifest-digest'], 'critical.image.docker-manifest-digest');
  if (isFailure(manifestDigest)) return manifestDigest;
  const problem = digestProblem(manifestDigest);
  if (problem !== null) return invalid(`invalid docker-manifest-digest value ${quote(manifestDigest)}: ${problem}`);

  const identity = exactObject(critical.identity, 'critical.identity', ['docker-reference']);
  if (isFailure(identity)) return identity;
  const dockerReference = stringMember(identity['docker-reference'], 'critical.identity.docker-reference');
  if (isFailure(dockerReference)) return dockerReference;

  if (top.optional.kind !== 'object') return invalid(`JSON object expected for optional, got ${top.optional.kind}`);
  const creatorValue = top.optional.members.get('creator');
  const creator = creatorValue === undefined ? undefined : stringMember(creatorValue, 'optional.creator');
  if (isFailure(creator)) return creator;
  const timestampValue = top.optional.members.get('timestamp');
  const timestamp = timestampValue === undefined ? undefined : timestampMember(timestampValue);
  if (isFailure(timestamp)) return timestamp;

  return claimsOf(manifestDigest, dockerReference, creator, timestamp);
}

function claimsOf(manifestDigest: string, dockerReference: string, creator: string | undefined, timestamp: number | undefined): SignedClaims {
  const claims: { -readonly [K in keyof SignedClaims]: SignedClaims[K] } = { manifestDigest, dockerReference };
  if (creator !== undefined) claims.creator = creator;
  if (timestamp !== undefined) claims.timestamp = timestamp;
  return Object.freeze(claims);
}

/** The content of a JSON string without escapes: anything but a quote, a backslash or a control character. */
const PLAIN_STRING = '"([^"\\\\\\u0000-\\u001f]*)"';
const INTEGER = '(-?(?:0|[1-9][0-9]*))';
/**
 * A payload exactly as containers/image writes it (Go's `encoding/json`: sorted members, no white
 * space), with strings that need no escapes and an integer timestamp.
 */
const CANONICAL = new RegExp(
  `^\\{"critical":\\{"identity":\\{"docker-reference":${PLAIN_STRING}\\},"image":\\{"docker-manifest-digest":${PLAIN_STRING}\\},` +
    `"type":"${SIGNATURE_TYPE}"\\},"optional":\\{(?:"creator":${PLAIN_STRING}(?:,"timestamp":${INTEGER})?|"timestamp":${INTEGER})?\\}\\}$`,
);

/**
 * The claims of a canonical payload that passes every check, read with one regular expression
 * instead of a syntax tree (every audited signature has one); undefined for anything else, which
 * the strict parser then decides (and words the failure). Same result as the strict parser.
 */
function canonicalClaims(text: string): SignedClaims | undefined {
  const match = CANONICAL.exec(text);
  if (match === null) return undefined;
  const [, dockerReference = '', manifestDigest = '', creator, timestampAfterCreator, timestampAlone] = match;
  if (digestProblem(manifestDigest) !== null) return undefined;
  const timestampText = timestampAfterCreator ?? timestampAlone;
  const timestamp = timestampText === undefined ? undefined : exactInteger(timestampText);
  if (typeof timestamp === 'string' || (timestamp !== undefined && Math.abs(timestamp) > MAX_TIMESTAMP)) return undefined;
  return claimsOf(manifestDigest, dockerReference, creator, timestamp);
}

function invalid(message: string): Failure {
  return fail('InvalidPayload', message);
}

/** An object with exactly `keys` as members (duplicates were already refused by the JSON parser). */
function exactObject<K extends string>(
  value: JsonValue,
  where: string,
  keys: readonly K[],
): Record<K, JsonValue> | Failure {
  if (value.kind !== 'object') return invalid(`JSON object expected for ${where}, got ${value.kind}`);
  const allowed: readonly string[] = keys;
  for (const key of value.members.keys()) {
    if (!allowed.includes(key)) return invalid(`Unknown key ${quote(key)}`);
  }
  const result = {} as Record<K, JsonValue>;
  for (const key of keys) {
    const member = value.members.get(key);
    if (member === undefined) return invalid(`Key ${quote(key)} missing in a JSON object`);
    result[key] = member;
  }
  return result;
}

function stringMember(value: JsonValue, field: string): string | Failure {
  return value.kind === 'string' ? value.value : invalid(`Field ${field} is not a string, got ${value.kind}`);
}

function timestampMember(value: JsonValue): number | Failure {
  if (value.kind !== 'number') return invalid(`Field optional.timestamp is not a number, got ${value.kind}`);
  const integer = exactInteger(value.text);
  if (integer === 'fraction') return invalid('Field optional.timestamp is not an integer');
  if (integer === 'range' || Math.abs(integer) > MAX_TIMESTAMP) return invalid(`Field optional.timestamp is out of range (beyond ±${MAX_TIMESTAMP} seconds)`);
  return integer;
}

/**
 * The largest timestamp, in seconds either side of the epoch, that names an instant (the range of
 * a JavaScript Date, year ±275760). containers/image takes any int64, but a time beyond it can be
 * neither compared nor reported, so such a payload is refused: stricter, never more trusting.
 */
export const MAX_TIMESTAMP = 8_640_000_000_000;

const NUMBER_PARTS = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/**
 * The exact value of a JSON number token when it is an integer within ±(2^53-1), judged on the
 * decimal text (no float rounding): `1e3` and `1.0` are integers, `1.5` and `1e-1` are not, `-0` is 0.
 */
function exactInteger(text: string): number | 'fraction' | 'range' {
  const plain = plainInteger(text);
  if (plain !== undefined) return plain;
  const match = NUMBER_PARTS.exec(text);
  if (match === null) return 'fraction';
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  // Exponents beyond ±10^12 decide the same way as ±10^12: the whole input is at most 1 MiB long.
  const exponent = exponentText.length > 12 ? (exponentText.startsWith('-') ? -1e12 : 1e12) : Number(exponentText);
  const digits = whole + fraction;
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 0x30) first++;
  if (first === digits.length) return 0;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 0x30) end--;
  // value = digits[first, end) × 10^scale
  const scale = exponent - fraction.length + (digits.length - end);
  if (scale < 0) return 'fraction';
  if (end - first + scale > 16) return 'range';
  const magnitude = Number(digits.slice(first, end) + '0'.repeat(scale));
  if (!Number.isSafeInteger(magnitude)) return 'range';
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * `exactInteger` for the usual token, an optional minus and 1 to 15 digits (always a safe
 * integer), without regular expressions; undefined for any other text.
 */
function plainInteger(text: string): number | undefined {
  const start = text.charCodeAt(0) === 0x2d ? 1 : 0;
  if (text.length - start < 1 || text.length - start > 15) return undefined;
  let magnitude = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    magnitude = magnitude * 10 + digit;
  }
  // `-0` is 0.
  return start === 1 && magnitude !== 0 ? -magnitude : magnitude;
}
