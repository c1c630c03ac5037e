/**
 * Strict parser of one OpenPGP signature packet, V3 or V4 (RFC 4880 §5.2), over attacker-controlled
 * bytes. It rejects what gpgme rejects (formats.md §5): missing creation time, empty hashed area,
 * zero-length or overrunning subpackets, unknown critical subpackets and critical notations in
 * either area, no issuer information, trailing bytes after the signature values.
 */
import { fail, type Failure } from '../codes.js';
import { readMpi, toHex } from './packets.js';

export const PUBLIC_KEY_ALGORITHM = { rsa: 1, rsaSign: 3, dsa: 17, ecdsa: 19, eddsaLegacy: 22, ed25519: 27, ed448: 28 } as const;

export interface SignaturePacket {
  readonly version: 3 | 4;
  readonly signatureType: number;
  readonly publicKeyAlgorithm: number;
  readonly hashAlgorithm: number;
  /** Creation time, seconds since the epoch (hashed, so authenticated once the signature verifies). */
  readonly created: number;
  /** Seconds after creation when the signature expires; absent or 0 means never. */
  readonly expiresAfter?: number;
  /** Issuer fingerprint from the hashed area: binding, unlike the key ID hints. */
  readonly issuerFingerprint?: string;
  /** Issuer key IDs from the V3 field or the V4 subpackets: hints for finding the key. */
  readonly issuerKeyIDs: readonly string[];
  /** The bytes hashed after the signed data (V3: class and time; V4: hashed prefix and trailer). */
  readonly trailer: Uint8Array;
  /** The algorithm-specific signature values (MPIs, or the fixed-size Ed25519/Ed448 value). */
  readonly values: readonly Uint8Array[];
}

const SUBPACKET = { creationTime: 2, expirationTime: 3, issuerKeyID: 16, notation: 20, issuerFingerprint: 33 } as const;

/**
 * Subpackets gpg understands and therefore accepts when marked critical. A critical notation is
 * never accepted (gpg knows no notation that a simple signature may require).
 */
const CRITICAL_OK = new Set([2, 3, 4, 5, 6, 7, 9, 11, 12, 16, 21, 22, 25, 27, 30, 33]);

interface Subpacket {
  readonly type: number;
  readonly critical: boolean;
  readonly body: Uint8Array;
}

/** Never throws: a signature packet, or `MalformedSignature` saying what is wrong. */
export function parseSignaturePacket(body: Uint8Array): SignaturePacket | Failure {
  const version = body[0];
  if (version === 3) return parseV3(body);
  if (version === 4) return parseV4(body);
  return fail('MalformedSignature', `unsupported signature packet version ${version ?? 'none'}`);
}

function parseV3(body: Uint8Array): SignaturePacket | Failure {
  if (body.length < 19 || body[1] !== 5) return fail('MalformedSignature', 'truncated V3 signature packet');
  const signatureType = body[2] ?? 0;
  const created = readUint32(body, 3);
  const keyID = toHex(body.subarray(7, 15));
  const publicKeyAlgorithm = body[15] ?? 0;
  const hashAlgorithm = body[16] ?? 0;
  const values = readValues(body, 17, publicKeyAlgorithm);
  if (typeof values === 'string') return fail('MalformedSignature', values);
  return {
    version: 3,
    signatureType,
    publicKeyAlgorithm,
    hashAlgorithm,
    created,
    issuerKeyIDs: [keyID],
    trailer: body.slice(2, 7),
    values,
  };
}

function parseV4(body: Uint8Array): SignaturePacket | Failure {
  if (body.length < 6) return fail('MalformedSignature', 'truncated V4 signature packet');
  const signatureType = body[1] ?? 0;
  const publicKeyAlgorithm = body[2] ?? 0;
  const hashAlgorithm = body[3] ?? 0;
  const hashedLength = readUint16(body, 4);
  const hashedEnd = 6 + hashedLength;
  if (hashedLength === 0) return fail('MalformedSignature', 'signature has an empty hashed subpacket area');
  if (hashedEnd + 2 > body.length) return fail('MalformedSignature', 'hashed subpacket area overruns the packet');
  const unhashedLength = readUint16(body, hashedEnd);
  const unhashedEnd = hashedEnd + 2 + unhashedLength;
  if (unhashedEnd + 2 > body.length) return fail('MalformedSignature', 'unhashed subpacket area overruns the packet');
  const hashed = readSubpackets(body.subarray(6, hashedEnd));
  if (typeof hashed === 'string') return fail('MalformedSignature', `hashed area: ${hashed}`);
  const unhashed = readSubpackets(body.subarray(hashedEnd + 2, unhashedEnd));
  if (typeof unhashed === 'string') return fail('MalformedSignature', `unhashed area: ${unhashed}`);

  const creation = single(hashed, SUBPACKET.creationTime);
  if (creation === null || creation?.body.length !== 4) return fail('MalformedSignature', 'signature has no valid hashed creation time');
  const expiration = single(hashed, SUBPACKET.expirationTime);
  if (expiration === null || (expiration !== undefined && expiration.body.length !== 4)) {
    return fail('MalformedSignature', 'invalid signature expiration time');
  }
  const fingerprint = single(hashed, SUBPACKET.issuerFingerprint);
  if (fingerprint === null) return fail('MalformedSignature', 'more than one hashed issuer fingerprint');
  const issuerFingerprint = fingerprint === undefined ? undefined : readFingerprint(fingerprint.body);
  if (issuerFingerprint === null) return fail('MalformedSignature', 'invalid issuer fingerprint subpacket');

  const issuerKeyIDs = new Set<string>();
  for (const area of [hashed, unhashed]) {
    for (const sub of area) {
      if (sub.type === SUBPACKET.issuerKeyID && sub.body.length === 8) issuerKeyIDs.add(toHex(sub.body));
      if (sub.type === SUBPACKET.issuerFingerprint) {
        // The hashed one was read above.
        const hint = sub === fingerprint ? issuerFingerprint : readFingerprint(sub.body);
        if (hint) issuerKeyIDs.add(hint.slice(-16));
      }
    }
  }
  if (issuerFingerprint === undefined && issuerKeyIDs.size === 0) {
    return fail('MalformedSignature', 'signature names no issuer key');
  }

  const values = readValues(body, unhashedEnd, publicKeyAlgorithm);
  if (typeof values === 'string') return fail('MalformedSignature', values);
  const trailer = new Uint8Array(hashedEnd + 6);
  trailer.set(body.subarray(0, hashedEnd));
  trailer[hashedEnd] = 0x04;
  trailer[hashedEnd + 1] = 0xff;
  trailer[hashedEnd + 2] = (hashedEnd >>> 24) & 0xff;
  trailer[hashedEnd + 3] = (hashedEnd >>> 16) & 0xff;
  trailer[hashedEnd + 4] = (hashedEnd >>> 8) & 0xff;
  trailer[hashedEnd + 5] = hashedEnd & 0xff;
  const expiresAfter = expiration === undefined ? undefined : readUint32(expiration.body, 0);
  const packet: { -readonly [K in keyof SignaturePacket]?: SignaturePacket[K] } = {
    version: 4,
    signatureType,
    publicKeyAlgorithm,
    hashAlgorithm,
    created: readUint32(creation.body, 0),
  };
  if (expiresAfter) packet.expiresAfter = expiresAfter;
  if (issuerFingerprint) packet.issuerFingerprint = issuerFingerprint;
  packet.issuerKeyIDs = [...issuerKeyIDs];
  packet.trailer = trailer;
  packet.values = values;
  return packet as SignaturePacket;
}

function readSubpackets(area: Uint8Array): Subpacket[] | string {
  const out: Subpacket[] = [];
  let pos = 0;
  while (pos < area.length) {
    const first = area[pos] ?? 0;
    let length: number;
    if (first < 192) {
      length = first;
      pos += 1;
    } else if (first < 255) {
      if (pos + 2 > area.length) return 'truncated subpacket length';
      length = ((first - 192) << 8) + (area[pos + 1] ?? 0) + 192;
      pos += 2;
    } else {
      if (pos + 5 > area.length) return 'truncated subpacket length';
      length = readUint32(area, pos + 1);
      pos += 5;
    }
    if (length === 0) return 'zero-length subpacket';
    if (pos + length > area.length) return 'subpacket overruns its area';
    const typeByte = area[pos] ?? 0;
    const sub = { type: typeByte & 0x7f, critical: (typeByte & 0x80) !== 0, body: area.subarray(pos + 1, pos + length) };
    if (sub.critical && (sub.type === SUBPACKET.notation || !CRITICAL_OK.has(sub.type))) {
      return `unknown critical subpacket type ${sub.type}`;
    }
    out.push(sub);
    pos += length;
  }
  return out;
}

/** The one subpacket of `type`; undefined when absent, null when repeated. */
function single(subpackets: readonly Subpacket[], type: number): Subpacket | undefined | null {
  let found: Subpacket | undefined;
  for (const sub of subpackets) {
    if (sub.type !== type) continue;
    if (found !== undefined) return null;
    found = sub;
  }
  return found;
}

function readFingerprint(body: Uint8Array): string | null {
  const version = body[0];
  if (version === 4 && body.length === 21) return toHex(body.subarray(1));
  if ((version === 5 || version === 6) && body.length === 33) return toHex(body.subarray(1));
  return null;
}

const FIXED_SIZE: Readonly<Record<number, number>> = { [PUBLIC_KEY_ALGORITHM.ed25519]: 64, [PUBLIC_KEY_ALGORITHM.ed448]: 114 };
const MPI_COUNT: Readonly<Record<number, number>> = {
  [PUBLIC_KEY_ALGORITHM.rsa]: 1,
  [PUBLIC_KEY_ALGORITHM.rsaSign]: 1,
  [PUBLIC_KEY_ALGORITHM.dsa]: 2,
  [PUBLIC_KEY_ALGORITHM.ecdsa]: 2,
  [PUBLIC_KEY_ALGORITHM.eddsaLegacy]: 2,
};

function readValues(body: Uint8Array, start: number, algorithm: number): Uint8Array[] | string {
  if (start + 2 > body.length) return 'truncated signature packet';
  let pos = start + 2; // the 16-bit hash prefix is only a hint; the real check is the signature
  const fixed = FIXED_SIZE[algorithm];
  if (fixed !== undefined) {
    if (pos + fixed !== body.length) return 'signature value has the wrong size';
    return [body.subarray(pos, pos + fixed)];
  }
  const count = MPI_COUNT[algorithm];
  if (count === undefined) return `unsupported public-key algorithm ${algorithm}`;
  const values: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const mpi = readMpi(body, pos);
    if (mpi === null) return 'truncated signature value';
    // Views: the engine's cache keeps only a packet's times (see `authenticateOpenPgp`), never its values.
    values.push(mpi.value);
    pos = mpi.next;
  }
  if (pos !== body.length) return 'unexpected bytes after the signature values';
  return values;
}

function readUint16(data: Uint8Array, pos: number): number {
  return ((data[pos] ?? 0) << 8) | (data[pos + 1] ?? 0);
}

function readUint32(data: Uint8Array, pos: number): number {
  return (((data[pos] ?? 0) << 24) >>> 0) + ((data[pos + 1] ?? 0) << 16) + ((data[pos + 2] ?? 0) << 8) + (data[pos + 3] ?? 0);
}
