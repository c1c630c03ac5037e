/**
 * The X.509 corpus (test/fixtures/x509, made by scripts/make-x509-fixtures.sh; README.md and
 * facts.json there): every CMS signature's reason code at 2026-01-01T00:00:00Z under one trust root
 * holding the fixture root CA; the facts a verified signature reports (issuedBy, issuedTo,
 * publicKeyID, chain) and the conditions written back; the attacks the issue names, one test each.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import type { TrustRootSpec } from '../../src/trust/material.js';
import type { SignatureVerdict } from '../../src/types.js';
import { FIXED_NOW, buildImage, readFixture, readFixtureText } from '../helpers/images.js';

interface Facts {
  readonly evaluationTime: string;
  readonly signingTime: string;
  readonly payload: { readonly dockerReference: string; readonly manifestDigest: string };
  readonly certificates: readonly { readonly name: string; readonly fingerprint: string; readonly serialNumber: string }[];
  readonly signatures: readonly { readonly name: string; readonly signer: string; readonly expected: string }[];
}

const facts = JSON.parse(readFixtureText('x509/facts.json')) as Facts;
const ROOT_BUNDLE = readFixture('x509/trust/root-ca.pem');
const trustRoot = (extra: Partial<TrustRootSpec> = {}): TrustRootSpec => ({ name: 'fixture-root', caBundles: [{ data: ROOT_BUNDLE, source: 'root-ca.pem' }], ...extra });
const cert = (name: string): Facts['certificates'][number] => {
  const found = facts.certificates.find((c) => c.name === name);
  if (!found) throw new Error(`facts.json has no certificate ${name}`);
  return found;
};

async function engineWith(...roots: TrustRootSpec[]): Promise<Engine> {
  return createEngine({ trust: roots.length > 0 ? roots : [trustRoot()], clock: () => FIXED_NOW, cache: false });
}

function verify(engine: Engine, name: string, at = FIXED_NOW): { verdict: SignatureVerdict; image: Record<string, unknown> } {
  const image = buildImage({ signatures: [readFixture(`x509/signatures/${name}.cms`)], type: 'x509' });
  const result = engine.verifyImage(image, { expectedIdentity: facts.payload.dockerReference, at });
  const verdict = result.signatures[0];
  if (!verdict || !result.image) throw new Error('no verdict');
  return { verdict, image: result.image };
}

describe('x509 corpus: every fixture signature gets its README reason at 2026-01-01', () => {
  it('states the evaluation time the helpers use', () => {
    expect(facts.evaluationTime).toBe(FIXED_NOW.toISOString().replace('.000Z', 'Z'));
  });

  it.each(facts.signatures.map((s) => [s.name, s.expected, s.signer] as const))('%s → %s', async (name, expected, signer) => {
    const { verdict } = verify(await engineWith(), name);
    expect(verdict.reason).toBe(expected);
    expect(verdict.format).toBe('x509');
    expect(verdict.trusted).toBe(expected === 'Verified');
    expect(verdict.forImage).toBe(expected === 'Verified');
    if (signer !== '-' && expected !== 'MalformedSignature' && expected !== 'MultipleSignatures') {
      // The signer's key ID is reported for every signature whose signer certificate was found.
      expect(verdict.keyID).toBe(cert(signer).fingerprint.slice(-16));
    }
    // Failures of the validity windows (step 6) come after the cryptographic check: the signer is known.
    const verifiedBytes = ['Verified', 'InvalidPayload', 'KeyExpired', 'NotYetValid'].includes(expected) || name === 'expired-intermediate';
    if (verifiedBytes) {
      expect(verdict.signer?.fingerprint).toBe(cert(signer).fingerprint);
    } else {
      expect(verdict.signer).toBeUndefined();
    }
  });
});

describe('x509 facts for conditions and policies', () => {
  it('reports issuer, subject, publicKeyID and the chain of a verified signature', async () => {
    const { verdict } = verify(await engineWith(), 'p256');
    expect(verdict.signer).toEqual({
      fingerprint: cert('signer-p256').fingerprint,
      keyID: cert('signer-p256').fingerprint.slice(-16),
      trustRoot: 'fixture-root',
      commonName: 'Fixture P-256 Signer',
      organization: 'Imagetrust Fixtures',
      issuer: { commonName: 'Fixture Intermediate CA', organization: 'Imagetrust Fixtures' },
      chain: [
        { subject: 'CN=Fixture P-256 Signer,O=Imagetrust Fixtures', serialNumber: cert('signer-p256').serialNumber },
        { subject: 'CN=Fixture Intermediate CA,O=Imagetrust Fixtures', serialNumber: cert('intermediate-ca').serialNumber },
        { subject: 'CN=Fixture Root CA,O=Imagetrust Fixtures', serialNumber: cert('root-ca').serialNumber },
      ],
    });
    expect(verdict.created).toBe(facts.signingTime);
    expect(verdict.claims).toMatchObject({ dockerReference: facts.payload.dockerReference, manifestDigest: facts.payload.manifestDigest });
  });

  it('writes issuedBy (issuing CA), issuedTo (leaf, publicKeyID = SPKI SHA-256) and created onto the Image', async () => {
    const { image } = verify(await engineWith(), 'rsa2048');
    const [signature] = image['signatures'] as Record<string, unknown>[];
    expect(signature).toMatchObject({
      type: 'x509',
      issuedBy: { commonName: 'Fixture Intermediate CA', organization: 'Imagetrust Fixtures' },
      issuedTo: { commonName: 'Fixture RSA-2048 Signer', organization: 'Imagetrust Fixtures', publicKeyID: cert('signer-rsa2048').fingerprint },
      created: facts.signingTime,
      imageIdentity: facts.payload.dockerReference,
    });
    const conditions = signature?.['conditions'] as { type: string; status: string; reason: string }[];
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([['Trusted', 'True', 'Verified'], ['ForImage', 'True', 'Verified']]);
  });

  it('ignores the trust root\'s spec.issuer for X.509 (issuedBy is the certificate issuer)', async () => {
    const { verdict } = verify(await engineWith(trustRoot({ issuer: { commonName: 'Something Else' } })), 'p256');
    expect(verdict.signer?.issuer).toEqual({ commonName: 'Fixture Intermediate CA', organization: 'Imagetrust Fixtures' });
  });

  it('uses the payload timestamp as created when the CMS has no signing time', async () => {
    const { verdict } = verify(await engineWith(), 'p256.noattr');
    expect(verdict.reason).toBe('Verified');
    expect(verdict.created).toBe(facts.signingTime);
  });

  it('reports the root copy carried in the signature like any other verified chain', async () => {
    const { verdict } = verify(await engineWith(), 'p256-with-root');
    expect(verdict.signer?.chain?.map((c) => c.subject.split(',')[0])).toEqual(['CN=Fixture P-256 Signer', 'CN=Fixture Intermediate CA', 'CN=Fixture Root CA']);
  });
});

describe('x509 attacks, each with its own test', () => {
  it('rejects a look-alike root: same subject as the trusted root, another key', async () => {
    expect(cert('lookalike-root-ca').fingerprint).not.toBe(cert('root-ca').fingerprint);
    const { verdict } = verify(await engineWith(), 'lookalike-root');
    expect(verdict.reason).toBe('UntrustedCertificate');
    expect(verdict.signer).toBeUndefined();
  });

  it('rejects a leaf certificate used as an issuer', async () => {
    expect(verify(await engineWith(), 'leaf-as-issuer').verdict.reason).toBe('UntrustedCertificate');
  });

  it('rejects an expired leaf with KeyExpired and the Expired condition', async () => {
    const { verdict, image } = verify(await engineWith(), 'expired');
    expect(verdict.reason).toBe('KeyExpired');
    expect(verdict.expired).toBe(true);
    const [signature] = image['signatures'] as Record<string, unknown>[];
    const expired = (signature?.['conditions'] as { type: string; status: string }[]).find((c) => c.type === 'Expired');
    expect(expired?.status).toBe('True');
  });

  it('accepts the expired leaf when judged at a time inside its window', async () => {
    expect(verify(await engineWith(), 'expired', new Date('2025-06-01T00:00:00Z')).verdict.reason).toBe('Verified');
  });

  it('judges the leaf at the signing time under keyValidity: signingTime', async () => {
    expect(verify(await engineWith(trustRoot({ keyValidity: 'signingTime' })), 'expired').verdict.reason).toBe('Verified');
    // Without a signed signing time there is nothing else to judge at.
    expect(verify(await engineWith(trustRoot({ keyValidity: 'signingTime' })), 'not-yet-valid.noattr').verdict.reason).toBe('NotYetValid');
  });

  it('rejects an intermediate CA under a pathlen 0 CA', async () => {
    expect(verify(await engineWith(), 'pathlen').verdict.reason).toBe('UntrustedCertificate');
  });

  it('rejects a signature made after the evaluation time', async () => {
    expect(verify(await engineWith(), 'p256', new Date('2025-05-01T00:00:00Z')).verdict.reason).toBe('NotYetValid');
  });

  it('revokes a signer key listed in revokedKeys (by SPKI fingerprint or its 16-hex tail)', async () => {
    const fingerprint = cert('signer-p256').fingerprint;
    for (const entry of [fingerprint, fingerprint.slice(-16)]) {
      const { verdict } = verify(await engineWith(trustRoot({ revokedKeys: [entry] })), 'p256');
      expect(verdict.reason).toBe('KeyRevoked');
      expect(verdict.revoked).toBe(true);
    }
    const intermediate = cert('intermediate-ca').fingerprint;
    expect(verify(await engineWith(trustRoot({ revokedKeys: [intermediate] })), 'p256').verdict.reason).toBe('KeyRevoked');
  });

  it('accepts SHA-1 and RSA-1024 only where the trust root allows them', async () => {
    expect(verify(await engineWith(trustRoot({ allowWeakAlgorithms: ['SHA1'] })), 'sha1').verdict.reason).toBe('Verified');
    expect(verify(await engineWith(trustRoot({ allowWeakAlgorithms: ['RSA1024'] })), 'rsa1024').verdict.reason).toBe('Verified');
    expect(verify(await engineWith(trustRoot({ allowWeakAlgorithms: ['RSA1024'] })), 'sha1').verdict.reason).toBe('WeakAlgorithm');
  });

  it('is UntrustedCertificate when no trust root holds the CA (an OpenPGP-only root)', async () => {
    const pgpOnly: TrustRootSpec = { name: 'pgp', keyrings: [{ data: readFixture('pgp/keys/rsa2048.asc') }] };
    expect(verify(await engineWith(pgpOnly), 'p256').verdict.reason).toBe('UntrustedCertificate');
  });

  it('reports under the first of several trust roots that hold the CA', async () => {
    const engine = await engineWith(trustRoot({ name: 'a', revokedKeys: [] }), trustRoot({ name: 'b' }));
    expect(verify(engine, 'p256').verdict.signer?.trustRoot).toBe('a');
  });
});
