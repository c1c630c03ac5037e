/**
 * `imagetrust verify` end to end: the built CLI (dist/bin.js) spawned as a user runs it, checked
 * against the contract (sections 1, 6 and 7): report shape, `-o image`, exit codes 0/1/2 and
 * one-line errors. Assertions are on exit codes and JSON fields, never on message wording (except
 * that an error is one `imagetrust:` line without a stack trace, and names the file or JSON path).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const TRUST = 'examples/trust';
const AT = '2026-06-01T00:00:00Z';
const LATER = '2026-07-01T00:00:00Z';

// ---- Shapes of what the CLI prints (contract section 7) ----

interface ReportSignature {
  readonly name: string;
  readonly type: string;
  readonly trusted: boolean;
  readonly forImage: boolean;
  readonly reason: string;
  readonly message: string;
  readonly keyID?: string;
  readonly fingerprint?: string;
  readonly trustRoot?: string;
  readonly signedIdentity?: string;
  readonly signedDigest?: string;
  readonly creator?: string;
  readonly timestamp?: string;
  readonly created?: string;
  readonly expired?: boolean;
  readonly revoked?: boolean;
}
interface ReportItem {
  readonly image: string;
  readonly dockerImageReference?: string;
  readonly source: string;
  readonly verdict: string;
  readonly signatures: readonly ReportSignature[];
}
interface ReportError {
  readonly source: string;
  readonly path: string;
  readonly message: string;
}
interface Report {
  readonly apiVersion: string;
  readonly kind: string;
  readonly evaluationTime: string;
  readonly items: readonly ReportItem[];
  readonly errors: readonly ReportError[];
}
interface Condition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
interface ImageSignature {
  metadata: { name: string };
  type: string;
  content: string;
  conditions?: Condition[];
  imageIdentity?: string;
  signedClaims?: Record<string, string>;
  created?: string;
  issuedBy?: Record<string, string>;
  issuedTo?: Record<string, string>;
}
interface Image {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  dockerImageReference?: string;
  dockerImageManifest?: string;
  signatures?: ImageSignature[];
}
interface ImageList {
  apiVersion: string;
  kind: string;
  items: Image[];
}

// ---- The bundled examples (examples/README.md) ----

const RELEASE_FPR = 'D41902F7837351AEBB933DB0E4C94DF13613675A';
const BUILD_FPR = 'D256EC6191FE7187C412CBEDADA78628FB378C9F';
const UNKNOWN_FPR = '6EEC09EEA920CCD5A55840EFE06632A731839D20';
const FRONTEND = 'sha256:603600d2915bed6f2faef0339536e886eb3b7d70039a28ad38c316ebf4d63310';
const BACKEND = 'sha256:1c4e88daffdad77faca6cb19202cb8c762a2342a8c04f1f4bcd85e9025883bd0';
const CART = 'sha256:39ab0e3257b9246d3e956f91d49a026627d342888fda5bd3e3fd40d5d182ce73';
const SEARCH = 'sha256:3b4e56287e9e3b1f43753731df3f8332e17f09c22bf96b81928370630fd907af';
const CATALOG = 'sha256:889b561a96d04ed7145fc160909db5c3556047959ddfa984e36b26eb452ae381';
const PAYMENTS = 'sha256:de3bb8865c713e13fd4f5fa7efaa48237ed99cce952e904e3eb4129b825544d2';
const CART_SIGNED_DIGEST = 'sha256:d931ea11680f4b0ed274cf3c82346351ccd2d4b883571c2fbe8afff8a77930ee';
// The X.509 example (scripts/make-x509-examples.sh): signed both ways.
const CHECKOUT = 'sha256:31f0d02459c55b23fda3a49b62414f79b1219dc090622af4d30aa645d798c97a';
const EXAMPLE_SIGNER_FPR = '1A88F07EA250B4DC8756938C169566B2EEBBEE1C296229638984D1B67EC358B3';

interface ExpectedSignature {
  readonly reason: string;
  readonly trusted: boolean;
  readonly forImage: boolean;
  readonly fingerprint?: string;
  readonly signedIdentity?: string;
}
const EXAMPLES: Record<string, { readonly repo: string; readonly verdict: string; readonly signatures: readonly ExpectedSignature[] }> = {
  [FRONTEND]: {
    repo: 'shop/frontend',
    verdict: 'Trusted',
    signatures: [{ reason: 'Verified', trusted: true, forImage: true, fingerprint: RELEASE_FPR, signedIdentity: 'registry.example.com/shop/frontend:1.4.2' }],
  },
  [BACKEND]: {
    repo: 'shop/backend',
    verdict: 'Trusted',
    signatures: [
      { reason: 'Verified', trusted: true, forImage: true, fingerprint: BUILD_FPR, signedIdentity: 'registry.example.com/shop/backend:2.0.0' },
      { reason: 'UnknownKey', trusted: false, forImage: false },
    ],
  },
  [CART]: {
    repo: 'shop/cart',
    verdict: 'Untrusted',
    signatures: [{ reason: 'DigestMismatch', trusted: true, forImage: false, fingerprint: RELEASE_FPR, signedIdentity: 'registry.example.com/shop/cart:0.9.0' }],
  },
  [SEARCH]: { repo: 'shop/search', verdict: 'Unsigned', signatures: [] },
  [CATALOG]: {
    repo: 'shop/catalog',
    verdict: 'Trusted',
    signatures: [{ reason: 'Verified', trusted: true, forImage: true, fingerprint: RELEASE_FPR, signedIdentity: 'registry.example.com/shop/catalog:3.1.0' }],
  },
  [PAYMENTS]: {
    repo: 'shop/payments',
    verdict: 'Untrusted',
    signatures: [{ reason: 'IdentityMismatch', trusted: true, forImage: false, fingerprint: BUILD_FPR, signedIdentity: 'registry.example.com/other/payments:1.0.0' }],
  },
  [CHECKOUT]: {
    repo: 'shop/checkout',
    verdict: 'Trusted',
    signatures: [
      { reason: 'Verified', trusted: true, forImage: true, fingerprint: RELEASE_FPR, signedIdentity: 'registry.example.com/shop/checkout:2.1.0' },
      { reason: 'Verified', trusted: true, forImage: true, fingerprint: EXAMPLE_SIGNER_FPR, signedIdentity: 'registry.example.com/shop/checkout:2.1.0' },
    ],
  },
};

// ---- The generated OpenPGP fixtures (test/fixtures/pgp/README.md, facts.json) ----

const PGP = join(ROOT, 'test/fixtures/pgp');
const FIXTURE_DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const FIXTURE_REFERENCE = 'registry.example.com/ns/app:v1';
const FIXTURE_AT = '2026-01-01T00:00:00Z';
interface Facts {
  readonly signatures: readonly { readonly name: string; readonly expected: { readonly keyValidityNow: string; readonly keyValiditySigningTime: string } }[];
  readonly keys: readonly { readonly name: string; readonly fingerprint: string }[];
}
const facts = JSON.parse(readFileSync(join(PGP, 'facts.json'), 'utf8')) as Facts;

// ---- Running the CLI ----

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], input?: string): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 25_000,
    ...(input !== undefined ? { input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
  });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`imagetrust ${args.join(' ')} was killed by ${String(result.signal)}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function report(r: Run): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.status}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

function item(rep: Report, image: string): ReportItem {
  const found = rep.items.find((i) => i.image === image);
  if (!found) throw new Error(`no report item for ${image}; items: ${rep.items.map((i) => i.image).join(', ')}`);
  return found;
}

/** The contract's error form: exactly one line on stderr, `imagetrust: ...`, no stack trace. */
function expectOneLineError(r: Run): void {
  expect(r.stderr).toMatch(/^imagetrust: [^\n]*\n$/);
  expect(r.stderr).not.toContain('    at ');
}

/** Every stderr line is an `imagetrust:` line; no stack trace. */
function expectErrorLines(r: Run, count: number): string[] {
  const lines = r.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(count);
  for (const line of lines) expect(line).toMatch(/^imagetrust: /);
  expect(r.stderr).not.toContain('    at ');
  return lines;
}

function loadExample(file: string): Image {
  const text = readFileSync(join(ROOT, 'examples/images', file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Image;
}

function conditions(sig: ImageSignature): Map<string, Condition> {
  return new Map((sig.conditions ?? []).map((c) => [c.type, c]));
}

function stripProbeTimes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'lastProbeTime' ? undefined : v)));
}

let tmp: string;
/** Image file holding every fixture signature, and the trust directory with every public key. */
let fixtureImage: string;
let fixtureTrust: string;
let fixtureTrustSigningTime: string;
const fixtureSigName = (name: string): string => `${FIXTURE_DIGEST}@${createHash('md5').update(name).digest('hex')}`;

function write(name: string, text: string): string {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does it)`);
  tmp = mkdtempSync(join(tmpdir(), 'imagetrust-cli-'));

  const manifest = readFileSync(join(PGP, 'image.manifest.json'), 'utf8');
  expect(`sha256:${createHash('sha256').update(manifest, 'utf8').digest('hex')}`).toBe(FIXTURE_DIGEST);
  const image: Image = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: FIXTURE_DIGEST },
    dockerImageReference: FIXTURE_REFERENCE,
    dockerImageManifest: manifest,
    signatures: facts.signatures.map((s) => ({
      metadata: { name: fixtureSigName(s.name) },
      type: 'atomic',
      content: readFileSync(join(PGP, 'signatures', `${s.name}.signature`)).toString('base64'),
    })),
  };
  fixtureImage = write('fixture/image.json', JSON.stringify(image, null, 2));

  // The fixture key folder also holds no-public-key.asc (a configuration error by design) and a
  // secret/ folder: copy only the public keys.
  fixtureTrust = join(tmp, 'trust-now');
  fixtureTrustSigningTime = join(tmp, 'trust-signing-time');
  mkdirSync(fixtureTrust);
  mkdirSync(join(fixtureTrustSigningTime, 'keys'), { recursive: true });
  for (const key of facts.keys) {
    copyFileSync(join(PGP, 'keys', `${key.name}.asc`), join(fixtureTrust, `${key.name}.asc`));
    copyFileSync(join(PGP, 'keys', `${key.name}.asc`), join(fixtureTrustSigningTime, 'keys', `${key.name}.asc`));
    writeFileSync(
      join(fixtureTrustSigningTime, `${key.name}.yaml`),
      [
        'apiVersion: imagetrust.io/v1alpha1',
        'kind: TrustRoot',
        'metadata:',
        `  name: ${key.name}-signing-time`,
        'spec:',
        '  openpgp:',
        `    keyring: keys/${key.name}.asc`,
        '  keyValidity: signingTime',
        '',
      ].join('\n'),
    );
  }
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('verify examples/images -o json (the report)', () => {
  let r: Run;
  let rep: Report;
  beforeAll(() => {
    r = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'json', '--at', AT]);
    rep = report(r);
  });

  it('exits 1 (some examples are untrusted by design) with nothing on stderr', () => {
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('is a VerificationReport with no errors and the evaluation time', () => {
    expect(rep.apiVersion).toBe('imagetrust.io/v1alpha1');
    expect(rep.kind).toBe('VerificationReport');
    expect(rep.evaluationTime).toBe(AT);
    expect(rep.errors).toEqual([]);
  });

  it('reports the seven example Images with the verdicts of examples/README.md', () => {
    expect(rep.items.map((i) => i.image).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const [digest, expected] of Object.entries(EXAMPLES)) {
      const got = item(rep, digest);
      expect(got.verdict, digest).toBe(expected.verdict);
      expect(got.dockerImageReference).toBe(`registry.example.com/${expected.repo}@${digest}`);
      expect(got.signatures.map((s) => s.reason), digest).toEqual(expected.signatures.map((s) => s.reason));
      expect(got.signatures.map((s) => [s.trusted, s.forImage]), digest).toEqual(expected.signatures.map((s) => [s.trusted, s.forImage]));
    }
    const counts = { Trusted: 0, Untrusted: 0, Unsigned: 0 } as Record<string, number>;
    for (const i of rep.items) counts[i.verdict] = (counts[i.verdict] ?? 0) + 1;
    expect(counts).toEqual({ Trusted: 4, Untrusted: 2, Unsigned: 1 });
  });

  it('gives every signature name, type, trusted, forImage, reason and message', () => {
    const all = rep.items.flatMap((i) => i.signatures);
    expect(all).toHaveLength(8);
    for (const s of all) {
      expect(typeof s.name).toBe('string');
      expect(s.name).toMatch(/^sha256:[0-9a-f]{64}@[0-9a-f]{32}$/);
      expect(s.type).toMatch(/^(atomic|x509)$/);
      expect(typeof s.trusted).toBe('boolean');
      expect(typeof s.forImage).toBe('boolean');
      expect(typeof s.reason).toBe('string');
      expect(typeof s.message).toBe('string');
      expect(s.message.length).toBeGreaterThan(0);
    }
  });

  it('gives cryptographically verified signatures their fingerprint, key ID, signed claims and creation time', () => {
    for (const [digest, expected] of Object.entries(EXAMPLES)) {
      expected.signatures.forEach((exp, index) => {
        if (!exp.fingerprint) return;
        const s = item(rep, digest).signatures[index]!;
        expect(s.fingerprint, digest).toBe(exp.fingerprint);
        expect(s.keyID, digest).toBe(exp.fingerprint.slice(-16));
        expect(s.signedIdentity, digest).toBe(exp.signedIdentity);
        expect(s.signedDigest, digest).toBe(digest === CART ? CART_SIGNED_DIGEST : digest);
        expect(s.created, digest).toBe('2025-06-01T00:00:00Z');
      });
    }
  });

  it('gives the UnknownKey signature its key ID but no fingerprint nor signed claims', () => {
    const unknown = item(rep, BACKEND).signatures[1]!;
    expect(unknown.reason).toBe('UnknownKey');
    expect(unknown.keyID).toBe(UNKNOWN_FPR.slice(-16));
    expect(unknown).not.toHaveProperty('fingerprint');
    expect(unknown).not.toHaveProperty('signedIdentity');
    expect(unknown).not.toHaveProperty('signedDigest');
    expect(unknown).not.toHaveProperty('created');
  });

  it('prints JSON by default when stdout is not a terminal', () => {
    const def = run(['verify', 'examples/images', '--trust', TRUST, '--at', AT]);
    expect(def.status).toBe(1);
    expect(report(def)).toEqual(rep);
  });
});

describe('a single trusted example Image', () => {
  it('exits 0 with -o json', () => {
    const r = run(['verify', 'examples/images/frontend.json', '--trust', TRUST, '-o', 'json', '--at', AT]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const rep = report(r);
    expect(rep.items).toHaveLength(1);
    expect(rep.items[0]!.verdict).toBe('Trusted');
    expect(rep.items[0]!.source).toBe('examples/images/frontend.json');
  });

  it('-o yaml parses to the same report as -o json', () => {
    const json = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'json', '--at', AT]);
    const yaml = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'yaml', '--at', AT]);
    expect(json.status).toBe(0);
    expect(yaml.status).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(report(json));
  });

  it('-o yaml of all the examples parses to the same report as -o json', () => {
    const json = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'json', '--at', AT]);
    const yaml = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'yaml', '--at', AT]);
    expect(yaml.status).toBe(1);
    expect(parseYaml(yaml.stdout)).toEqual(report(json));
  });

  it('-o table prints a header line, one line per signature and a summary', () => {
    const r = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'table', '--at', AT]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(5); // header, 2 signatures, blank, summary
    expect(lines[0]).toMatch(/^IMAGE\s+VERDICT\s+SIGNATURE\s+REASON\s+SIGNER\s+MESSAGE$/);
    const json = report(run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'json', '--at', AT]));
    const sigs = json.items[0]!.signatures;
    sigs.forEach((s, i) => {
      const row = lines[1 + i]!;
      expect(row).toContain(s.name.split('@')[1]!.slice(0, 12));
      expect(row).toMatch(new RegExp(`\\b${s.reason}\\b`));
      expect(row).toMatch(/\bTrusted\b/);
    });
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^1 image\b.*\b1 Trusted\b.*\b0 Untrusted\b.*\b0 Unsigned\b/);
    expect(lines[4]).toContain(AT);
  });
});

describe('-o image', () => {
  it('prints the Image with every signature name, type and content kept byte for byte', () => {
    const input = loadExample('backend.yaml');
    const r = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'image', '--at', AT]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Image;
    expect(out.apiVersion).toBe('image.openshift.io/v1');
    expect(out.kind).toBe('Image');
    expect(out.metadata.name).toBe(BACKEND);
    expect(out.dockerImageReference).toBe(input.dockerImageReference);
    expect(out.dockerImageManifest).toBe(input.dockerImageManifest);
    const inSigs = input.signatures ?? [];
    const outSigs = out.signatures ?? [];
    expect(outSigs.map((s) => [s.metadata.name, s.type, s.content])).toEqual(inSigs.map((s) => [s.metadata.name, s.type, s.content]));
    outSigs.forEach((s, i) => expect(Buffer.from(s.content, 'base64').equals(Buffer.from(inSigs[i]!.content, 'base64'))).toBe(true));
  });

  it('writes Trusted and ForImage on each signature; issuedBy/issuedTo and claims only on verified ones', () => {
    const r = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'image', '--at', AT]);
    const [verified, unknown] = (JSON.parse(r.stdout) as Image).signatures!;
    const v = conditions(verified!);
    expect([...v.keys()].sort()).toEqual(['ForImage', 'Trusted']);
    expect(v.get('Trusted')).toMatchObject({ status: 'True', reason: 'Verified', lastProbeTime: AT, lastTransitionTime: AT });
    expect(v.get('ForImage')).toMatchObject({ status: 'True', lastProbeTime: AT, lastTransitionTime: AT });
    expect(verified!.issuedBy).toBeDefined();
    expect(verified!.issuedTo).toMatchObject({ publicKeyID: BUILD_FPR });
    expect(verified!.imageIdentity).toBe('registry.example.com/shop/backend:2.0.0');
    expect(verified!.signedClaims).toMatchObject({ 'docker-manifest-digest': BACKEND, 'docker-reference': 'registry.example.com/shop/backend:2.0.0' });
    expect(verified!.created).toBe('2025-06-01T00:00:00Z');

    const u = conditions(unknown!);
    expect([...u.keys()].sort()).toEqual(['ForImage', 'Trusted']);
    expect(u.get('Trusted')).toMatchObject({ status: 'False', reason: 'UnknownKey' });
    expect(u.get('ForImage')).toMatchObject({ status: 'False' });
    for (const field of ['issuedBy', 'issuedTo', 'imageIdentity', 'signedClaims', 'created']) expect(unknown).not.toHaveProperty(field);
  });

  it('for a digest or identity mismatch: Trusted=True, ForImage=False, signer still published', () => {
    const r = run(['verify', 'examples/images/tampered.json', '--trust', TRUST, '-o', 'image', '--at', AT]);
    expect(r.status).toBe(1);
    const sig = (JSON.parse(r.stdout) as Image).signatures![0]!;
    const c = conditions(sig);
    expect(c.get('Trusted')).toMatchObject({ status: 'True' });
    expect(c.get('ForImage')).toMatchObject({ status: 'False', reason: 'DigestMismatch' });
    expect(sig.issuedTo).toMatchObject({ publicKeyID: RELEASE_FPR });
  });

  it('never publishes forged facts from the input, and keeps conditions of other types', () => {
    const input = loadExample('backend.yaml');
    const forged = input.signatures![1]!;
    forged.issuedBy = { commonName: 'Forged CA', organization: 'Forged' };
    forged.issuedTo = { commonName: 'Forged', publicKeyID: BUILD_FPR };
    forged.imageIdentity = 'registry.example.com/shop/backend:2.0.0';
    forged.signedClaims = { 'docker-manifest-digest': BACKEND, 'docker-reference': 'registry.example.com/shop/backend:2.0.0' };
    forged.created = '2025-06-01T00:00:00Z';
    const custom: Condition = { type: 'example.com/Scanned', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'Clean', message: 'kept' };
    forged.conditions = [
      { type: 'Trusted', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'Verified', message: 'forged' },
      { type: 'ForImage', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'Verified', message: 'forged' },
      custom,
    ];
    const path = write('forged/backend.json', JSON.stringify(input));

    const rep = report(run(['verify', path, '--trust', TRUST, '-o', 'json', '--at', AT]));
    const sig = rep.items[0]!.signatures[1]!;
    expect(sig.reason).toBe('UnknownKey');
    expect(sig).not.toHaveProperty('fingerprint');
    expect(sig).not.toHaveProperty('signedIdentity');

    const r = run(['verify', path, '--trust', TRUST, '-o', 'image', '--at', AT]);
    expect(r.status).toBe(0);
    const out = (JSON.parse(r.stdout) as Image).signatures![1]!;
    for (const field of ['issuedBy', 'issuedTo', 'imageIdentity', 'signedClaims', 'created']) expect(out).not.toHaveProperty(field);
    const c = conditions(out);
    expect(c.get('Trusted')).toMatchObject({ status: 'False', reason: 'UnknownKey', lastTransitionTime: AT });
    expect(c.get('ForImage')).toMatchObject({ status: 'False', lastTransitionTime: AT });
    expect(c.get('example.com/Scanned')).toEqual(custom);
  });

  it('prints an ImageList for several Images, each signature kept byte for byte', () => {
    const r = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'image', '--at', AT]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as ImageList;
    expect(out.apiVersion).toBe('image.openshift.io/v1');
    expect(out.kind).toBe('ImageList');
    expect(out.items.map((i) => i.metadata.name).sort()).toEqual(Object.keys(EXAMPLES).sort());
    const inputs = [
      ...['backend.yaml', 'checkout.json', 'frontend.json', 'tampered.json', 'unsigned.json'].map(loadExample),
      ...(loadExample('list.yaml') as unknown as ImageList).items,
    ];
    for (const input of inputs) {
      const printed = out.items.find((i) => i.metadata.name === input.metadata.name)!;
      expect((printed.signatures ?? []).map((s) => [s.metadata.name, s.type, s.content])).toEqual(
        (input.signatures ?? []).map((s) => [s.metadata.name, s.type, s.content]),
      );
      for (const s of printed.signatures ?? []) {
        const c = conditions(s);
        expect(c.has('Trusted') && c.has('ForImage'), s.metadata.name).toBe(true);
        const cryptoOk = c.get('Trusted')!.status === 'True';
        expect('issuedBy' in s, s.metadata.name).toBe(cryptoOk);
        expect('issuedTo' in s, s.metadata.name).toBe(cryptoOk);
      }
    }
  });

  it('fed back at a later --at: lastTransitionTime unchanged, only lastProbeTime moves (single Image via stdin)', () => {
    const first = run(['verify', 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'image', '--at', AT]);
    const second = run(['verify', '-', '--trust', TRUST, '-o', 'image', '--at', LATER], first.stdout);
    expect(second.status).toBe(0);
    const before = JSON.parse(first.stdout) as Image;
    const after = JSON.parse(second.stdout) as Image;
    for (const sig of after.signatures!) {
      for (const c of sig.conditions!) {
        expect(c.lastTransitionTime, `${sig.metadata.name} ${c.type}`).toBe(AT);
        expect(c.lastProbeTime, `${sig.metadata.name} ${c.type}`).toBe(LATER);
      }
    }
    expect(stripProbeTimes(after)).toEqual(stripProbeTimes(before));
  });

  it('fed back at a later --at: the same for an ImageList from a file', () => {
    const first = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'image', '--at', AT]);
    const path = write('feedback/list.json', first.stdout);
    const second = run(['verify', path, '--trust', TRUST, '-o', 'image', '--at', LATER]);
    expect(second.status).toBe(1);
    const after = JSON.parse(second.stdout) as ImageList;
    expect(after.kind).toBe('ImageList');
    let seen = 0;
    for (const image of after.items) {
      for (const sig of image.signatures ?? []) {
        for (const c of sig.conditions!) {
          seen++;
          expect(c.lastTransitionTime).toBe(AT);
          expect(c.lastProbeTime).toBe(LATER);
        }
      }
    }
    expect(seen).toBe(16);
    expect(stripProbeTimes(after)).toEqual(stripProbeTimes(JSON.parse(first.stdout)));
  });

  it('fed back with a trust set that no longer holds the key: status flips, lastTransitionTime moves, facts are cleared', () => {
    const first = run(['verify', 'examples/images/frontend.json', '--trust', TRUST, '-o', 'image', '--at', AT]);
    const second = run(['verify', '-', '--trust', 'examples/trust/example-build.yaml', '-o', 'image', '--at', LATER], first.stdout);
    expect(second.status).toBe(1);
    const sig = (JSON.parse(second.stdout) as Image).signatures![0]!;
    const c = conditions(sig);
    expect(c.get('Trusted')).toMatchObject({ status: 'False', reason: 'UnknownKey', lastTransitionTime: LATER, lastProbeTime: LATER });
    expect(c.get('ForImage')).toMatchObject({ status: 'False', lastTransitionTime: LATER });
    expect(sig).not.toHaveProperty('issuedBy');
    expect(sig).not.toHaveProperty('issuedTo');
  });
});

describe('standard input', () => {
  it('verify - reads a JSON Image', () => {
    const r = run(['verify', '-', '--trust', TRUST, '-o', 'json', '--at', AT], readFileSync(join(ROOT, 'examples/images/frontend.json'), 'utf8'));
    expect(r.status).toBe(0);
    const rep = report(r);
    expect(rep.items).toHaveLength(1);
    expect(rep.items[0]).toMatchObject({ image: FRONTEND, source: '-', verdict: 'Trusted' });
  });

  it('verify - reads a YAML Image', () => {
    const r = run(['verify', '-', '--trust', TRUST, '-o', 'json', '--at', AT], readFileSync(join(ROOT, 'examples/images/backend.yaml'), 'utf8'));
    expect(r.status).toBe(0);
    const rep = report(r);
    expect(rep.items).toHaveLength(1);
    expect(rep.items[0]!.image).toBe(BACKEND);
    expect(rep.items[0]!.signatures.map((s) => s.reason)).toEqual(['Verified', 'UnknownKey']);
  });

  it('verify - reads multi-document YAML (an Image and an ImageList)', () => {
    const text = `${readFileSync(join(ROOT, 'examples/images/backend.yaml'), 'utf8')}\n---\n${readFileSync(join(ROOT, 'examples/images/list.yaml'), 'utf8')}`;
    const r = run(['verify', '-', '--trust', TRUST, '-o', 'json', '--at', AT], text);
    expect(r.status).toBe(1);
    expect(report(r).items.map((i) => [i.image, i.verdict])).toEqual([
      [BACKEND, 'Trusted'],
      [CATALOG, 'Trusted'],
      [PAYMENTS, 'Untrusted'],
    ]);
  });

  it('empty standard input is an input error (exit 2)', () => {
    const r = run(['verify', '-', '--trust', TRUST, '-o', 'json', '--at', AT], '');
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(report(r).errors).toHaveLength(1);
  });
});

describe('identity options', () => {
  const frontend = (...extra: string[]): Run => run(['verify', 'examples/images/frontend.json', '--trust', TRUST, '-o', 'json', '--at', AT, ...extra]);

  it('--expected-identity equal to the signed identity: Verified, exit 0', () => {
    const r = frontend('--expected-identity', 'registry.example.com/shop/frontend:1.4.2');
    expect(r.status).toBe(0);
    expect(report(r).items[0]!.signatures[0]!.reason).toBe('Verified');
  });

  it('--expected-identity overrides dockerImageReference: a mismatch is IdentityMismatch, exit 1', () => {
    const r = frontend('--expected-identity', 'registry.example.com/shop/other:1.4.2');
    expect(r.status).toBe(1);
    const item0 = report(r).items[0]!;
    expect(item0.verdict).toBe('Untrusted');
    expect(item0.signatures[0]).toMatchObject({ reason: 'IdentityMismatch', trusted: true, forImage: false, signedIdentity: 'registry.example.com/shop/frontend:1.4.2' });
  });

  it('--expected-identity applies to every Image of the run (fixtures: the other-identity signature now matches)', () => {
    const r = run(['verify', fixtureImage, '--trust', fixtureTrust, '-o', 'json', '--at', FIXTURE_AT, '--expected-identity', 'registry.example.com/ns/other:v1']);
    const sigs = report(r).items[0]!.signatures;
    expect(sigs.find((s) => s.name === fixtureSigName('payload-identity-other'))!.reason).toBe('Verified');
    expect(sigs.find((s) => s.name === fixtureSigName('rsa2048'))!.reason).toBe('IdentityMismatch');
  });

  it('an invalid --expected-identity (UPPERCASE) is a usage error, exit 2', () => {
    const r = frontend('--expected-identity', 'UPPERCASE');
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stdout).toBe('');
  });

  it('--identity-rule matchRepository accepts another tag of the same repository', () => {
    const strict = frontend('--expected-identity', 'registry.example.com/shop/frontend:9.9');
    expect(strict.status).toBe(1);
    expect(report(strict).items[0]!.signatures[0]!.reason).toBe('IdentityMismatch');
    const loose = frontend('--expected-identity', 'registry.example.com/shop/frontend:9.9', '--identity-rule', 'matchRepository');
    expect(loose.status).toBe(0);
    expect(report(loose).items[0]!.signatures[0]!.reason).toBe('Verified');
  });

  it('--identity-rule matchRepository still rejects another repository', () => {
    const r = run(['verify', 'examples/images/list.yaml', '--trust', TRUST, '-o', 'json', '--at', AT, '--identity-rule', 'matchRepository']);
    expect(r.status).toBe(1);
    const rep = report(r);
    expect(item(rep, CATALOG).signatures[0]!.reason).toBe('Verified');
    expect(item(rep, PAYMENTS).signatures[0]!.reason).toBe('IdentityMismatch');
  });

  it('--identity-rule in JSON form (exactRepository)', () => {
    const rule = '{"type":"exactRepository","dockerRepository":"registry.example.com/ns/app"}';
    const r = run(['verify', fixtureImage, '--trust', fixtureTrust, '-o', 'json', '--at', FIXTURE_AT, '--identity-rule', rule]);
    const sigs = report(r).items[0]!.signatures;
    expect(sigs.find((s) => s.name === fixtureSigName('rsa2048'))!.reason).toBe('Verified');
    expect(sigs.find((s) => s.name === fixtureSigName('payload-identity-other'))!.reason).toBe('IdentityMismatch');

    const other = frontend('--identity-rule', rule);
    expect(other.status).toBe(1);
    expect(report(other).items[0]!.signatures[0]!.reason).toBe('IdentityMismatch');
  });

  it.each([
    ['an unknown rule name', 'bogus'],
    ['invalid JSON', '{bad'],
    ['a JSON rule missing its repository', '{"type":"exactRepository"}'],
    ['a JSON rule with an unknown member', '{"type":"matchExact","extra":1}'],
  ])('an invalid --identity-rule (%s) is a usage error, exit 2', (_label, rule) => {
    const r = frontend('--identity-rule', rule);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stdout).toBe('');
  });
});

describe('exit 2: usage, configuration and input errors', () => {
  const image = 'examples/images/frontend.json';

  it('no --trust', () => {
    const r = run(['verify', image, '-o', 'json']);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stdout).toBe('');
  });

  it('--trust to a missing path', () => {
    const r = run(['verify', image, '--trust', join(tmp, 'no-such-trust'), '-o', 'json']);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain(join(tmp, 'no-such-trust'));
    expect(r.stdout).toBe('');
  });

  it('--trust to a keyring that holds no public key', () => {
    const r = run(['verify', image, '--trust', 'test/fixtures/pgp/keys/no-public-key.asc', '-o', 'json']);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain('no-public-key.asc');
    expect(r.stdout).toBe('');
  });

  it('--trust to a directory holding such a keyring fails the whole load (never a smaller trust set)', () => {
    const r = run(['verify', fixtureImage, '--trust', 'test/fixtures/pgp/keys', '-o', 'json', '--at', FIXTURE_AT]);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain('no-public-key.asc');
    expect(r.stdout).toBe('');
  });

  it('no inputs', () => {
    const r = run(['verify', '--trust', TRUST, '-o', 'json']);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stdout).toBe('');
  });

  it('a missing input file: exit 2, the file named, the other inputs still reported', () => {
    const missing = join(tmp, 'missing.json');
    const r = run(['verify', missing, image, '--trust', TRUST, '-o', 'json', '--at', AT]);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain(missing);
    const rep = report(r);
    expect(rep.errors.map((e) => e.source)).toEqual([missing]);
    expect(rep.items.map((i) => [i.image, i.verdict])).toEqual([[FRONTEND, 'Trusted']]);
  });

  it('an input file with invalid JSON: exit 2, the file named, the valid inputs of the same run still reported', () => {
    const bad = write('bad/invalid.json', '{"apiVersion": "image.openshift.io/v1", "kind": "Image",,}');
    const r = run(['verify', 'examples/images/frontend.json', bad, 'examples/images/backend.yaml', '--trust', TRUST, '-o', 'json', '--at', AT]);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain(bad);
    const rep = report(r);
    expect(rep.errors).toHaveLength(1);
    expect(rep.errors[0]!.source).toBe(bad);
    expect(rep.items.map((i) => [i.image, i.verdict])).toEqual([
      [FRONTEND, 'Trusted'],
      [BACKEND, 'Trusted'],
    ]);
  });

  it('an Image with bad base64 content: exit 2, the JSON path .signatures[0].content named', () => {
    const input = loadExample('frontend.json');
    input.signatures![0]!.content = '!!!not base64***';
    const path = write('bad/base64.json', JSON.stringify(input));
    const r = run(['verify', path, '--trust', TRUST, '-o', 'json', '--at', AT]);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain('.signatures[0].content');
    const rep = report(r);
    expect(rep.errors).toEqual([expect.objectContaining({ source: path, path: '.signatures[0].content' })]);
    // The signature itself is never trusted.
    for (const i of rep.items) for (const s of i.signatures) expect(s.trusted).toBe(false);
  });

  it('two input errors: two imagetrust: lines, one per problem', () => {
    const bad = write('bad/invalid2.json', '{');
    const missing = join(tmp, 'missing2.json');
    const r = run(['verify', bad, missing, '--trust', TRUST, '-o', 'json', '--at', AT]);
    expect(r.status).toBe(2);
    const lines = expectErrorLines(r, 2);
    expect(lines[0]).toContain(bad);
    expect(lines[1]).toContain(missing);
    expect(report(r).errors).toHaveLength(2);
  });

  const usage: readonly (readonly [string, readonly string[]])[] = [
    ['an unknown option', ['verify', image, '--trust', TRUST, '--bogus']],
    ['--at yesterday', ['verify', image, '--trust', TRUST, '--at', 'yesterday']],
    ['-o xml', ['verify', image, '--trust', TRUST, '-o', 'xml']],
    ['an unknown command', ['bogus']],
  ];
  for (const [label, args] of usage) {
    it(`${label}: exit 2, nothing on stdout`, () => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toBe('');
      expect(r.stderr).not.toContain('    at ');
    });
    it(`${label}: the error is one line starting with imagetrust:`, () => {
      expectOneLineError(run(args));
    });
  }

  // Date.parse alone would roll these over into the next month or day.
  it.each(['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z'])('an impossible --at %s is a usage error', (at) => {
    const r = run(['verify', image, '--trust', TRUST, '-o', 'json', '--at', at]);
    expect(r.status).toBe(2);
  });
});

describe('--help and --version', () => {
  it('--help exits 0 and prints usage on stdout', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: imagetrust /);
    expect(r.stdout).toContain('verify');
    expect(r.stderr).toBe('');
  });

  it('verify --help exits 0 and prints the verify usage with its options', () => {
    const r = run(['verify', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: imagetrust verify /);
    for (const option of ['--trust', '--expected-identity', '--identity-rule', '--at', '--output']) expect(r.stdout).toContain(option);
    expect(r.stderr).toBe('');
  });

  it('--version prints the package.json version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
});

describe('the generated OpenPGP fixtures through the CLI', () => {
  const reasons = (r: Run): Map<string, ReportSignature> => new Map(report(r).items[0]!.signatures.map((s) => [s.name, s]));

  it('keyValidity now (bare keyrings): the reason codes of facts.json', () => {
    const r = run(['verify', fixtureImage, '--trust', fixtureTrust, '-o', 'json', '--at', FIXTURE_AT]);
    expect(r.status).toBe(0); // several signatures verify, so the Image is trusted
    expect(r.stderr).toBe('');
    const byName = reasons(r);
    const sig = (name: string): ReportSignature => byName.get(fixtureSigName(name))!;
    expect(sig('rsa2048')).toMatchObject({ reason: 'Verified', trusted: true, forImage: true, fingerprint: 'D34768EEF90A98642D4F502708F915B1ECB55E81' });
    expect(sig('expiring')).toMatchObject({ reason: 'KeyExpired', trusted: false, expired: true });
    expect(sig('revoked')).toMatchObject({ reason: 'KeyRevoked', trusted: false, revoked: true });
    expect(sig('future')).toMatchObject({ reason: 'NotYetValid', trusted: false });
    expect(sig('double')).toMatchObject({ reason: 'MultipleSignatures', trusted: false });
    for (const s of facts.signatures) expect(byName.get(fixtureSigName(s.name))?.reason, s.name).toBe(s.expected.keyValidityNow);
  });

  it('keyValidity signingTime (TrustRoot YAML): expiring is Verified, and the rest as facts.json says', () => {
    const r = run(['verify', fixtureImage, '--trust', fixtureTrustSigningTime, '-o', 'json', '--at', FIXTURE_AT]);
    expect(r.status).toBe(0);
    const byName = reasons(r);
    expect(byName.get(fixtureSigName('expiring'))).toMatchObject({ reason: 'Verified', trusted: true, forImage: true, trustRoot: 'expiring-signing-time' });
    expect(byName.get(fixtureSigName('revoked'))!.reason).toBe('KeyRevoked'); // hard revocation: whatever the mode
    for (const s of facts.signatures) expect(byName.get(fixtureSigName(s.name))?.reason, s.name).toBe(s.expected.keyValiditySigningTime);
  });

  it('a single TrustRoot YAML with keyValidity: signingTime makes expiring Verified', () => {
    const dir = join(tmp, 'single-trust-root');
    mkdirSync(dir);
    copyFileSync(join(PGP, 'keys/expiring.asc'), join(dir, 'expiring.asc'));
    const yamlPath = join(dir, 'expiring.yaml');
    writeFileSync(yamlPath, 'apiVersion: imagetrust.io/v1alpha1\nkind: TrustRoot\nmetadata:\n  name: expiring\nspec:\n  openpgp:\n    keyring: expiring.asc\n  keyValidity: signingTime\n');
    const r = run(['verify', fixtureImage, '--trust', yamlPath, '-o', 'json', '--at', FIXTURE_AT]);
    expect(r.status).toBe(0);
    const byName = reasons(r);
    expect(byName.get(fixtureSigName('expiring'))).toMatchObject({ reason: 'Verified', fingerprint: 'D8FC0F75FC2865BCFAC5BB7B7394AF5AC8AC7AAB' });
    expect(byName.get(fixtureSigName('rsa2048'))!.reason).toBe('UnknownKey');

    const now = run(['verify', fixtureImage, '--trust', join(dir, 'expiring.asc'), '-o', 'json', '--at', FIXTURE_AT]);
    expect(now.status).toBe(1);
    expect(reasons(now).get(fixtureSigName('expiring'))!.reason).toBe('KeyExpired');
  });

  it('a TrustRoot YAML with an unknown field: exit 2, the message names file:line', () => {
    const path = write('bad-trust/typo.yaml', [
      'apiVersion: imagetrust.io/v1alpha1',
      'kind: TrustRoot',
      'metadata:',
      '  name: typo',
      'spec:',
      '  openpgp:',
      `    keyring: ${join(PGP, 'keys/rsa2048.asc')}`,
      '  keyValidty: signingTime',
      '',
    ].join('\n'));
    const r = run(['verify', fixtureImage, '--trust', path, '-o', 'json', '--at', FIXTURE_AT]);
    expect(r.status).toBe(2);
    expectOneLineError(r);
    expect(r.stderr).toContain(`${path}:8`);
    expect(r.stdout).toBe('');
  });
});

describe('npm start: verify examples/images --trust examples/trust -o table', () => {
  it('exits 1 and prints a line for every example signature (and the unsigned Image)', () => {
    const r = run(['verify', 'examples/images', '--trust', TRUST, '-o', 'table']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+VERDICT\s+SIGNATURE\s+REASON/);
    const rows = lines.slice(1, lines.indexOf(''));
    expect(rows).toHaveLength(9); // 8 signatures + the unsigned Image
    const json = report(run(['verify', 'examples/images', '--trust', TRUST, '-o', 'json']));
    for (const i of json.items) {
      for (const s of i.signatures) {
        const id = s.name.split('@')[1]!.slice(0, 12);
        const row = rows.find((line) => line.includes(id));
        expect(row, s.name).toBeDefined();
        expect(row).toMatch(new RegExp(`\\b${s.reason}\\b`));
        expect(row).toMatch(new RegExp(`\\b${i.verdict}\\b`));
      }
    }
    expect(rows.filter((line) => /\bUnsigned\b/.test(line))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^7 images\b.*\b4 Trusted\b.*\b2 Untrusted\b.*\b1 Unsigned\b/);
  });
});

// Keep the fixture listing in sync with facts.json: every generated signature is covered above.
it('facts.json lists every signature file', () => {
  const files = readdirSync(join(PGP, 'signatures')).filter((f) => f.endsWith('.signature')).map((f) => f.replace(/\.signature$/, ''));
  expect(facts.signatures.map((s) => s.name).sort()).toEqual(files.sort());
});
