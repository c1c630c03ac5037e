import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { REASON_CODES } from '../../src/codes.js';
import { reportSignature, type ReportSignature } from '../../src/report-signature.js';
import type { SignatureVerdict, SignedClaims, VerifiedSigner } from '../../src/types.js';

/** The spread-based definition reportSignature replaced, verbatim, as the oracle (values and member order). */
function oracle(v: SignatureVerdict): ReportSignature {
  const signer = v.signer;
  const person = signer ? { ...pick(signer, ['commonName', 'organization', 'email']) } : undefined;
  return {
    name: v.name,
    type: v.type,
    trusted: v.trusted,
    forImage: v.forImage,
    reason: v.reason,
    message: v.message,
    ...(v.keyID !== undefined ? { keyID: v.keyID } : {}),
    ...(signer ? { fingerprint: signer.fingerprint, trustRoot: signer.trustRoot } : {}),
    ...(person && Object.keys(person).length > 0 ? { signer: person } : {}),
    ...(signer && Object.keys(signer.issuer).length > 0 ? { issuer: { ...signer.issuer } } : {}),
    ...(v.claims ? { signedIdentity: v.claims.dockerReference, signedDigest: v.claims.manifestDigest } : {}),
    ...(v.claims?.creator !== undefined ? { creator: v.claims.creator } : {}),
    ...(v.claims?.timestamp !== undefined ? { timestamp: new Date(v.claims.timestamp * 1000).toISOString().replace('.000Z', 'Z') } : {}),
    ...(v.created !== undefined ? { created: v.created } : {}),
    expired: v.expired,
    revoked: v.revoked,
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
/** Builds an object without the members whose value is undefined (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

const signer: fc.Arbitrary<VerifiedSigner> = fc
  .record({
    fingerprint: fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 40, maxLength: 40 }),
    keyID: fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 16, maxLength: 16 }),
    trustRoot: fc.string({ maxLength: 10 }),
    commonName: maybe(fc.string({ maxLength: 10 })),
    organization: maybe(fc.string({ maxLength: 10 })),
    email: maybe(fc.string({ maxLength: 10 })),
    issuer: fc.record({ commonName: maybe(fc.string({ maxLength: 10 })), organization: maybe(fc.string({ maxLength: 10 })) }).map(defined),
  })
  .map(defined);
const claims: fc.Arbitrary<SignedClaims> = fc
  .record({
    manifestDigest: fc.string({ maxLength: 20 }),
    dockerReference: fc.string({ maxLength: 20 }),
    creator: maybe(fc.string({ maxLength: 10 })),
    timestamp: maybe(fc.oneof(fc.integer({ min: 0, max: 2 ** 33 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.constantFrom(1.5, -0, 253_402_300_800))),
  })
  .map(defined);
const verdict: fc.Arbitrary<SignatureVerdict> = fc
  .record({
    index: fc.nat(3),
    name: fc.string({ maxLength: 10 }),
    type: fc.constantFrom('atomic', 'x509', 'other'),
    format: fc.constantFrom('openpgp', 'x509', 'unknown'),
    trusted: fc.boolean(),
    forImage: fc.boolean(),
    reason: fc.constantFrom(...REASON_CODES),
    message: fc.string({ maxLength: 20 }),
    keyID: maybe(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 16, maxLength: 16 })),
    signer: maybe(signer),
    created: maybe(fc.constantFrom('2025-06-01T00:00:00Z', '')),
    claims: maybe(claims),
    expired: fc.boolean(),
    revoked: fc.boolean(),
  })
  .map(defined);

describe('reportSignature', () => {
  test.prop([verdict], { numRuns: 1000 })('prints what the spread-based definition printed, member order included', (v) => {
    expect(JSON.stringify(reportSignature(v))).toBe(JSON.stringify(oracle(v)));
  });

  it('orders the members as the report documents them', () => {
    const full = reportSignature({
      index: 0, name: 'n', type: 'atomic', format: 'openpgp', trusted: true, forImage: true, reason: 'Verified', message: 'm', keyID: 'K',
      signer: { fingerprint: 'F', keyID: 'K', trustRoot: 'R', commonName: 'C', organization: 'O', email: 'E', issuer: { commonName: 'I', organization: 'J' } },
      created: '2025-06-01T00:00:00Z', claims: { manifestDigest: 'D', dockerReference: 'R', creator: 'c', timestamp: 1_748_736_000 }, expired: false, revoked: false,
    });
    expect(Object.keys(full)).toEqual([
      'name', 'type', 'trusted', 'forImage', 'reason', 'message', 'keyID', 'fingerprint', 'trustRoot', 'signer', 'issuer',
      'signedIdentity', 'signedDigest', 'creator', 'timestamp', 'created', 'expired', 'revoked',
    ]);
    expect(full.timestamp).toBe('2025-06-01T00:00:00Z');
  });
});
