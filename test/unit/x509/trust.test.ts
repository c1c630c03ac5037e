/**
 * X.509 trust material: CA bundles (src/x509/anchors.ts), loadTrust with `caBundles`, and the
 * `--trust` reader for `spec.x509`, bare PEM files and PEM files in trust directories
 * (src/edge/trust-input.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { readTrustSources } from '../../../src/edge/trust-input.js';
import { loadTrust } from '../../../src/trust/material.js';
import { readCaBundle } from '../../../src/x509/anchors.js';
import { readFixtureText } from '../../helpers/images.js';

const ROOT_PEM = readFixtureText('x509/certs/root-ca.pem');
const INTERMEDIATE_PEM = readFixtureText('x509/certs/intermediate-ca.pem');
const LEAF_PEM = readFixtureText('x509/certs/signer-p256.pem');
const KEYRING = readFixtureText('pgp/keys/rsa2048.asc');
const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('readCaBundle', () => {
  it('keeps the CA certificates of a bundle in order and ignores the others', () => {
    const cas = readCaBundle(bytes(LEAF_PEM + ROOT_PEM + INTERMEDIATE_PEM), 'bundle.pem');
    expect(cas.map((c) => c.subject.commonName)).toEqual(['Fixture Root CA', 'Fixture Intermediate CA']);
  });

  it('reads a single DER certificate', () => {
    const der = Buffer.from(ROOT_PEM.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(readCaBundle(der, 'root.crt')).toHaveLength(1);
  });

  it.each([
    ['a bundle with no CA certificate', LEAF_PEM],
    ['a CA without keyCertSign', readFixtureText('x509/certs/ca-without-key-cert-sign.pem')],
    ['text without PEM blocks', 'hello'],
    ['a PEM private key only', readFixtureText('x509/keys/root-ca.key')],
    ['broken base64', '-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n'],
    ['a certificate that is not DER', '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n'],
  ])('refuses %s with a ConfigError', (_what, text) => {
    expect(() => readCaBundle(bytes(text), 'bundle.pem')).toThrow(ConfigError);
  });
});

describe('loadTrust with CA bundles', () => {
  it('indexes anchors by subject; a root may hold a keyring, a bundle or both', async () => {
    const trust = await loadTrust([
      { name: 'x509-only', caBundles: [{ data: bytes(ROOT_PEM) }] },
      { name: 'both', keyrings: [{ data: bytes(KEYRING) }], caBundles: [{ data: bytes(ROOT_PEM) }] },
    ]);
    const [anchors] = [...trust.anchorsBySubject.values()];
    expect(anchors?.map((a) => a.root.name)).toEqual(['x509-only', 'both']);
    expect(trust.byFingerprint.size).toBeGreaterThan(0);
  });

  it('refuses a root with neither a keyring nor a bundle, and a bundle without a CA', async () => {
    await expect(loadTrust([{ name: 'empty' }])).rejects.toThrow(ConfigError);
    await expect(loadTrust([{ name: 'leaf', caBundles: [{ data: bytes(LEAF_PEM), source: 'leaf.pem' }] }])).rejects.toThrow(/leaf\.pem/);
  });

  it('changes the revision with the bundles and with where material sits', async () => {
    const revision = async (...specs: Parameters<typeof loadTrust>[0]): Promise<string> => (await loadTrust(specs)).revision;
    const base = await revision({ name: 'a', caBundles: [{ data: bytes(ROOT_PEM) }] });
    expect(await revision({ name: 'a', caBundles: [{ data: bytes(ROOT_PEM) }] })).toBe(base);
    expect(await revision({ name: 'a', caBundles: [{ data: bytes(ROOT_PEM + INTERMEDIATE_PEM) }] })).not.toBe(base);
    expect(await revision({ name: 'a', caBundles: [{ data: bytes(ROOT_PEM) }, { data: bytes(INTERMEDIATE_PEM) }] })).not.toBe(
      await revision({ name: 'a', caBundles: [{ data: bytes(ROOT_PEM + INTERMEDIATE_PEM) }] }),
    );
    expect(await revision({ name: 'a', keyrings: [{ data: bytes(KEYRING) }], caBundles: [{ data: bytes(ROOT_PEM) }] })).not.toBe(base);
  });
});

describe('--trust with X.509 material', () => {
  let dir: string;
  const file = (name: string, text: string | Uint8Array): string => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const trustRoot = (name: string, spec: string): string =>
    `apiVersion: imagetrust.io/v1alpha1\nkind: TrustRoot\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imagetrust-x509-trust-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads spec.x509.caBundle relative to the YAML file', async () => {
    file('a/certs/root.pem', ROOT_PEM);
    const specs = await readTrustSources([file('a/root.yaml', trustRoot('pki', '  x509:\n    caBundle: certs/root.pem\n'))]);
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({ name: 'pki', caBundles: [{ source: join(dir, 'a/certs/root.pem') }] });
    expect(specs[0]).not.toHaveProperty('keyrings');
    await expect(loadTrust(specs)).resolves.toBeDefined();
  });

  it('reads caBundleData inline, and openpgp with x509 in one root', async () => {
    const inline = ROOT_PEM.trim().split('\n').map((l) => `      ${l}`).join('\n');
    file('b/keys/k.asc', KEYRING);
    const specs = await readTrustSources([file('b/both.yaml', trustRoot('both', `  openpgp:\n    keyring: keys/k.asc\n  x509:\n    caBundleData: |\n${inline}\n`))]);
    expect(specs[0]?.keyrings).toHaveLength(1);
    expect(specs[0]?.caBundles).toHaveLength(1);
    const trust = await loadTrust(specs);
    expect(trust.anchorsBySubject.size).toBe(1);
  });

  it('takes a bare PEM file, and a PEM file in a trust directory, as a root named after the file', async () => {
    const bare = await readTrustSources([file('c/corp-root.pem', ROOT_PEM)]);
    expect(bare.map((s) => s.name)).toEqual(['corp-root']);
    file('d/keys/k.asc', KEYRING);
    file('d/release.yaml', trustRoot('release', '  openpgp:\n    keyring: keys/k.asc\n'));
    file('d/corp-root.crt', ROOT_PEM);
    const fromDir = await readTrustSources([join(dir, 'd')]);
    expect(fromDir.map((s) => [s.name, s.caBundles?.length ?? 0, s.keyrings?.length ?? 0])).toEqual([['corp-root', 1, 0], ['release', 0, 1]]);
  });

  it.each([
    ['neither openpgp nor x509', '  keyValidity: now\n'],
    ['both caBundle and caBundleData', '  x509:\n    caBundle: x.pem\n    caBundleData: x\n'],
    ['an unknown x509 field', '  x509:\n    bundle: x.pem\n'],
    ['a missing bundle file', '  x509:\n    caBundle: missing.pem\n'],
    ['x509 that is not a mapping', '  x509: certs.pem\n'],
  ])('refuses %s naming the file', async (_what, spec) => {
    const path = file(`e/${Math.random().toString(16).slice(2)}.yaml`, trustRoot('bad', spec));
    await expect(readTrustSources([path])).rejects.toThrow(new RegExp(path.replaceAll('/', '\\/').replaceAll('.', '\\.')));
  });

  it('a PEM bundle without a CA certificate fails loading', async () => {
    const specs = await readTrustSources([file('f/leaf.pem', LEAF_PEM)]);
    await expect(loadTrust(specs)).rejects.toThrow(ConfigError);
  });
});
