/**
 * A bounded reader of OpenPGP packet framing (RFC 4880 §4.2, RFC 9580 §4.2): old and new headers,
 * 1/2/5-octet lengths, partial body lengths and the old indeterminate length. Attacker-controlled:
 * every length is checked against the bytes that are really there, and the packet count is capped.
 */
import { fail, type Failure } from '../codes.js';

export const TAG = {
  publicKeyEncryptedSessionKey: 1,
  signature: 2,
  symmetricKeyEncryptedSessionKey: 3,
  onePassSignature: 4,
  compressedData: 8,
  symmetricallyEncryptedData: 9,
  marker: 10,
  literalData: 11,
  symEncryptedIntegrityProtectedData: 18,
  aeadEncryptedData: 20,
} as const;

export interface Packet {
  readonly tag: number;
  readonly body: Uint8Array;
  /** The body used partial lengths or the old indeterminate length (only data packets may). */
  readonly streamed: boolean;
}

/** gpg writes bodies in chunks of 8 KiB and more; a signed simple-signing payload needs one or two. */
const MAX_PARTIAL_CHUNKS = 256;

/** Tags whose bodies may be streamed (partial or indeterminate length) per RFC 4880 §4.2.2.4. */
const STREAMABLE = new Set<number>([TAG.compressedData, TAG.literalData, TAG.symmetricallyEncryptedData, TAG.symEncryptedIntegrityProtectedData, TAG.aeadEncryptedData]);

/**
 * Splits `data` into packets. Never throws: a framing error is `MalformedSignature`, more than
 * `maxPackets` packets is `TooLarge`.
 */
export function readPackets(data: Uint8Array, maxPackets: number): Packet[] | Failure {
  const packets: Packet[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (packets.length >= maxPackets) {
      return fail('TooLarge', `more than ${maxPackets} OpenPGP packets in one message (packet count bound)`);
    }
    const read = readPacket(data, pos);
    if (typeof read === 'string') return fail('MalformedSignature', `invalid OpenPGP packet at byte ${pos}: ${read}`);
    packets.push(read.packet);
    pos = read.next;
  }
  return packets;
}

function readPacket(data: Uint8Array, start: number): { packet: Packet; next: number } | string {
  const header = data[start];
  if (header === undefined || (header & 0x80) === 0) return 'not a packet header';
  let pos = start + 1;
  if ((header & 0x40) === 0) {
    const tag = (header >> 2) & 0x0f;
    const lengthType = header & 0x03;
    if (lengthType === 3) {
      if (!STREAMABLE.has(tag)) return `packet type ${tag} with indeterminate length`;
      return { packet: { tag, body: data.subarray(pos), streamed: true }, next: data.length };
    }
    const size = lengthType === 0 ? 1 : lengthType === 1 ? 2 : 4;
    if (pos + size > data.length) return 'truncated length';
    let length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + (data[pos + i] ?? 0);
    pos += size;
    if (pos + length > data.length) return `packet length ${length} overruns the message`;
    return { packet: { tag, body: data.subarray(pos, pos + length), streamed: false }, next: pos + length };
  }
  const tag = header & 0x3f;
  // Partial lengths split a body into chunks; a flood of 1-byte chunks is a memory bomb. A body in
  // one piece (the usual case) is returned as it is read, without a list of chunks.
  let chunks: Uint8Array[] | undefined;
  let streamed = false;
  for (;;) {
    const first = data[pos];
    if (first === undefined) return 'truncated length';
    let length: number;
    let partial = false;
    if (first < 192) {
      length = first;
      pos += 1;
    } else if (first < 224) {
      const second = data[pos + 1];
      if (second === undefined) return 'truncated length';
      length = ((first - 192) << 8) + second + 192;
      pos += 2;
    } else if (first < 255) {
      if (!STREAMABLE.has(tag)) return `packet type ${tag} with partial length`;
      length = 1 << (first & 0x1f);
      partial = true;
      streamed = true;
      pos += 1;
    } else {
      if (pos + 5 > data.length) return 'truncated length';
      length = (((data[pos + 1] ?? 0) << 24) >>> 0) + ((data[pos + 2] ?? 0) << 16) + ((data[pos + 3] ?? 0) << 8) + (data[pos + 4] ?? 0);
      pos += 5;
    }
    if (pos + length > data.length) return `packet length ${length} overruns the message`;
    const chunk = data.subarray(pos, pos + length);
    pos += length;
    if (!partial && chunks === undefined) return { packet: { tag, body: chunk, streamed }, next: pos };
    (chunks ??= []).push(chunk);
    if (!partial) break;
    if (chunks.length >= MAX_PARTIAL_CHUNKS) return `more than ${MAX_PARTIAL_CHUNKS} partial-length chunks`;
  }
  const body = chunks.length === 1 ? (chunks[0] ?? new Uint8Array()) : concat(chunks);
  return { packet: { tag, body, streamed }, next: pos };
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Reads one OpenPGP MPI (2-octet bit count, then the bytes) at `pos`. */
export function readMpi(data: Uint8Array, pos: number): { value: Uint8Array; next: number } | null {
  if (pos + 2 > data.length) return null;
  const bits = ((data[pos] ?? 0) << 8) | (data[pos + 1] ?? 0);
  const bytes = (bits + 7) >> 3;
  if (pos + 2 + bytes > data.length) return null;
  return { value: data.subarray(pos + 2, pos + 2 + bytes), next: pos + 2 + bytes };
}

export function toHex(bytes: Uint8Array): string {
  // A view, not a copy: only read.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex').toUpperCase();
}
