/**
 * Bounds and message-grammar examples for OpenPGP simple signing (contract section 2 steps 1-5,
 * section 5; formats.md section 5). Each example asserts the reason code. Variants are built by
 * re-framing the packets of real fixtures, or by re-signing with the TEST-ONLY secret keys in
 * test/fixtures (so that a rejection is known to come from the check under test, not from a
 * signature that no longer verifies).
 */
import { splitPackets } from '../helpers/packet-frames.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { isFailure } from '../../src/codes.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { DEFAULT_MESSAGE_LIMITS, parseSignedMessage } from '../../src/pgp/message.js';
import type { SignatureVerdict } from '../../src/types.js';

// ---------------------------------------------------------------------------------------------
// Fixtures, engine, Image builder
// ---------------------------------------------------------------------------------------------

const PGP = new URL('../fixtures/pgp/', import.meta.url);
const UPSTREAM = new URL('../fixtures/containers-image/', import.meta.url);
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const IDENTITY = 'registry.example.com/ns/app:v1';
const EVALUATION = new Date('2026-01-01T00:00:00Z');
const MiB = 1 << 20;

const readPgp = (path: string): Buffer => readFileSync(new URL(path, PGP));
const readUpstream = (path: string): Buffer => readFileSync(new URL(path, UPSTREAM));

type Json = Record<string, unknown>;

function imageWith(contents: readonly (Uint8Array | string)[], reference = IDENTITY): Json {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: DIGEST },
    dockerImageReference: reference,
    signatures: contents.map((content, i) => ({
      metadata: { name: `${DIGEST}@${(i + 1).toString(16).padStart(32, '0')}` },
      type: 'atomic',
      content: typeof content === 'string' ? content : Buffer.from(content).toString('base64'),
    })),
  };
}

const trust = [
  {
    name: 'fixtures',
    keyrings: readdirSync(new URL('keys/', PGP))
      .filter((f) => f.endsWith('.asc') && f !== 'no-public-key.asc')
      .map((f) => ({ data: readPgp(`keys/${f}`), source: f })),
  },
  {
    name: 'upstream',
    keyrings: [
      { data: readUpstream('public-key.gpg'), source: 'public-key.gpg' },
      { data: readUpstream('public-key-with-subkey.gpg'), source: 'public-key-with-subkey.gpg' },
    ],
  },
];

const engine = await createEngine({ trust, clock: () => EVALUATION, cache: false });

function verdictOf(blob: Uint8Array | string, options: { engine?: Engine; reference?: string; at?: Date } = {}): SignatureVerdict {
  const result = (options.engine ?? engine).verifyImage(imageWith([blob], options.reference), options.at ? { at: options.at } : {});
  expect(result.problems).toEqual([]);
  expect(result.signatures).toHaveLength(1);
  const verdict = result.signatures[0]!;
  if (verdict.reason !== 'Verified') {
    expect(verdict.trusted && verdict.forImage).toBe(false);
    expect(result.verdict).toBe('Untrusted');
  }
  return verdict;
}

function expectReason(blob: Uint8Array | string, reason: string, options: { engine?: Engine; reference?: string } = {}): SignatureVerdict {
  const verdict = verdictOf(blob, options);
  expect(verdict.reason, verdict.message).toBe(reason);
  if (reason !== 'Verified') expect(verdict.trusted && verdict.forImage).toBe(false);
  return verdict;
}

/** Runs `f` and returns its result with the elapsed wall time (asserted only with generous bounds). */
function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

// ---------------------------------------------------------------------------------------------
// Packet framing helpers
// ---------------------------------------------------------------------------------------------

const TAG = { signature: 2, onePass: 4, compressed: 8, marker: 10, literal: 11 } as const;

function newLength(n: number): number[] {
  if (n < 192) return [n];
  if (n < 8384) return [((n - 192) >> 8) + 192, (n - 192) & 0xff];
  return [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** New-format packet; `fiveOctet` forces the 5-octet length form. */
function newPacket(tag: number, body: Uint8Array, fiveOctet = false): Buffer {
  const n = body.length;
  const length = fiveOctet ? [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff] : newLength(n);
  return Buffer.concat([Buffer.from([0xc0 | tag, ...length]), body]);
}

function oldPacket(tag: number, body: Uint8Array): Buffer {
  const n = body.length;
  if (n < 256) return Buffer.concat([Buffer.from([0x80 | (tag << 2), n]), body]);
  if (n < 65536) return Buffer.concat([Buffer.from([0x80 | (tag << 2) | 1, n >> 8, n & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x80 | (tag << 2) | 2, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]), body]);
}

/** Old-format packet with the indeterminate length (it runs to the end of the data). */
function indeterminatePacket(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x80 | (tag << 2) | 3]), body]);
}

/** New-format packet with partial body lengths of 2^power bytes, then a final ordinary length. */
function partialPacket(tag: number, body: Uint8Array, power: number): Buffer {
  const chunk = 1 << power;
  const parts: Buffer[] = [Buffer.from([0xc0 | tag])];
  let pos = 0;
  while (body.length - pos > chunk) {
    parts.push(Buffer.from([0xe0 | power]), Buffer.from(body.subarray(pos, pos + chunk)));
    pos += chunk;
  }
  parts.push(Buffer.from(newLength(body.length - pos)), Buffer.from(body.subarray(pos)));
  return Buffer.concat(parts);
}

function compressedPacket(algorithm: number, stream: Uint8Array, header: 'new' | 'old' = 'new'): Buffer {
  const body = Buffer.concat([Buffer.from([algorithm]), stream]);
  return header === 'new' ? newPacket(TAG.compressed, body, true) : indeterminatePacket(TAG.compressed, body);
}

const zip = (inner: Uint8Array): Buffer => compressedPacket(1, deflateRawSync(inner));

const frame = (...packets: Buffer[]): Buffer => Buffer.concat(packets);

// The uncompressed rsa2048 fixture: one-pass (13 bytes), literal, V4 signature.
const UNCOMPRESSED = readPgp('signatures/rsa2048-uncompressed.signature');
const [ONE_PASS, LITERAL, SIGNATURE] = ((): [Buffer, Buffer, Buffer] => {
  const packets = splitPackets(UNCOMPRESSED);
  expect(packets.map((p) => p.tag)).toEqual([TAG.onePass, TAG.literal, TAG.signature]);
  return [packets[0]!.body, packets[1]!.body, packets[2]!.body];
})();

/** The textmode fixture (ZIP, class 0x01, literal format t with CRLF line ends), decompressed. */
const TEXTMODE = ((): [Buffer, Buffer, Buffer] => {
  const blob = readPgp('signatures/rsa2048-textmode.signature');
  expect([...blob.subarray(0, 2)]).toEqual([0xa3, 1]);
  const packets = splitPackets(inflateRawSync(blob.subarray(2)));
  expect(packets.map((p) => p.tag)).toEqual([TAG.onePass, TAG.literal, TAG.signature]);
  return [packets[0]!.body, packets[1]!.body, packets[2]!.body];
})();

const onePass = (body = ONE_PASS): Buffer => newPacket(TAG.onePass, body);
const literal = (body = LITERAL): Buffer => newPacket(TAG.literal, body);
const signature = (body = SIGNATURE): Buffer => newPacket(TAG.signature, body);

function patched(body: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(body);
  copy[at] = value;
  return copy;
}

/** The parts of a V4 signature body around its unhashed subpacket area. */
function splitV4(body: Buffer): { head: Buffer; unhashed: Buffer; tail: Buffer } {
  expect(body[0]).toBe(4);
  const hashedEnd = 6 + body.readUInt16BE(4);
  const unhashedEnd = hashedEnd + 2 + body.readUInt16BE(hashedEnd);
  return { head: body.subarray(0, hashedEnd), unhashed: body.subarray(hashedEnd + 2, unhashedEnd), tail: body.subarray(unhashedEnd) };
}

function withUnhashed(body: Buffer, unhashed: Uint8Array): Buffer {
  const { head, tail } = splitV4(body);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(unhashed.length);
  return Buffer.concat([head, length, unhashed, tail]);
}

function subpacket(type: number, body: Uint8Array, critical = false): Buffer {
  return Buffer.concat([Buffer.from(newLength(body.length + 1)), Buffer.from([critical ? 0x80 | type : type]), body]);
}

// ---------------------------------------------------------------------------------------------
// Re-signing with the test-only secret keys
// ---------------------------------------------------------------------------------------------

interface Signer {
  readonly algorithm: 1 | 22;
  readonly keyID: Buffer;
  readonly fingerprint: Buffer;
  /** Signature values (as MPI byte strings) over `data` hashed with `hash`. */
  values(hash: string, data: Buffer): Buffer[];
}

const big = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function b64url(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

function toSigner(packet: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket): Signer {
  expect(packet.isDecrypted()).toBe(true);
  const fingerprint = Buffer.from(packet.getFingerprint(), 'hex');
  const keyID = fingerprint.subarray(-8);
  const pub = packet.publicParams as Record<string, Uint8Array>;
  const priv = packet.privateParams as Record<string, Uint8Array>;
  if (packet.algorithm === openpgp.enums.publicKey.rsaEncryptSign) {
    const [n, e, d, p, q] = [big(pub['n']!), big(pub['e']!), big(priv['d']!), big(priv['p']!), big(priv['q']!)];
    const key: KeyObject = createPrivateKey({
      format: 'jwk',
      key: { kty: 'RSA', n: b64url(n), e: b64url(e), d: b64url(d), p: b64url(p), q: b64url(q), dp: b64url(d % (p - 1n)), dq: b64url(d % (q - 1n)), qi: b64url(modInverse(q, p)) },
    });
    return { algorithm: 1, keyID, fingerprint, values: (hash, data) => [cryptoSign(hash, data, key)] };
  }
  if (packet.algorithm === openpgp.enums.publicKey.eddsaLegacy) {
    const key = createPrivateKey({
      format: 'jwk',
      key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(priv['seed']!).toString('base64url'), x: Buffer.from(pub['Q']!.subarray(1)).toString('base64url') },
    });
    return {
      algorithm: 22,
      keyID,
      fingerprint,
      values: (hash, data) => {
        const value = cryptoSign(null, createHash(hash).update(data).digest(), key);
        return [value.subarray(0, 32), value.subarray(32)];
      },
    };
  }
  throw new Error(`no test signer for algorithm ${packet.algorithm}`);
}

async function secretPackets(data: Buffer, armored: boolean): Promise<(openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket)[]> {
  const keys = armored ? await openpgp.readPrivateKeys({ armoredKeys: data.toString('utf8') }) : await openpgp.readPrivateKeys({ binaryKeys: data });
  return keys.flatMap((k) => [k.keyPacket as openpgp.SecretKeyPacket, ...k.subkeys.map((s) => s.keyPacket as openpgp.SecretSubkeyPacket)]);
}

async function signerFor(data: Buffer, armored: boolean, fingerprint: string): Promise<Signer> {
  const packet = (await secretPackets(data, armored)).find((p) => p.getFingerprint().toUpperCase() === fingerprint);
  if (!packet) throw new Error(`no secret key ${fingerprint}`);
  return toSigner(packet);
}

const RSA2048 = await signerFor(readPgp('keys/secret/rsa2048.asc'), true, 'D34768EEF90A98642D4F502708F915B1ECB55E81');
/** The certify-only Ed25519 primary key of `subkey-signer` (its RSA subkey is the signing key). */
const CERTIFY_ONLY_PRIMARY = await signerFor(readPgp('keys/secret/subkey-signer.asc'), true, 'A1E0F0F31F86062ED794DF9D14CBEB6087D7DFD2');
/** The encryption-only RSA subkey of the upstream test key 08CD…DD43 (secring.gpg, no passphrase). */
const ENCRYPTION_SUBKEY = await signerFor(readUpstream('secring.gpg'), false, 'C3497E66DDA639E1D1A07C3E1503AAD793884DD9');

const HASH = { md5: 1, sha1: 2, sha256: 8, sha512: 10, sha224: 11 } as const;
type HashName = keyof typeof HASH;

const PAYLOAD = readPgp('payloads/base.json');
const SIGNED_AT = Date.parse('2025-03-01T00:00:00Z') / 1000;

const uint32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function mpi(value: Uint8Array): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const bytes = value.subarray(start);
  const bits = bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
  return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), bytes]);
}

const creationTime = (t = SIGNED_AT): Buffer => subpacket(2, uint32(t));
const issuerFingerprint = (s: Signer): Buffer => subpacket(33, Buffer.concat([Buffer.from([4]), s.fingerprint]));
const issuerKeyID = (id: Buffer): Buffer => subpacket(16, id);

interface SignOptions {
  readonly signer?: Signer;
  readonly signatureType?: number;
  readonly hash?: HashName;
  readonly hashed?: readonly Buffer[];
  readonly unhashed?: readonly Buffer[];
  readonly payload?: Buffer;
  /** The signed data, when it differs from the payload as carried (canonical text). */
  readonly signedData?: Buffer;
  readonly literalFormat?: string;
}

/** A V4 signature packet body made with a test-only secret key. */
function signV4(options: SignOptions = {}): Buffer {
  const signer = options.signer ?? RSA2048;
  const hash = options.hash ?? 'sha256';
  const hashed = Buffer.concat(options.hashed ?? [issuerFingerprint(signer), creationTime()]);
  const unhashed = Buffer.concat(options.unhashed ?? [issuerKeyID(signer.keyID)]);
  const head = Buffer.concat([Buffer.from([4, options.signatureType ?? 0, signer.algorithm, HASH[hash], hashed.length >> 8, hashed.length & 0xff]), hashed]);
  const trailer = Buffer.concat([head, Buffer.from([4, 0xff]), uint32(head.length)]);
  const data = Buffer.concat([options.signedData ?? options.payload ?? PAYLOAD, trailer]);
  const prefix = createHash(hash).update(data).digest().subarray(0, 2);
  const values = signer.values(hash, data).map(mpi);
  return Buffer.concat([head, Buffer.from([unhashed.length >> 8, unhashed.length & 0xff]), unhashed, prefix, ...values]);
}

/** A V3 signature packet body (class and creation time hashed after the data). */
function signV3(options: { signer?: Signer; signatureType?: number; keyID?: Buffer } = {}): Buffer {
  const signer = options.signer ?? RSA2048;
  const hashedTail = Buffer.concat([Buffer.from([options.signatureType ?? 0]), uint32(SIGNED_AT)]);
  const data = Buffer.concat([PAYLOAD, hashedTail]);
  const prefix = createHash('sha256').update(data).digest().subarray(0, 2);
  const values = signer.values('sha256', data).map(mpi);
  return Buffer.concat([Buffer.from([3, 5]), hashedTail, options.keyID ?? signer.keyID, Buffer.from([signer.algorithm, HASH.sha256]), prefix, ...values]);
}

function onePassFor(signatureBody: Buffer): Buffer {
  const v4 = signatureBody[0] === 4;
  const [type, algorithm, hash] = v4 ? [signatureBody[1]!, signatureBody[2]!, signatureBody[3]!] : [signatureBody[2]!, signatureBody[15]!, signatureBody[16]!];
  const keyID = v4 ? RSA2048.keyID : signatureBody.subarray(7, 15);
  return newPacket(TAG.onePass, Buffer.concat([Buffer.from([3, type, hash, algorithm]), keyID, Buffer.from([1])]));
}

function literalBody(payload: Buffer = PAYLOAD, format = 'b', name = '', date = SIGNED_AT): Buffer {
  return Buffer.concat([Buffer.from([format.charCodeAt(0), name.length]), Buffer.from(name, 'latin1'), uint32(date), payload]);
}

/** A complete uncompressed one-pass signed message around a signature body. */
function signedMessage(signatureBody: Buffer, payload: Buffer = PAYLOAD, format = 'b'): Buffer {
  return frame(onePassFor(signatureBody), literal(literalBody(payload, format)), signature(signatureBody));
}

function resigned(options: SignOptions = {}): Buffer {
  return signedMessage(signV4(options), options.payload ?? PAYLOAD, options.literalFormat ?? 'b');
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('test helpers', () => {
  it('re-framing the uncompressed fixture with new-format headers still verifies', () => {
    expectReason(frame(onePass(), literal(), signature()), 'Verified');
  });

  it('a message re-signed with the test-only rsa2048 key verifies (V4 and V3)', () => {
    expectReason(resigned(), 'Verified');
    expectReason(signedMessage(signV3()), 'Verified');
  });
});

describe('size bounds (step 1)', () => {
  it('a blob of 4 MiB + 1 byte is TooLarge; exactly 4 MiB is not', () => {
    const over = Buffer.alloc(4 * MiB + 1, 0xa3);
    expectReason(over, 'TooLarge');
    const atLimit = Buffer.alloc(4 * MiB, 0);
    expectReason(atLimit, 'MalformedSignature');
    const direct = parseSignedMessage(over, DEFAULT_MESSAGE_LIMITS);
    expect(isFailure(direct) && direct.code).toBe('TooLarge');
  });

  it('limits.maxBlobBytes: 1000 makes a 2 KB blob TooLarge and leaves a 600-byte signature alone', async () => {
    const small = await createEngine({ trust, clock: () => EVALUATION, cache: false, limits: { maxBlobBytes: 1000 } });
    const twoKB = Buffer.concat([readPgp('signatures/rsa2048.signature'), Buffer.alloc(2048 - 600)]);
    expect(twoKB.length).toBe(2048);
    expectReason(twoKB, 'TooLarge', { engine: small });
    expectReason(readPgp('signatures/rsa2048.signature'), 'Verified', { engine: small });
  });

  it('limits.maxPayloadBytes bounds the signed literal data', async () => {
    const small = await createEngine({ trust, clock: () => EVALUATION, cache: false, limits: { maxPayloadBytes: 100 } });
    expectReason(UNCOMPRESSED, 'TooLarge', { engine: small });
    expectReason(readPgp('signatures/rsa2048.signature'), 'TooLarge', { engine: small });
  });
});

describe('decompression bombs (step 1)', () => {
  // 100 MiB of zeros, compressed once for the whole file.
  const zeros = Buffer.alloc(100 * MiB);
  const rawDeflate = deflateRawSync(zeros, { level: 9 });
  const zlibStream = deflateSync(zeros, { level: 9 });

  it.each([
    ['ZIP, new-format header 0xC8', () => compressedPacket(1, rawDeflate, 'new')],
    ['ZIP, old-format header 0xA3', () => compressedPacket(1, rawDeflate, 'old')],
    ['ZLIB, new-format header', () => compressedPacket(2, zlibStream, 'new')],
    ['ZLIB, old-format header', () => compressedPacket(2, zlibStream, 'old')],
  ])('%s inflating to 100 MiB is TooLarge, quickly', (_name, build) => {
    const blob = build();
    expect(blob.length).toBeLessThan(4 * MiB);
    const { value } = timed(() => verdictOf(blob));
    expect(value.reason).toBe('TooLarge');
  });

  it('a ZIP bomb nested inside another compressed packet is TooLarge', () => {
    const inner = compressedPacket(1, rawDeflate, 'new');
    const { value } = timed(() => verdictOf(zip(inner)));
    expect(value.reason).toBe('TooLarge');
  });

  const bzip2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' });
  const haveBzip2 = bzip2.error === undefined;
  it.skipIf(!haveBzip2)(`BZip2 inflating to 100 MiB is TooLarge, quickly${haveBzip2 ? '' : ' (skipped: no bzip2 CLI on this machine)'}`, () => {
    const stream = execFileSync('bzip2', ['-9', '-c'], { input: zeros, maxBuffer: 8 * MiB });
    for (const header of ['new', 'old'] as const) {
      const { value } = timed(() => verdictOf(compressedPacket(3, stream, header)));
      expect(value.reason).toBe('TooLarge');
    }
  });

  // Was a bug (denial of service): seek-bzip allocates a 3.6 MB table for every block, so a 4 MiB
  // blob of ~187 000 one-byte blocks cost over a minute while staying under every other bound.
  // The block count is now bounded (MAX_BZIP2_BLOCKS): the work no longer grows with the blob.
  it('a BZip2 stream of many one-byte blocks hits the block bound (TooLarge)', () => {
    const value = verdictOf(compressedPacket(3, bzip2OfManyBlocks(1000), 'new'));
    expect(value.trusted).toBe(false);
    expect(value.reason).toBe('TooLarge');
  });
});

describe('nesting and packet floods (step 1)', () => {
  const plain = frame(onePass(), literal(), signature());

  it.each([1, 2, 4])('a valid message inside %i nested ZIP compressed packets verifies (gpgme accepts nesting)', (depth) => {
    let blob = plain;
    for (let i = 0; i < depth; i++) blob = zip(blob);
    expectReason(blob, 'Verified');
  });

  it('compression nested 5 deep is MalformedSignature', () => {
    let blob = plain;
    for (let i = 0; i < 5; i++) blob = zip(blob);
    expectReason(blob, 'MalformedSignature');
  });

  it('1 KiB of marker packets (tag 10) is TooLarge, quickly', () => {
    const marker = oldPacket(TAG.marker, Buffer.from('PGP'));
    const flood = Buffer.concat(Array.from({ length: Math.ceil(1024 / marker.length) }, () => marker));
    const { value } = timed(() => verdictOf(flood));
    expect(value.reason).toBe('TooLarge');
    // the same flood in front of a valid message, and inside a compressed packet
    expectReason(Buffer.concat([flood, plain]), 'TooLarge');
    expectReason(zip(Buffer.concat([flood, plain])), 'TooLarge');
  });

  it('1000 tiny literal packets are TooLarge (plain or compressed), quickly', () => {
    const tiny = newPacket(TAG.literal, literalBody(Buffer.from('x')));
    const flood = Buffer.concat(Array.from({ length: 1000 }, () => tiny));
    for (const blob of [flood, zip(flood), frame(onePass(), flood, signature())]) {
      const { value } = timed(() => verdictOf(blob));
      expect(value.reason).toBe('TooLarge');
    }
  });

  it('a literal packet made of 2 million one-byte partial chunks is refused, quickly', () => {
    // 4 MiB of partial-length chunks: the packet count bound does not count chunks.
    const count = 2 * MiB - 8;
    const blob = Buffer.alloc(1 + count * 2 + 1);
    blob[0] = 0xc0 | TAG.literal;
    for (let i = 0; i < count; i++) {
      blob[1 + 2 * i] = 0xe0; // partial length 2^0
      blob[2 + 2 * i] = 0x41;
    }
    blob[1 + 2 * count] = 0; // final chunk, empty
    expect(blob.length).toBeLessThanOrEqual(4 * MiB);
    const { value } = timed(() => verdictOf(blob));
    expect(['MalformedSignature', 'TooLarge']).toContain(value.reason);
    // Generous: ~0.5 s alone on a laptop core, but the 2 M chunks cost ~200 MB of heap (see report).
  });
});

describe('message grammar (step 2): upstream generated files', () => {
  it.each([
    ['armored', 'generated/armored.signature'],
    ['cleartext', 'generated/cleartext.signature'],
    ['detached', 'generated/detached.signature'],
    ['literal only (not signed)', 'unsigned-literal.signature'],
    ['encrypted', 'unsigned-encrypted.signature'],
  ])('%s is MalformedSignature', (_name, file) => {
    expectReason(readUpstream(file), 'MalformedSignature');
  });

  it('two signatures in one message is MultipleSignatures', () => {
    expectReason(readUpstream('generated/double-signature.signature'), 'MultipleSignatures');
    expectReason(readPgp('signatures/double.signature'), 'MultipleSignatures');
  });
});

describe('message grammar (step 2): edited rsa2048-uncompressed', () => {
  it('two literal packets are MalformedSignature', () => {
    expectReason(frame(onePass(), literal(), literal(), signature()), 'MalformedSignature');
  });

  it('a one-pass packet without a signature is MalformedSignature', () => {
    expectReason(frame(onePass(), literal()), 'MalformedSignature');
  });

  it('a signature packet with partial body lengths is MalformedSignature', () => {
    expectReason(frame(onePass(), literal(), partialPacket(TAG.signature, SIGNATURE, 6)), 'MalformedSignature');
  });

  it('a signature packet with the old indeterminate length is MalformedSignature', () => {
    expectReason(frame(onePass(), literal(), indeterminatePacket(TAG.signature, SIGNATURE)), 'MalformedSignature');
  });

  it('a one-pass hash algorithm other than the signature\'s is MalformedSignature', () => {
    expect(ONE_PASS[2]).toBe(HASH.sha256);
    for (const hash of [HASH.sha1, HASH.sha512, HASH.md5, 99]) {
      expectReason(frame(onePass(patched(ONE_PASS, 2, hash)), literal(), signature()), 'MalformedSignature');
    }
  });

  it('a one-pass packet of another version, or truncated, is MalformedSignature', () => {
    expectReason(frame(onePass(patched(ONE_PASS, 0, 4)), literal(), signature()), 'MalformedSignature');
    expectReason(frame(onePass(ONE_PASS.subarray(0, 12)), literal(), signature()), 'MalformedSignature');
  });

  it('a signature after the literal data without a one-pass packet is MalformedSignature', () => {
    expectReason(frame(literal(), signature()), 'MalformedSignature');
  });

  it('a duplicated signature or one-pass packet is never trusted', () => {
    expectReason(frame(onePass(), literal(), signature(), signature()), 'MalformedSignature');
    expectReason(frame(onePass(), onePass(), literal(), signature()), 'MalformedSignature');
    expectReason(frame(onePass(), onePass(), literal(), signature(), signature()), 'MultipleSignatures');
    expectReason(frame(signature(), signature(), literal()), 'MultipleSignatures');
  });

  it('a signature or no literal data at all is MalformedSignature', () => {
    expectReason(frame(onePass(), signature()), 'MalformedSignature');
    expectReason(frame(signature()), 'MalformedSignature');
    expectReason(frame(onePass()), 'MalformedSignature');
  });

  it('packets of the message outside the compressed packet are MalformedSignature', () => {
    expectReason(frame(zip(frame(onePass(), literal())), signature()), 'MalformedSignature');
    expectReason(frame(onePass(), zip(frame(literal(), signature()))), 'MalformedSignature');
    expectReason(frame(zip(plainMessage()), newPacket(TAG.marker, Buffer.from('PGP'))), 'MalformedSignature');
  });

  it('compression: unknown algorithm, truncated deflate stream, bad ZLIB Adler-32 are MalformedSignature', () => {
    const inner = plainMessage();
    expectReason(compressedPacket(4, deflateRawSync(inner)), 'MalformedSignature');
    expectReason(compressedPacket(110, deflateRawSync(inner)), 'MalformedSignature');
    const deflated = deflateRawSync(inner);
    expectReason(compressedPacket(1, deflated.subarray(0, deflated.length - 4)), 'MalformedSignature');
    const zlibbed = Buffer.from(deflateSync(inner));
    zlibbed[zlibbed.length - 1]! ^= 0xff;
    expectReason(compressedPacket(2, zlibbed), 'MalformedSignature');
    // an algorithm byte that does not match the stream
    expectReason(compressedPacket(2, deflateRawSync(inner)), 'MalformedSignature');
    expectReason(compressedPacket(3, deflateRawSync(inner)), 'MalformedSignature');
  });

  it.each([
    ['the older signature-then-literal form', () => frame(signature(), literal())],
    ['old-format headers', () => frame(oldPacket(TAG.onePass, ONE_PASS), oldPacket(TAG.literal, LITERAL), oldPacket(TAG.signature, SIGNATURE))],
    ['5-octet lengths', () => frame(newPacket(TAG.onePass, ONE_PASS, true), newPacket(TAG.literal, LITERAL, true), newPacket(TAG.signature, SIGNATURE, true))],
    ['a literal packet with partial lengths', () => frame(onePass(), partialPacket(TAG.literal, LITERAL, 5), signature())],
    ['a literal packet with the old indeterminate length, signature first', () => frame(signature(), indeterminatePacket(TAG.literal, LITERAL))],
    ['another literal file name and date', () => frame(onePass(), literal(literalBody(PAYLOAD, 'b', 'evil.json', 0)), signature())],
    ['literal format t (the signature class decides)', () => frame(onePass(), literal(patched(LITERAL, 0, 't'.charCodeAt(0))), signature())],
    ['a ZLIB compressed packet', () => compressedPacket(2, deflateSync(plainMessage()))],
    ['a stored (level 0) deflate stream', () => compressedPacket(1, deflateRawSync(plainMessage(), { level: 0 }))],
  ])('valid variant gpgme accepts: %s verifies with the original claims', (_name, build) => {
    const verdict = expectReason(build(), 'Verified');
    expect(verdict.claims?.dockerReference).toBe(IDENTITY);
    expect(verdict.signer?.fingerprint).toBe('D34768EEF90A98642D4F502708F915B1ECB55E81');
  });
});

describe('signature class and hash algorithm (steps 2 and 5)', () => {
  const hex = (types: number[]): [string, number][] => types.map((t) => [t.toString(16).padStart(2, '0'), t]);

  it.each(hex([0x02, 0x10, 0x13, 0x18, 0x1f, 0x20, 0x30, 0x40, 0x50, 0xff]))('patched signature class 0x%s is MalformedSignature', (_hex, type) => {
    const sig = patched(SIGNATURE, 1, type);
    expectReason(frame(onePass(patched(ONE_PASS, 1, type)), literal(), signature(sig)), 'MalformedSignature');
    expectReason(frame(onePass(), literal(), signature(sig)), 'MalformedSignature');
  });

  it.each(hex([0x02, 0x10, 0x13, 0x1f, 0x40]))('re-signed signature class 0x%s (valid signature) is MalformedSignature', (_hex, type) => {
    expectReason(resigned({ signatureType: type }), 'MalformedSignature');
  });

  it('MD5 (hash id 1) patched into the fixture is not trusted', () => {
    const verdict = verdictOf(frame(onePass(patched(ONE_PASS, 2, HASH.md5)), literal(), signature(patched(SIGNATURE, 3, HASH.md5))));
    expect(verdict.trusted).toBe(false);
    expect(verdict.reason).toBe('BadSignature');
  });

  it('a valid MD5 signature is WeakAlgorithm; valid SHA-1 is WeakAlgorithm; SHA-224/512 verify', () => {
    expectReason(resigned({ hash: 'md5' }), 'WeakAlgorithm');
    expectReason(resigned({ hash: 'sha1' }), 'WeakAlgorithm');
    expectReason(resigned({ hash: 'sha224' }), 'Verified');
    expectReason(resigned({ hash: 'sha512' }), 'Verified');
  });

  it('canonical text (class 0x01) stored with CRLF line ends verifies, in any literal format', () => {
    const [textOnePass, textLiteral, textSignature] = TEXTMODE;
    expect(textLiteral[0]).toBe('t'.charCodeAt(0));
    expectReason(frame(onePass(textOnePass), literal(textLiteral), signature(textSignature)), 'Verified');
    expectReason(frame(onePass(textOnePass), literal(patched(textLiteral, 0, 'b'.charCodeAt(0))), signature(textSignature)), 'Verified');
    const crlf = Buffer.from(`${PAYLOAD.toString('utf8')}\n`.replace(/\n/g, '\r\n'));
    expectReason(resigned({ signatureType: 0x01, payload: crlf, literalFormat: 't' }), 'Verified');
  });

  it('a binary (class 0x00) signature does not cover another line-end form of the text', () => {
    const lf = Buffer.from(`${PAYLOAD.toString('utf8')}\n`);
    const crlf = Buffer.from(lf.toString('utf8').replace(/\n/g, '\r\n'));
    expectReason(resigned({ signatureType: 0x00, payload: lf, signedData: crlf }), 'BadSignature');
  });

  // Was a bug, now fixed and pinned: for a canonical-text signature (class 0x01) src/pgp/verify.ts `canonicalText` rewrites bare
  // LF to CRLF before hashing, so literal data whose CRLFs were replaced by LF (all of them, or just
  // one) still verifies. gpg 2.2.40 hashes the literal data of a signed message as stored and
  // reports BADSIG for both (checked with `gpg --verify` on exactly these blobs); gpg itself stores
  // CRLF when it signs with --textmode, which is why the fixture verifies either way. Contract
  // section 2 defers to formats.md section 5: "a variant gpgme rejects must never be trusted here".
  // Minimal input: fixtures/pgp/signatures/rsa2048-textmode.signature, decompressed, literal data
  // CRLF -> LF, re-framed uncompressed. Expected BadSignature; actual Verified (same claims, since
  // JSON ignores the CR, so this is a divergence from the reference, not a forgery).
  it('a canonical-text signature whose literal data has bare LF line ends is rejected (as gpg does)', () => {
    const [textOnePass, textLiteral, textSignature] = TEXTMODE;
    const header = textLiteral.subarray(0, 2 + textLiteral[1]! + 4);
    const text = textLiteral.subarray(header.length).toString('latin1');
    expect(text).toContain('\r\n');
    for (const edited of [text.replace(/\r\n/g, '\n'), text.replace('\r\n', '\n')]) {
      const body = Buffer.concat([header, Buffer.from(edited, 'latin1')]);
      expectReason(frame(onePass(textOnePass), literal(body), signature(textSignature)), 'BadSignature');
    }
  });
});

describe('subpacket areas (steps 2 and 4)', () => {
  const { unhashed } = splitV4(SIGNATURE);

  it('the fixture\'s unhashed area is one issuer key ID subpacket', () => {
    expect([...unhashed.subarray(0, 2)]).toEqual([9, 16]);
    expect(unhashed.subarray(2).toString('hex').toUpperCase()).toBe('08F915B1ECB55E81');
  });

  it('an unknown critical subpacket appended to the unhashed area is MalformedSignature', () => {
    const edited = withUnhashed(SIGNATURE, Buffer.concat([unhashed, subpacket(100, Buffer.from([1]), true)]));
    expectReason(frame(onePass(), literal(), signature(edited)), 'MalformedSignature');
    expectReason(zip(frame(onePass(), literal(), signature(edited))), 'MalformedSignature');
  });

  it('a critical notation in the unhashed area is MalformedSignature', () => {
    const notation = subpacket(20, notationBody('test@imagetrust.test', 'x'), true);
    expectReason(frame(onePass(), literal(), signature(withUnhashed(SIGNATURE, Buffer.concat([unhashed, notation])))), 'MalformedSignature');
  });

  it('a non-critical unknown subpacket (and notation, and a large one) in the unhashed area still verifies', () => {
    for (const extra of [subpacket(100, Buffer.from([1])), subpacket(20, notationBody('test@imagetrust.test', 'x')), subpacket(101, Buffer.alloc(5000, 7))]) {
      expectReason(frame(onePass(), literal(), signature(withUnhashed(SIGNATURE, Buffer.concat([unhashed, extra])))), 'Verified');
    }
  });

  it('a wrong, missing or duplicated unhashed issuer key ID with the correct hashed fingerprint still verifies', () => {
    for (const area of [issuerKeyID(Buffer.alloc(8, 0)), issuerKeyID(Buffer.from('E56AC5AC53798E7D', 'hex')), Buffer.alloc(0), Buffer.concat([unhashed, unhashed])]) {
      const verdict = expectReason(frame(onePass(), literal(), signature(withUnhashed(SIGNATURE, area))), 'Verified');
      expect(verdict.signer?.fingerprint).toBe('D34768EEF90A98642D4F502708F915B1ECB55E81');
    }
  });

  it('a zero-length subpacket, or an area length that overruns, is MalformedSignature', () => {
    expectReason(frame(onePass(), literal(), signature(withUnhashed(SIGNATURE, Buffer.concat([unhashed, Buffer.from([0])])))), 'MalformedSignature');
    expectReason(frame(onePass(), literal(), signature(withUnhashed(SIGNATURE, Buffer.concat([unhashed, Buffer.from([9, 16, 1])])))), 'MalformedSignature');
    const overrun = Buffer.from(SIGNATURE);
    const hashedEnd = 6 + overrun.readUInt16BE(4);
    overrun.writeUInt16BE(0xffff, hashedEnd);
    expectReason(frame(onePass(), literal(), signature(overrun)), 'MalformedSignature');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), Buffer.from([0])] }), 'MalformedSignature');
  });

  it('re-signed: an unknown critical hashed subpacket, or a critical hashed notation, is MalformedSignature', () => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(100, Buffer.from([1]), true)] }), 'MalformedSignature');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(20, notationBody('a@b', 'c'), true)] }), 'MalformedSignature');
  });

  // Critical subpackets gpg 2.2.40 handles in a data signature (checked with `gpg --verify` on the
  // same re-signed messages: GOODSIG), with plausible bodies.
  it.each([
    [3, uint32(0)],
    [4, Buffer.from([1])],
    [5, Buffer.from([1, 60])],
    [6, Buffer.from('x\0')],
    [7, Buffer.from([1])],
    [9, uint32(1000)],
    [11, Buffer.from([9])],
    [16, Buffer.from('08F915B1ECB55E81', 'hex')],
    [21, Buffer.from([8])],
    [22, Buffer.from([1])],
    [25, Buffer.from([1])],
    [27, Buffer.from([3])],
    [30, Buffer.from([1])],
  ])('re-signed: critical hashed subpacket type %i, which gpg handles, verifies', (type, body) => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(type, body, true)] }), 'Verified');
  });

  it.each([
    [28, Buffer.from('me')],
    [31, Buffer.from([1, 8, ...Buffer.alloc(32)])],
  ])('re-signed: critical hashed subpacket type %i, which gpg cannot handle, is MalformedSignature', (type, body) => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(type, body, true)] }), 'MalformedSignature');
  });

  // Was a bug, now fixed and pinned: src/pgp/signature-packet.ts CRITICAL_OK lists types 23 (key server preferences) and 34
  // (preferred AEAD algorithms), which GnuPG 2.2.40 cannot handle as critical: gpg reports BADSIG
  // for a data signature carrying either one marked critical, in the hashed area (re-signed
  // messages below) or in the unhashed area (fixture rsa2048-uncompressed.signature with the type
  // byte of its unhashed issuer subpacket, offset 357, changed from 0x10 to 0x97 or 0xA2). formats.md
  // section 5: unknown critical subpackets are rejected by gpgme, so they must be rejected here.
  // Expected MalformedSignature; actual Verified. Fix: drop 23 and 34 from CRITICAL_OK.
  it.each([
    [23, Buffer.from([0x80])],
    [34, Buffer.from([2])],
  ])('re-signed: critical subpacket type %i, which gpg cannot handle, is MalformedSignature', (type, body) => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(type, body, true)] }), 'MalformedSignature');
    expectReason(frame(onePass(), literal(), signature(patched(SIGNATURE, splitV4(SIGNATURE).head.length + 3, 0x80 | type))), 'MalformedSignature');
  });

  it('re-signed: non-critical unknown hashed subpackets and notations, a critical creation time, expiration 0 verify', () => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(100, Buffer.from([1]))] }), 'Verified');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(20, notationBody('a@b', 'c'))] }), 'Verified');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), subpacket(2, uint32(SIGNED_AT), true)] }), 'Verified');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(), subpacket(3, uint32(0))] }), 'Verified');
  });

  it('re-signed: no hashed creation time, or an empty hashed area, is MalformedSignature', () => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048)] }), 'MalformedSignature');
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048)], unhashed: [issuerKeyID(RSA2048.keyID), creationTime()] }), 'MalformedSignature');
    expectReason(resigned({ hashed: [], unhashed: [issuerKeyID(RSA2048.keyID), creationTime()] }), 'MalformedSignature');
  });

  it('re-signed: no issuer information at all is MalformedSignature', () => {
    expectReason(resigned({ hashed: [creationTime()], unhashed: [] }), 'MalformedSignature');
  });

  it('re-signed: an issuer key ID only (no fingerprint) verifies; a wrong one is UnknownKey', () => {
    expectReason(resigned({ hashed: [creationTime()], unhashed: [issuerKeyID(RSA2048.keyID)] }), 'Verified');
    expectReason(resigned({ hashed: [creationTime()], unhashed: [issuerKeyID(Buffer.alloc(8, 0x11))] }), 'UnknownKey');
  });

  it('re-signed: a hashed issuer fingerprint naming another trusted key is not trusted', () => {
    const other = Buffer.from('048FD0E8D9E2405A85CB60C3E56AC5AC53798E7D', 'hex'); // rsa4096
    const verdict = verdictOf(resigned({ hashed: [subpacket(33, Buffer.concat([Buffer.from([4]), other])), creationTime()] }));
    expect(verdict.trusted).toBe(false);
    expect(verdict.reason).toBe('BadSignature');
  });

  it('re-signed: a creation time before the key was made is NotYetValid', () => {
    expectReason(resigned({ hashed: [issuerFingerprint(RSA2048), creationTime(Date.parse('2024-06-01T00:00:00Z') / 1000)] }), 'NotYetValid');
  });

  it('re-signed: a trailing byte after the signature value is never trusted', () => {
    const verdict = verdictOf(signedMessage(Buffer.concat([signV4(), Buffer.from([0])])));
    expect(verdict.trusted).toBe(false);
  });

  it('V3: a valid V3 signature verifies; one whose key ID names another key is not trusted; class 0x02 is MalformedSignature', () => {
    expectReason(signedMessage(signV3()), 'Verified');
    expect(verdictOf(signedMessage(signV3({ keyID: Buffer.from('E56AC5AC53798E7D', 'hex') }))).trusted).toBe(false);
    expectReason(signedMessage(signV3({ signatureType: 0x02 })), 'MalformedSignature');
  });
});

describe('keys that may not make data signatures (step 4)', () => {
  it('a signature by the certify-only primary key of subkey-signer is not trusted', () => {
    const verdict = verdictOf(resigned({ signer: CERTIFY_ONLY_PRIMARY }));
    expect(verdict.trusted).toBe(false);
    expect(verdict.signer).toBeUndefined();
    expect(['UnknownKey', 'BadSignature']).toContain(verdict.reason);
  });

  it('a signature by the encryption-only subkey of the upstream test key is not trusted', () => {
    const verdict = verdictOf(resigned({ signer: ENCRYPTION_SUBKEY }));
    expect(verdict.trusted).toBe(false);
    expect(verdict.signer).toBeUndefined();
    expect(['UnknownKey', 'BadSignature']).toContain(verdict.reason);
  });
});

describe('malformed Images', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'Image'],
    ['an array', [imageWith([UNCOMPRESSED])]],
    ['no metadata', { ...imageWith([UNCOMPRESSED]), metadata: undefined }],
    ['no metadata.name', { ...imageWith([UNCOMPRESSED]), metadata: {} }],
    ['metadata.name not a digest', { ...imageWith([UNCOMPRESSED]), metadata: { name: 'app' } }],
    ['signatures not an array', { ...imageWith([]), signatures: { 0: { type: 'atomic', content: UNCOMPRESSED.toString('base64') } } }],
    ['a signature that is not an object', { ...imageWith([]), signatures: ['x'] }],
    ['a signature content that is not a string', { ...imageWith([]), signatures: [{ type: 'atomic', content: 42 }] }],
    ['kind is not Image', { ...imageWith([UNCOMPRESSED]), kind: 'ImageStream' }],
  ])('%s: problems reported, nothing trusted, no throw', (_name, doc) => {
    const result = engine.verifyImage(doc);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.verdict).not.toBe('Trusted');
    expect(result.signatures.some((s) => s.trusted)).toBe(false);
  });

  it('invalid base64 content marks only that signature MalformedSignature', () => {
    const result = engine.verifyImage(imageWith(['%%%not base64%%%', UNCOMPRESSED]));
    expect(result.problems).toEqual([]);
    expect(result.signatures.map((s) => s.reason)).toEqual(['MalformedSignature', 'Verified']);
    expect(result.verdict).toBe('Trusted');
  });
});

describe('evaluation time', () => {
  it('an invalid `at` trusts nothing (Indeterminate)', () => {
    const result = engine.verifyImage(imageWith([UNCOMPRESSED, readPgp('signatures/ed25519.signature')]), { at: new Date(Number.NaN) });
    expect(result.verdict).toBe('Untrusted');
    expect(result.signatures).toHaveLength(2);
    for (const verdict of result.signatures) {
      expect(verdict.trusted).toBe(false);
      expect(verdict.forImage).toBe(false);
      expect(verdict.reason).toBe('Indeterminate');
    }
  });

  it('a clock that returns an invalid date trusts nothing (Indeterminate)', async () => {
    const broken = await createEngine({ trust, clock: () => new Date('not a date'), cache: false });
    const result = broken.verifyImage(imageWith([UNCOMPRESSED]));
    expect(result.verdict).toBe('Untrusted');
    expect(result.signatures.map((s) => s.reason)).toEqual(['Indeterminate']);
  });
});

// ---------------------------------------------------------------------------------------------
// More builders
// ---------------------------------------------------------------------------------------------

function plainMessage(): Buffer {
  return frame(onePass(), literal(), signature());
}

/** Notation data subpacket body (RFC 4880 5.2.3.16), human-readable flag set. */
function notationBody(name: string, value: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const v = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([0x80, 0, 0, 0, n.length >> 8, n.length & 0xff, v.length >> 8, v.length & 0xff]), n, v]);
}

/**
 * `bzip2 -9` of the single byte "A" (37 bytes): "BZh9", one block, end-of-stream marker, stream CRC.
 * Fixed here so the denial-of-service example needs no bzip2 CLI.
 */
const BZIP2_OF_A = Buffer.from('425a683931415926535981b02d8b00000004002000200021184682ee48a70a12103605b160', 'hex');
const BZIP2_EOS = 0x177245385090n;

function bitsOf(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const byte of bytes) for (let i = 7; i >= 0; i--) out.push((byte >> i) & 1);
  return out;
}

/** The bits of the one block in BZIP2_OF_A: from its block magic to the end-of-stream marker. */
const BZIP2_BLOCK_BITS = ((): number[] => {
  const bits = bitsOf(BZIP2_OF_A);
  for (let at = 32 + 48; at + 48 <= bits.length; at++) {
    let value = 0n;
    for (let k = 0; k < 48; k++) value = (value << 1n) | BigInt(bits[at + k]!);
    if (value === BZIP2_EOS) return bits.slice(32, at);
  }
  throw new Error('no end-of-stream marker');
})();

/** A valid BZip2 stream of `blocks` copies of that block (stream CRC recomputed). */
function bzip2OfManyBlocks(blocks: number): Buffer {
  const blockCrc = Number.parseInt(BZIP2_BLOCK_BITS.slice(48, 80).join(''), 2);
  const out = bitsOf(BZIP2_OF_A).slice(0, 32);
  let streamCrc = 0;
  for (let i = 0; i < blocks; i++) {
    for (const bit of BZIP2_BLOCK_BITS) out.push(bit);
    streamCrc = (blockCrc ^ (((streamCrc << 1) | (streamCrc >>> 31)) >>> 0)) >>> 0;
  }
  for (let k = 47; k >= 0; k--) out.push(Number((BZIP2_EOS >> BigInt(k)) & 1n));
  for (let k = 31; k >= 0; k--) out.push((streamCrc >>> k) & 1);
  while (out.length % 8 !== 0) out.push(0);
  const bytes = Buffer.alloc(out.length / 8);
  out.forEach((bit, i) => {
    bytes[i >> 3]! |= bit << (7 - (i & 7));
  });
  return bytes;
}
