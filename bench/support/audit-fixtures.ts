/**
 * Fixtures for bench/audit.bench.ts: simple-signing signatures made with the test-only fixture keys
 * (test/fixtures/pgp/keys/secret/: RSA-2048 and Ed25519, alternating) through the project's own
 * signer (src/trust/openpgp.ts: ZIP-compressed one-pass messages, as gpg makes them), one distinct
 * signature per Image. Making them takes ~1.5 ms each, so they are cached in bench/.cache/
 * (gitignored). Also: the raw `node:crypto.verify` work of each signature, for the ceiling.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isFailure } from '../../src/codes.js';
import { DEFAULT_MESSAGE_LIMITS, parseSignedMessage } from '../../src/pgp/message.js';
import { PUBLIC_KEY_ALGORITHM } from '../../src/pgp/signature-packet.js';
import { HASH_NAMES } from '../../src/pgp/verify.js';
import { loadTrust, type TrustMaterial } from '../../src/trust/material.js';
import { readOpenPgpSigner } from '../../src/trust/openpgp.js';

export const KEYS = ['rsa2048', 'ed25519'] as const;
export const SIGNED_AT = new Date('2025-06-01T00:00:00Z');
export const AUDIT_AT = '2026-01-01T00:00:00Z';
const CACHE = new URL('../.cache/', import.meta.url);
const FIXTURES = new URL('../../test/fixtures/pgp/keys/', import.meta.url);

export function digestOf(i: number): string {
  return `sha256:${createHash('sha256').update(`bench-image-${i}`).digest('hex')}`;
}

export function referenceOf(i: number): string {
  return `registry.example.com/bench/app-${i % 1000}@${digestOf(i)}`;
}

/** `count` signature blobs (base64), signature i for Image i; cached on disk. */
export async function benchSignatures(count: number): Promise<string[]> {
  const file = new URL(`signatures-v1-${count}.txt`, CACHE);
  if (existsSync(file)) {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    if (lines.length === count) return lines;
  }
  const signers = await Promise.all(KEYS.map(async (name) => readOpenPgpSigner(readFileSync(new URL(`secret/${name}.asc`, FIXTURES)), undefined, name)));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = JSON.stringify({
      critical: { identity: { 'docker-reference': `registry.example.com/bench/app-${i % 1000}:v${i}` }, image: { 'docker-manifest-digest': digestOf(i) }, type: 'atomic container signature' },
      optional: { creator: 'imagetrust bench', timestamp: Math.floor(SIGNED_AT.getTime() / 1000) },
    });
    const blob = await signers[i % signers.length]!.sign(Buffer.from(payload), SIGNED_AT);
    out.push(Buffer.from(blob).toString('base64'));
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, `${out.join('\n')}\n`);
  return out;
}

/** The trust material of the bench keys (both public keys, one trust root each). */
export async function benchTrust(): Promise<TrustMaterial> {
  return loadTrust(KEYS.map((name) => ({ name, keyrings: [{ data: readFileSync(new URL(`${name}.asc`, FIXTURES)) }] })));
}

/** The exact crypto work of one signature: what node:crypto.verify needs, everything else precomputed. */
export interface RawCheck {
  readonly algorithm: 'rsa' | 'eddsa';
  readonly hash: string;
  readonly data: Buffer;
  readonly key: import('node:crypto').KeyObject;
  readonly signature: Buffer;
}

export function rawCheck(blob: Buffer, trust: TrustMaterial): RawCheck {
  const message = parseSignedMessage(blob, DEFAULT_MESSAGE_LIMITS);
  if (isFailure(message)) throw new Error(message.message);
  const packet = message.signature;
  const key = [...trust.byKeyID.values()].flat().find((k) => packet.issuerKeyIDs.includes(k.key.keyID))?.key.verification;
  if (!key) throw new Error('bench signature by an unknown key');
  const data = Buffer.concat([message.untrustedPayload, packet.trailer]);
  const hash = HASH_NAMES[packet.hashAlgorithm] ?? 'sha256';
  const pad = (v: Uint8Array | undefined, n: number): Buffer => Buffer.concat([Buffer.alloc(n - (v?.length ?? 0)), v ?? Buffer.alloc(0)]);
  if (key.algorithm === PUBLIC_KEY_ALGORITHM.rsa || key.algorithm === PUBLIC_KEY_ALGORITHM.rsaSign) {
    return { algorithm: 'rsa', hash, data, key: key.keyObject, signature: pad(packet.values[0], key.valueBytes) };
  }
  return { algorithm: 'eddsa', hash, data, key: key.keyObject, signature: Buffer.concat([pad(packet.values[0], 32), pad(packet.values[1], 32)]) };
}
