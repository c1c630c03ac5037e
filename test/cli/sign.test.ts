/**
 * `imagetrust sign` end to end: the built CLI (dist/bin.js) signs an example Image with OpenPGP and
 * with X.509, and the project's own verifier (`imagetrust verify`) accepts both; `skopeo
 * standalone-verify` (when installed) and `openssl cms -verify` accept what it made; usage and key
 * errors exit 2 with one line that never quotes key material. The X.509 signer is the example PKI
 * (valid until 2035), so these tests run at the real current time.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const RELEASE_KEY = join(ROOT, 'examples/keys/secret/example-release.asc');
const RELEASE_FPR = 'D41902F7837351AEBB933DB0E4C94DF13613675A';
const X509 = join(ROOT, 'examples/x509');
const X509_KEY = join(X509, 'secret/example-signer.key');
const X509_CERT = join(X509, 'example-signer.pem');
const X509_CHAIN = join(X509, 'example-intermediate-ca.pem');
const IMAGE = join(ROOT, 'examples/images/frontend.json');
const IDENTITY = 'registry.example.com/shop/frontend:1.4.2';
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run { readonly status: number; readonly stdout: string; readonly stderr: string }
interface Signature { metadata: { name: string }; type: string; content: string }
interface Image { metadata: { name: string }; dockerImageManifest?: string; signatures?: Signature[] }
interface ReportSignature { name: string; type: string; reason: string; trusted: boolean; forImage: boolean; fingerprint?: string; trustRoot?: string; signedIdentity?: string; creator?: string; timestamp?: string; created?: string }
interface Report { items: { image: string; verdict: string; signatures: ReportSignature[] }[] }

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 25_000, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
const imagetrust = (...args: string[]): Run => run(process.execPath, [BIN, ...args]);
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function expectOneLineError(r: Run): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^imagetrust: [^\n]*\n$/);
  expect(r.stderr).not.toContain('PRIVATE KEY');
  expect(r.stderr).not.toContain('    at ');
}

let tmp: string;
let trustDir: string;
const path = (name: string): string => join(tmp, name);

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does it)`);
  tmp = mkdtempSync(join(tmpdir(), 'imagetrust-sign-'));
  // The release key's trust root and the example CA, and nothing else.
  trustDir = path('trust');
  mkdirSync(trustDir);
  writeFileSync(join(trustDir, 'release.asc'), readFileSync(join(ROOT, 'examples/trust/keys/example-release.asc')));
  writeFileSync(join(trustDir, 'example-ca.pem'), readFileSync(join(X509, 'example-root-ca.pem')));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function verify(file: string): Report {
  const r = imagetrust('verify', file, '--trust', trustDir, '-o', 'json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Report;
}

describe('sign → verify round trip', () => {
  let openpgpSigned: Image;
  let bothSigned: Image;
  beforeAll(() => {
    const first = imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', RELEASE_KEY);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    openpgpSigned = JSON.parse(first.stdout) as Image;
    writeFileSync(path('openpgp.json'), first.stdout);
    const second = imagetrust('sign', path('openpgp.json'), '--identity', IDENTITY, '--x509-key', X509_KEY, '--x509-cert', X509_CERT, '--x509-chain', X509_CHAIN, '-o', path('both.json'));
    expect(second).toMatchObject({ status: 0, stdout: '', stderr: '' });
    bothSigned = JSON.parse(readFileSync(path('both.json'), 'utf8')) as Image;
  });

  it('appends one ImageSignature per run and keeps the existing ones byte for byte', () => {
    const original = JSON.parse(readFileSync(IMAGE, 'utf8')) as Image;
    const before = original.signatures ?? [];
    expect(openpgpSigned.signatures).toHaveLength(before.length + 1);
    expect(openpgpSigned.signatures?.slice(0, before.length)).toEqual(before);
    expect(bothSigned.signatures?.slice(0, before.length + 1)).toEqual(openpgpSigned.signatures);
    expect({ ...bothSigned, signatures: undefined }).toEqual({ ...original, signatures: undefined });
  });

  it('names signatures <digest>@<32 random hex> with type atomic (OpenPGP) and x509 (CMS)', () => {
    const added = bothSigned.signatures!.slice(-2);
    expect(added.map((s) => s.type)).toEqual(['atomic', 'x509']);
    for (const s of added) expect(s.metadata.name).toMatch(new RegExp(`^${bothSigned.metadata.name}@[0-9a-f]{32}$`));
    expect(added[0]!.metadata.name).not.toBe(added[1]!.metadata.name);
  });

  it('both new signatures verify with imagetrust verify, with the payload containers/image writes', () => {
    const report = verify(path('both.json'));
    expect(report.items[0]?.verdict).toBe('Trusted');
    const added = report.items[0]!.signatures.slice(-2);
    expect(added.map((s) => [s.type, s.reason, s.trusted, s.forImage])).toEqual([['atomic', 'Verified', true, true], ['x509', 'Verified', true, true]]);
    expect(added[0]?.fingerprint).toBe(RELEASE_FPR);
    expect(added[1]?.trustRoot).toBe('example-ca');
    for (const s of added) {
      expect(s.signedIdentity).toBe(IDENTITY);
      expect(s.creator).toBe(`imagetrust ${PACKAGE_VERSION}`);
      expect(s.created).toBe(s.timestamp);
    }
  });

  it('writes the OpenPGP payload as compact JSON with critical and optional members', async () => {
    const blob = Buffer.from(openpgpSigned.signatures!.at(-1)!.content, 'base64');
    const message = await openpgp.readMessage({ binaryMessage: blob });
    const literal = message.unwrapCompressed().getLiteralData() as Uint8Array;
    const text = Buffer.from(literal).toString('utf8');
    expect(text).toMatch(/^\{"critical":\{"identity":\{"docker-reference":"registry\.example\.com\/shop\/frontend:1\.4\.2"\},"image":\{"docker-manifest-digest":"sha256:[0-9a-f]{64}"\},"type":"atomic container signature"\},"optional":\{"creator":"imagetrust [^"]+","timestamp":\d+\}\}$/);
    expect(blob[0]).toBe(0xc8); // a compressed-data packet first, as gpg writes it
  });

  it('normalizes the identity (a name alone means :latest)', () => {
    const r = imagetrust('sign', IMAGE, '--identity', 'busybox', '--openpgp-key', RELEASE_KEY, '-o', path('busybox.json'));
    expect(r.status).toBe(0);
    const report = JSON.parse(imagetrust('verify', path('busybox.json'), '--trust', trustDir, '-o', 'json', '--expected-identity', 'busybox').stdout) as Report;
    expect(report.items[0]!.signatures.at(-1)).toMatchObject({ signedIdentity: 'docker.io/library/busybox:latest', reason: 'Verified' });
  });

  it('reads the Image from standard input with -', () => {
    const r = spawnSync(process.execPath, [BIN, 'sign', '-', '--identity', IDENTITY, '--openpgp-key', RELEASE_KEY], { cwd: ROOT, encoding: 'utf8', input: readFileSync(IMAGE, 'utf8') });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Image).signatures).toHaveLength(2);
  });

  it.skipIf(!has('openssl'))('openssl cms -verify accepts the x509 signature (skipped when openssl is not installed)', () => {
    writeFileSync(path('sig.cms'), Buffer.from(bothSigned.signatures!.at(-1)!.content, 'base64'));
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path('sig.cms'), '-CAfile', join(X509, 'example-root-ca.pem'), '-purpose', 'any', '-out', path('payload.json')]);
    expect(r.stderr).toContain('Verification successful');
    expect(readFileSync(path('payload.json'), 'utf8')).toContain(`"docker-reference":"${IDENTITY}"`);
  });

  const skopeo = has('skopeo') && has('gpg');
  it.skipIf(!skopeo)(`skopeo standalone-verify accepts the OpenPGP signature${skopeo ? '' : ' (SKIPPED: skopeo or gpg is not installed; apt-get install -y skopeo gnupg)'}`, () => {
    const home = path('gnupg');
    mkdirSync(home, { mode: 0o700 });
    expect(run('gpg', ['--homedir', home, '--batch', '--import', join(ROOT, 'examples/trust/keys/example-release.asc')]).status).toBe(0);
    writeFileSync(path('manifest.json'), openpgpSigned.dockerImageManifest ?? '');
    writeFileSync(path('signature'), Buffer.from(openpgpSigned.signatures!.at(-1)!.content, 'base64'));
    const r = run('skopeo', ['standalone-verify', path('manifest.json'), IDENTITY, RELEASE_FPR, path('signature')], { GNUPGHOME: home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(openpgpSigned.metadata.name);
  });
});

describe('sign errors: exit 2, one line, no key material', () => {
  it('needs exactly one kind of key', () => {
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY));
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', RELEASE_KEY, '--x509-key', X509_KEY, '--x509-cert', X509_CERT));
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', X509_KEY));
  });

  it('needs --identity, a valid reference', () => {
    expect(imagetrust('sign', IMAGE, '--openpgp-key', RELEASE_KEY).status).toBe(2);
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', 'Not A Reference', '--openpgp-key', RELEASE_KEY));
  });

  it('refuses a key that does not belong to the certificate', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(path('other.key'), other);
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', path('other.key'), '--x509-cert', X509_CERT));
  });

  it('refuses a certificate that may not sign code (a CA certificate)', () => {
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', join(X509, 'secret/example-root-ca.key'), '--x509-cert', join(X509, 'example-root-ca.pem')));
  });

  it('unlocks an encrypted X.509 key only with --passphrase-file', () => {
    const pem = readFileSync(X509_KEY, 'utf8');
    const encrypted = spawnSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:s3cret'], { input: pem, encoding: 'utf8' }).stdout;
    if (!encrypted.includes('ENCRYPTED PRIVATE KEY')) return; // no openssl: covered by the OpenPGP case below
    writeFileSync(path('encrypted.key'), encrypted);
    writeFileSync(path('pass'), 's3cret\n');
    writeFileSync(path('wrong'), 'nope\n');
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', path('encrypted.key'), '--x509-cert', X509_CERT));
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', path('encrypted.key'), '--x509-cert', X509_CERT, '--passphrase-file', path('wrong')));
    expect(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--x509-key', path('encrypted.key'), '--x509-cert', X509_CERT, '--x509-chain', X509_CHAIN, '--passphrase-file', path('pass')).status).toBe(0);
  });

  it('unlocks a protected OpenPGP key only with --passphrase-file', async () => {
    const key = await openpgp.readPrivateKey({ armoredKey: readFileSync(RELEASE_KEY, 'utf8') });
    const locked = await openpgp.encryptKey({ privateKey: key, passphrase: 's3cret' });
    writeFileSync(path('locked.asc'), locked.armor());
    writeFileSync(path('pgp-pass'), 's3cret\n');
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', path('locked.asc')));
    const r = imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', path('locked.asc'), '--passphrase-file', path('pgp-pass'), '-o', path('locked-signed.json'));
    expect(r.status).toBe(0);
    expect(verify(path('locked-signed.json')).items[0]!.signatures.at(-1)?.reason).toBe('Verified');
  });

  it('refuses a public key, a missing key file and an Image whose manifest does not match its name', () => {
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', join(ROOT, 'examples/trust/keys/example-release.asc')));
    expectOneLineError(imagetrust('sign', IMAGE, '--identity', IDENTITY, '--openpgp-key', path('missing.asc')));
    const mismatched = { ...(JSON.parse(readFileSync(IMAGE, 'utf8')) as Image), metadata: { name: `sha256:${'0'.repeat(64)}` } };
    writeFileSync(path('mismatched.json'), JSON.stringify(mismatched));
    expectOneLineError(imagetrust('sign', path('mismatched.json'), '--identity', IDENTITY, '--openpgp-key', RELEASE_KEY));
  });

  it('takes one Image, not a list', () => {
    expectOneLineError(imagetrust('sign', join(ROOT, 'examples/images/list.yaml'), '--identity', IDENTITY, '--openpgp-key', RELEASE_KEY));
  });
});
