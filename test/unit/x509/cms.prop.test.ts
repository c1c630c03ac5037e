/**
 * Properties of X.509 (CMS) verification: no input throws, arbitrary bytes and arbitrary DER are
 * never trusted, and no single-byte change of a valid signature blob is ever trusted: every byte
 * of the blob (envelope, certificates, signed attributes, signature) is covered by a check.
 */
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../../src/codes.js';
import { DEFAULT_MESSAGE_LIMITS } from '../../../src/pgp/message.js';
import { loadTrust, type TrustMaterial } from '../../../src/trust/material.js';
import { isAuthenticated } from '../../../src/verify/authenticated.js';
import { authenticateX509 } from '../../../src/x509/authenticate.js';
import { tlv } from '../../../src/x509/der-write.js';
import { FIXED_NOW, readFixture } from '../../helpers/images.js';

const AT = Math.floor(FIXED_NOW.getTime() / 1000);
let trust: TrustMaterial;
beforeAll(async () => {
  trust = await loadTrust([{ name: 'fixture-root', caBundles: [{ data: readFixture('x509/trust/root-ca.pem') }] }]);
});

/** Steps 1-6 as the engine runs them: trusted means authenticated and judged valid at AT. */
function trusted(blob: Uint8Array): boolean {
  const result = authenticateX509(blob, trust, DEFAULT_MESSAGE_LIMITS);
  if (!isAuthenticated(result)) {
    expect(REASON_CODES).toContain(result.failure.code);
    return false;
  }
  return result.judge(AT).failure === null;
}

/** Random DER trees: universal and context tags, primitive and constructed, nested a few levels. */
const derTree: fc.Arbitrary<Uint8Array> = fc.letrec<{ node: Uint8Array }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x80, 0x81), fc.uint8Array({ maxLength: 24 }))
      .map(([tag, content]) => tlv(tag, content)),
    fc.tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa1, 0xa3), fc.array(tie('node'), { maxLength: 5 }))
      .map(([tag, children]) => tlv(tag, ...children)),
  ),
})).node;

const SIGNED_DATA_OID = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02);

describe('arbitrary input', () => {
  test.prop([fc.uint8Array({ maxLength: 2048 })], { numRuns: 300 })('arbitrary bytes never throw and are never trusted', (bytes) => {
    expect(trusted(bytes)).toBe(false);
  });

  test.prop([derTree], { numRuns: 300 })('arbitrary DER never throws and is never trusted', (der) => {
    expect(trusted(der)).toBe(false);
  });

  test.prop([fc.array(derTree, { maxLength: 6 })], { numRuns: 300 })('arbitrary DER inside a SignedData ContentInfo is never trusted', (fields) => {
    expect(trusted(tlv(0x30, SIGNED_DATA_OID, tlv(0xa0, tlv(0x30, ...fields))))).toBe(false);
  });
});

describe('single-byte changes of valid signatures', () => {
  const blobs = ['p256.noattr', 'rsa2048', 'ed25519', 'rsa2048-pss'].map((name) => [name, readFixture(`x509/signatures/${name}.cms`)] as const);

  it.each(blobs)('%s verifies unchanged', (_name, blob) => {
    expect(trusted(blob)).toBe(true);
  });

  it('no bit-0 flip of any byte of p256.noattr is trusted (exhaustive)', () => {
    const [, blob] = blobs[0]!;
    const trustedAt: number[] = [];
    for (let i = 0; i < blob.length; i++) {
      const changed = Uint8Array.from(blob);
      changed[i] = (changed[i] ?? 0) ^ 0x01;
      if (trusted(changed)) trustedAt.push(i);
    }
    expect(trustedAt).toEqual([]);
  });

  test.prop([fc.constantFrom(...blobs.map(([, blob]) => blob)), fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 400 })(
    'a random byte of a valid blob xor a random non-zero value is never trusted',
    (blob, position, mask) => {
      const changed = Uint8Array.from(blob);
      const i = position % changed.length;
      changed[i] = (changed[i] ?? 0) ^ mask;
      expect(trusted(changed)).toBe(false);
    },
  );

  test.prop([fc.constantFrom(...blobs.map(([, blob]) => blob)), fc.nat(), fc.nat({ max: 64 })], { numRuns: 100 })(
    'truncated or extended blobs are never trusted',
    (blob, position, extra) => {
      const cut = blob.subarray(0, position % blob.length);
      expect(trusted(cut)).toBe(false);
      expect(trusted(new Uint8Array([...blob, ...new Uint8Array(extra + 1)]))).toBe(false);
    },
  );
});
