/**
 * `npm run bench`, X.509 (CMS) signatures: per fixture, in one run, so ratios are fair on a noisy machine:
 *   floor        node:crypto.verify of the same signature bytes with the leaf key (what no verifier can beat)
 *   cold         authenticateX509: CMS envelope + chain (cached per signer and trust revision) + signed
 *                attributes + signature, for a blob never seen before (no engine cache)
 *   cold, new signer   the same with the chain cache missing: every certificate parsed, every link verified
 *   engine cold  engine.verifyImage with the cache off (Image parse + the above + claims + conditions)
 *   pkijs        pkijs 4 SignedData.verify with checkChain (the library baseline; it has no Ed25519)
 *   warm         engine.verifyImage with the cache on (a signature seen before)
 * vitest prints each group's ratios ("x times faster than").
 */
import { verify as cryptoVerify, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { bench, describe } from 'vitest';
import { isFailure } from '../src/codes.js';
import { createEngine } from '../src/engine.js';
import { DEFAULT_MESSAGE_LIMITS } from '../src/pgp/message.js';
import { loadTrust, type TrustMaterial } from '../src/trust/material.js';
import { isAuthenticated } from '../src/verify/authenticated.js';
import { signatureScheme } from '../src/x509/algorithms.js';
import { authenticateX509 } from '../src/x509/authenticate.js';
import { buildChain } from '../src/x509/chain.js';
import { parseSignedData } from '../src/x509/cms.js';

const DIR = 'test/fixtures/x509/';
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const AT = new Date('2026-01-01T00:00:00Z');
const clock = (): Date => AT;
const rootPem = readFileSync(`${DIR}trust/root-ca.pem`);
const trust = await loadTrust([{ name: 'fixture-root', caBundles: [{ data: rootPem }] }]);
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));
const pkijsRoot = pkijs.Certificate.fromBER(Buffer.from(rootPem.toString('utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'));

for (const name of ['rsa2048', 'p256', 'ed25519', 'p256.noattr']) {
  const blob = readFileSync(`${DIR}signatures/${name}.cms`);
  const cold = await createEngine({ trust, clock, cache: false });
  const warm = await createEngine({ trust, clock });
  const image = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: DIGEST },
    dockerImageReference: 'registry.example.com/ns/app:v1',
    signatures: [{ metadata: { name: `${DIGEST}@0123456789abcdef0123456789abcdef` }, type: 'x509', content: blob.toString('base64') }],
  };
  if (cold.verifyImage(image).signatures[0]?.reason !== 'Verified') throw new Error(`${name}: fixture does not verify`);
  const floor = floorCheck(blob, trust);
  const authenticate = (material: TrustMaterial): void => {
    const result = authenticateX509(blob, material, DEFAULT_MESSAGE_LIMITS);
    if (!isAuthenticated(result) || result.judge(AT.getTime() / 1000).failure) throw new Error('not verified');
  };

  describe(`x509 ${name}`, () => {
    bench('floor: node:crypto.verify', () => {
      if (!floor()) throw new Error('floor failed');
    });
    bench('imagetrust cold: authenticateX509 (envelope + cached chain + signature)', () => {
      authenticate(trust);
    });
    bench('imagetrust cold, new signer (chain cache miss)', () => {
      // A fresh trust object has an empty chain cache; everything else is shared.
      authenticate({ ...trust });
    });
    bench('imagetrust engine cold (cache off)', () => {
      cold.verifyImage(image);
    });
    if (!name.startsWith('ed25519')) {
      bench('pkijs SignedData.verify (checkChain)', async () => {
        const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(blob).content });
        if (!(await signed.verify({ signer: 0, trustedCerts: [pkijsRoot], checkChain: true, checkDate: AT }))) throw new Error('pkijs failed');
      });
    }
    bench('imagetrust warm (cached)', () => {
      warm.verifyImage(image);
    });
  });
}

/** The exact crypto work for this signature, with everything else precomputed. */
function floorCheck(blob: Buffer, material: TrustMaterial): () => boolean {
  const signed = parseSignedData(blob, DEFAULT_MESSAGE_LIMITS);
  if (isFailure(signed)) throw new Error(signed.message);
  const chain = buildChain(signed.certificates, signed.signer.sid, material);
  if (!('leaf' in chain)) throw new Error(chain.failure.message);
  const scheme = signatureScheme(signed.signer.signatureAlgorithm.oid, signed.signer.signatureAlgorithm.params, signed.signer.digest);
  if (typeof scheme === 'string') throw new Error(scheme);
  const data = signed.signer.signedAttributes?.der ?? signed.untrustedPayload;
  const key = chain.leaf.publicKey;
  const signature = signed.signer.signature;
  if (scheme.kind === 'ed25519') return () => cryptoVerify(null, data, key, signature);
  return () => cryptoVerify(scheme.hash, data, key, signature);
}
