/** The chain search and its cache (src/x509/chain.ts, src/x509/chain-cache.ts). */
import { describe, expect, it } from 'vitest';
import { isFailure } from '../../../src/codes.js';
import { DEFAULT_MESSAGE_LIMITS } from '../../../src/pgp/message.js';
import { loadTrust } from '../../../src/trust/material.js';
import { buildChain } from '../../../src/x509/chain.js';
import { cachedChain } from '../../../src/x509/chain-cache.js';
import { parseSignedData } from '../../../src/x509/cms.js';
import { readFixture } from '../../helpers/images.js';

const signed = parseSignedData(readFixture('x509/signatures/p256.cms'), DEFAULT_MESSAGE_LIMITS);
if (isFailure(signed)) throw new Error(signed.message);
const { certificates, signer } = signed;

describe('buildChain', () => {
  it('finds leaf → intermediate → trusted root and reports every anchor root in trust order', async () => {
    const root = readFixture('x509/trust/root-ca.pem');
    const trust = await loadTrust([{ name: 'a', caBundles: [{ data: root }] }, { name: 'b', caBundles: [{ data: root }] }]);
    const chain = buildChain(certificates, signer.sid, trust);
    expect('leaf' in chain).toBe(true);
    if (!('leaf' in chain)) return;
    expect(chain.leaf.subject.commonName).toBe('Fixture P-256 Signer');
    expect(chain.intermediates.map((c) => c.subject.commonName)).toEqual(['Fixture Intermediate CA']);
    expect(chain.anchors.map((a) => a.root.name)).toEqual(['a', 'b']);
    expect(chain.weaknesses).toEqual([]);
  });

  it('ends at an intermediate CA when the trust root holds that intermediate', async () => {
    const trust = await loadTrust([{ name: 'intermediate', caBundles: [{ data: readFixture('x509/certs/intermediate-ca.pem') }] }]);
    // The intermediate carried in the blob is then a copy of the anchor, not a stray certificate.
    const chain = buildChain(certificates, signer.sid, trust);
    expect('leaf' in chain && chain.intermediates).toEqual([]);
  });

  it('reports the leaf key ID with a failure', async () => {
    const trust = await loadTrust([{ name: 'stranger', caBundles: [{ data: readFixture('x509/certs/stranger-root-ca.pem') }] }]);
    const chain = buildChain(certificates, signer.sid, trust);
    expect('failure' in chain && chain.failure.code).toBe('UntrustedCertificate');
    expect('failure' in chain && chain.keyIDHint).toMatch(/^[0-9A-F]{16}$/);
  });
});

describe('cachedChain', () => {
  it('returns the cached result for the same signer, certificates and trust material only', async () => {
    const root = readFixture('x509/trust/root-ca.pem');
    const trust = await loadTrust([{ name: 'a', caBundles: [{ data: root }] }]);
    const first = cachedChain(signed, trust);
    expect(cachedChain(signed, trust)).toBe(first);
    const other = await loadTrust([{ name: 'stranger', caBundles: [{ data: readFixture('x509/certs/stranger-root-ca.pem') }] }]);
    expect('failure' in cachedChain(signed, other)).toBe(true);
    const withRoot = parseSignedData(readFixture('x509/signatures/p256-with-root.cms'), DEFAULT_MESSAGE_LIMITS);
    expect(!isFailure(withRoot) && cachedChain(withRoot, trust)).not.toBe(first);
  });
});
