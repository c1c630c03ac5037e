/**
 * The simple-signing payload exactly as containers/image writes it (`signature/simple.go`
 * `untrustedSignature.MarshalJSON`): Go's `json.Marshal` of maps, so members in sorted order, no
 * spaces, and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go escapes them.
 */
import { SIGNATURE_TYPE } from '../claims/payload.js';

export interface PayloadInput {
  /** The signed `docker-reference`: a normalized reference with a tag or digest. */
  readonly dockerReference: string;
  /** The signed `docker-manifest-digest`. */
  readonly manifestDigest: string;
  /** `optional.creator`, e.g. `imagetrust 0.1.0`. */
  readonly creator: string;
  /** `optional.timestamp`: whole seconds since the epoch. */
  readonly timestamp: number;
}

/** The payload bytes (UTF-8). Pure. */
export function simpleSigningPayload(input: PayloadInput): Uint8Array {
  const text = `{"critical":{"identity":{"docker-reference":${goString(input.dockerReference)}},"image":{"docker-manifest-digest":${goString(input.manifestDigest)}},`
    + `"type":${goString(SIGNATURE_TYPE)}},"optional":{"creator":${goString(input.creator)},"timestamp":${Math.floor(input.timestamp)}}}`;
  return new TextEncoder().encode(text);
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escaping). */
function goString(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
