/**
 * Manifest digests as containers/image computes them (`manifest.Digest`): a hash of the raw bytes,
 * except for signed Docker schema 1 manifests, whose JWS signatures are stripped first the way
 * docker/libtrust `ParsePrettySignature` does (bytes[0:formatLength] + formatTail).
 */
import { createHash } from 'node:crypto';

/** The OCI digest algorithms `digestProblem` accepts. */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** A computed manifest digest, or why there is none. */
export type ManifestDigest =
  | { readonly ok: true; readonly digest: string }
  | { readonly ok: false; readonly problem: string };

/** Media types GuessMIMEType recognizes before looking at `schemaVersion`. */
const RECOGNIZED_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

type Obj = { [key: string]: unknown };

/** The digest (`algorithm:hex`) of a manifest given as text, or why it cannot be computed. Never throws. */
export function computeManifestDigest(manifest: string, algorithm: DigestAlgorithm): ManifestDigest {
  let bytes: Uint8Array = new TextEncoder().encode(manifest);
  if (isSignedSchema1(manifest)) {
    const payload = stripJws(manifest, bytes);
    if (typeof payload === 'string') {
      return { ok: false, problem: `schema 1 manifest signatures cannot be stripped: ${payload}` };
    }
    bytes = payload;
  }
  return { ok: true, digest: `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` };
}

/** containers/image `GuessMIMEType(m) == DockerV2Schema1SignedMediaType`, with Go `encoding/json` struct rules. */
function isSignedSchema1(manifest: string): boolean {
  const doc = parseJson(manifest);
  if (!isObject(doc)) return false; // Go: unmarshal error, or null (all fields zero)
  let mediaType = '';
  let schemaVersion = 0;
  let signatures: unknown = null;
  for (const [key, value] of Object.entries(doc)) {
    if (goFieldMatch(key, 'mediaType')) {
      if (value === null) continue;
      if (typeof value !== 'string') return false;
      mediaType = value;
    } else if (goFieldMatch(key, 'schemaVersion')) {
      if (value === null) continue;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
      schemaVersion = value;
    } else if (goFieldMatch(key, 'signatures')) {
      signatures = value;
    }
  }
  if (RECOGNIZED_MEDIA_TYPES.has(mediaType)) return false;
  return schemaVersion === 1 && signatures !== null;
}

/** libtrust `ParsePrettySignature(content, "signatures")` then `Payload()`: the payload, or an error text. */
function stripJws(manifest: string, content: Uint8Array): Uint8Array | string {
  const doc = parseJson(manifest);
  if (!isObject(doc)) return 'the manifest is not a JSON object';
  if (!Object.hasOwn(doc, 'signatures')) return 'missing signature key';
  const blocks = doc['signatures'];
  if (!Array.isArray(blocks)) return '"signatures" is not an array';
  // libtrust would digest an empty payload here; a signed manifest without signatures is refused.
  if (blocks.length === 0) return '"signatures" is empty';
  let formatLength = 0;
  let formatTail: Uint8Array = new Uint8Array(0);
  for (const [i, block] of blocks.entries()) {
    const header = protectedHeader(block);
    if (typeof header === 'string') return `signature ${i}: ${header}`;
    const length = header['formatLength'];
    if (typeof length !== 'number' || !Number.isFinite(length) || Math.abs(length) > Number.MAX_SAFE_INTEGER) {
      return `signature ${i}: missing formatted length`;
    }
    const encodedTail = header['formatTail'];
    if (typeof encodedTail !== 'string') return `signature ${i}: missing formatted tail`;
    const tail = joseBase64UrlDecode(encodedTail);
    if (tail === null) return `signature ${i}: base64 decode error on tail`;
    const truncated = Math.trunc(length); // Go int(float64)
    if (formatLength === 0) formatLength = truncated;
    else if (formatLength !== truncated) return 'conflicting format length';
    if (formatTail.length === 0) formatTail = tail;
    else if (!sameBytes(formatTail, tail)) return 'conflicting format tail';
  }
  if (formatLength < 0 || formatLength > content.length) return 'invalid format length';
  const payload = new Uint8Array(formatLength + formatTail.length);
  payload.set(content.subarray(0, formatLength));
  payload.set(formatTail, formatLength);
  return payload;
}

/** One `jsParsedSignature` checked as Go would decode it; returns its decoded protected header. */
function protectedHeader(block: unknown): Obj | string {
  if (!isObject(block)) return 'not a JSON object';
  let header: unknown = null;
  let protectedValue: unknown = null;
  for (const [key, value] of Object.entries(block)) {
    if (goFieldMatch(key, 'header')) header = value;
    else if (goFieldMatch(key, 'protected')) protectedValue = value;
    else if (goFieldMatch(key, 'signature') && value !== null && typeof value !== 'string') return '"signature" is not a string';
  }
  if (!isObject(header)) return 'missing header'; // Go dereferences a nil header and panics
  for (const [key, value] of Object.entries(header)) {
    if (goFieldMatch(key, 'alg') && value !== null && typeof value !== 'string') return '"alg" is not a string';
    if (goFieldMatch(key, 'x5c') && value !== null && !(Array.isArray(value) && value.every((v) => v === null || typeof v === 'string'))) {
      return '"x5c" is not an array of strings';
    }
    if (goFieldMatch(key, 'jwk') && !(isObject(value) && (value['kty'] === 'EC' || value['kty'] === 'RSA'))) {
      return '"jwk" is not an EC or RSA key';
    }
  }
  if (protectedValue !== null && typeof protectedValue !== 'string') return '"protected" is not a string';
  const bytes = joseBase64UrlDecode(protectedValue ?? '');
  if (bytes === null) return 'base64 decode error in protected header';
  const decoded = parseJson(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
  if (decoded === undefined) return 'protected header is not JSON';
  if (decoded === null) return 'missing formatted length';
  if (!isObject(decoded)) return 'protected header is not a JSON object';
  return decoded;
}

/** libtrust `joseBase64UrlDecode`: drop newlines and spaces, restore padding, strict URL-safe base64. */
export function joseBase64UrlDecode(text: string): Uint8Array | null {
  let s = text.replace(/[\n ]/g, '');
  switch (s.length % 4) {
    case 0:
      break;
    case 2:
      s += '==';
      break;
    case 3:
      s += '=';
      break;
    default:
      return null;
  }
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return null;
  return new Uint8Array(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** Go `encoding/json` field matching: exact, else case-insensitive (with its K/ſ special folds). */
function goFieldMatch(key: string, field: string): boolean {
  if (key === field) return true;
  if (key.length !== field.length) return false;
  return key.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase() === field.toLowerCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
