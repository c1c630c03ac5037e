/** DER encoders for the few elements a CMS signer writes. Pure; inputs are our own values. */
import { header, TAG } from './der.js';

/** One element: tag, definite minimal length, content. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return new Uint8Array(Buffer.concat([header(tag, body.length), body]));
}

export function derSequence(...parts: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, ...parts);
}

/** A SET OF with its members in DER order (sorted by their encodings). */
export function derSetOf(members: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.set, ...[...members].sort((a, b) => Buffer.compare(a, b)));
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const bytes = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) bytes.unshift((n & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(TAG.oid, Uint8Array.from(out));
}

export function derSmallInteger(value: number): Uint8Array {
  return tlv(TAG.integer, Uint8Array.of(value));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, bytes);
}

export const DER_NULL = Uint8Array.of(TAG.null, 0);

/** UTCTime for 1950-2049 and GeneralizedTime otherwise (RFC 5280 4.1.2.5), whole seconds. */
export function derTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  const utc = year >= 1950 && year < 2050;
  return tlv(utc ? TAG.utcTime : TAG.generalizedTime, Buffer.from(utc ? digits.slice(2) : digits, 'latin1'));
}

/** `[n]` constructed (EXPLICIT, or IMPLICIT over a constructed type). */
export function derContext(n: number, ...parts: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.context | n, ...parts);
}
