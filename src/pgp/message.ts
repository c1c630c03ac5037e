/**
 * The one message grammar simple signing uses (RFC 4880 §11.3), read strictly and with bounds:
 *
 *   message   := compressed(message) | one-pass literal signature | signature literal
 *
 * Anything else (armor, cleartext, detached signatures, bare literal data, encrypted data, stray
 * packets beside a compressed packet) is `MalformedSignature`; more than one signature is
 * `MultipleSignatures`. No key material is touched here.
 */
import { fail, isFailure, type Failure } from '../codes.js';
import { decompress } from './decompress.js';
import { readPackets, TAG, type Packet } from './packets.js';
import { parseSignaturePacket, type SignaturePacket } from './signature-packet.js';

export interface MessageLimits {
  /** Largest signature blob accepted, in bytes. */
  readonly maxBlobBytes: number;
  /** Largest decompressed message (and signed payload), in bytes. */
  readonly maxPayloadBytes: number;
  /** Most packets in the whole message, across compression levels. */
  readonly maxPackets: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = { maxBlobBytes: 4 << 20, maxPayloadBytes: 1 << 20, maxPackets: 32 };

const MAX_COMPRESSION_DEPTH = 4;

export interface SignedMessage {
  /** The literal data exactly as carried: not yet authenticated. */
  readonly untrustedPayload: Uint8Array;
  readonly signature: SignaturePacket;
}

const ENCRYPTED = new Set<number>([
  TAG.publicKeyEncryptedSessionKey,
  TAG.symmetricKeyEncryptedSessionKey,
  TAG.symmetricallyEncryptedData,
  TAG.symEncryptedIntegrityProtectedData,
  TAG.aeadEncryptedData,
]);

/** Never throws: the literal payload and its single signature packet, or the first failing check. */
export function parseSignedMessage(blob: Uint8Array, limits: MessageLimits = DEFAULT_MESSAGE_LIMITS): SignedMessage | Failure {
  if (blob.length > limits.maxBlobBytes) {
    return fail('TooLarge', `signature blob is ${blob.length} bytes, over the ${limits.maxBlobBytes}-byte blob size bound`);
  }
  if (blob.length === 0) return fail('MalformedSignature', 'empty signature blob');
  if ((blob[0] ?? 0) < 0x80) {
    return fail('MalformedSignature', 'not a binary OpenPGP message (armored or cleartext text is not accepted)');
  }
  let budget = limits.maxPackets;
  let data = blob;
  for (let depth = 0; ; depth++) {
    const packets = readPackets(data, budget);
    if (isFailure(packets)) return packets;
    budget -= packets.length;
    const first = packets[0];
    if (packets.length === 1 && first?.tag === TAG.compressedData) {
      if (depth >= MAX_COMPRESSION_DEPTH) return fail('MalformedSignature', 'compression nested too deeply');
      const inner = decompress(first.body, limits.maxPayloadBytes);
      if (isFailure(inner)) return inner;
      // zlib returns a Buffer, whose `subarray` (a call per packet, subpacket and value read below)
      // costs several times a plain view's.
      data = Buffer.isBuffer(inner) ? new Uint8Array(inner.buffer, inner.byteOffset, inner.byteLength) : inner;
      continue;
    }
    return readSignedSequence(packets, limits);
  }
}

function readSignedSequence(packets: readonly Packet[], limits: MessageLimits): SignedMessage | Failure {
  // One pass over the tags; the checks below keep their order.
  let encrypted = false;
  let compressed = false;
  let unexpected: number | undefined;
  let literals = 0;
  let onePass = 0;
  let signatures = 0;
  let literalAt = -1;
  for (let i = 0; i < packets.length; i++) {
    const tag = tagAt(packets, i);
    if (ENCRYPTED.has(tag)) encrypted = true;
    if (tag === TAG.compressedData) compressed = true;
    if (tag === TAG.literalData) {
      literals++;
      if (literalAt === -1) literalAt = i;
    } else if (tag === TAG.onePassSignature) onePass++;
    else if (tag === TAG.signature) signatures++;
    else unexpected ??= tag;
  }
  if (encrypted) return fail('MalformedSignature', 'encrypted message, not a signed message');
  if (compressed) return fail('MalformedSignature', 'packets beside a compressed packet');
  if (unexpected !== undefined) return fail('MalformedSignature', `unexpected packet type ${unexpected} in a signed message`);
  if (literals === 0) return fail('MalformedSignature', signatures > 0 ? 'detached signature: no signed data' : 'no literal data');
  if (literals > 1) return fail('MalformedSignature', 'more than one literal data packet');
  if (signatures === 0) return fail('MalformedSignature', 'not signed: literal data without a signature');

  const onePassForm = onePass > 0 && allTags(packets, 0, literalAt, TAG.onePassSignature) && literalAt === onePass
    && allTags(packets, literalAt + 1, packets.length, TAG.signature) && signatures === onePass;
  const signatureFirstForm = onePass === 0 && literalAt === signatures && literalAt === packets.length - 1;
  if (!onePassForm && !signatureFirstForm) return fail('MalformedSignature', 'packets of the signed message are out of order');
  if (signatures > 1) return fail('MultipleSignatures', `expected exactly one signature, found ${signatures}`);

  const signatureBody = packets[onePassForm ? literalAt + 1 : 0];
  const literal = packets[literalAt];
  if (!signatureBody || !literal || signatureBody.streamed) return fail('MalformedSignature', 'signature packet with a streamed length');
  const signature = parseSignaturePacket(signatureBody.body);
  if (isFailure(signature)) return signature;
  if (signature.signatureType !== 0x00 && signature.signatureType !== 0x01) {
    return fail('MalformedSignature', `signature class 0x${signature.signatureType.toString(16)} is not a document signature`);
  }
  if (onePassForm) {
    const problem = onePassProblem(packets[0]?.body, signature);
    if (problem) return fail('MalformedSignature', problem);
  }
  const payload = literalBody(literal.body);
  if (payload === null) return fail('MalformedSignature', 'truncated literal data packet');
  if (payload.length > limits.maxPayloadBytes) {
    return fail('TooLarge', `signed payload is ${payload.length} bytes, over the ${limits.maxPayloadBytes}-byte payload bound`);
  }
  return { untrustedPayload: payload, signature };
}

function tagAt(packets: readonly Packet[], index: number): number {
  return packets[index]?.tag ?? -1;
}

/** Every packet in [from, to) has `tag`. */
function allTags(packets: readonly Packet[], from: number, to: number, tag: number): boolean {
  for (let i = from; i < to; i++) if (tagAt(packets, i) !== tag) return false;
  return true;
}

/** gpg hashes with the one-pass packet's algorithm: a mismatch must not verify. */
function onePassProblem(body: Uint8Array | undefined, signature: SignaturePacket): string | null {
  if (!body || body.length !== 13 || body[0] !== 3) return 'invalid one-pass signature packet';
  if (body[2] !== signature.hashAlgorithm) return 'one-pass and signature packets name different hash algorithms';
  return null;
}

function literalBody(body: Uint8Array): Uint8Array | null {
  const nameLength = body[1];
  if (body.length < 2 || nameLength === undefined || body.length < 2 + nameLength + 4) return null;
  return body.subarray(2 + nameLength + 4);
}
