/**
 * `imagetrust verify --policy`, `policy lint` and `policy test` end to end: the built CLI
 * (dist/bin.js) spawned as a user runs it, over the example policies and their test data in
 * policies/. Assertions are on exit codes, JSON fields, reason codes, `file:line:col` positions and
 * JUnit counts, never on message wording.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from './xml.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const P = 'policies';
const DATA = `${P}/testdata`;
const TRUST = `${DATA}/trust`;
const AT = '2026-06-01T00:00:00Z';
const REQUIRE = `${P}/require-trusted-signature.yaml`;
const WARN_OLD = `${P}/warn-old-signatures.yaml`;
const REDHAT = `${P}/redhat-release-key.yaml`;

interface ReportPolicy {
  readonly name: string;
  readonly actions: readonly string[];
  readonly applied: boolean;
  readonly passed: boolean;
  readonly reason?: string;
  readonly message?: string;
}
interface ReportItem {
  readonly image: string;
  readonly verdict: string;
  readonly decision?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly warnings?: readonly string[];
  readonly policies?: readonly ReportPolicy[];
  readonly signatures: readonly { readonly reason: string }[];
}
interface Report {
  readonly kind: string;
  readonly policyRevision?: string;
  readonly unmatched?: string;
  readonly items: readonly ReportItem[];
  readonly errors: readonly unknown[];
}
interface TestReport {
  readonly kind: string;
  readonly summary: { tests: number; cases: number; passed: number; failed: number; errors: number };
  readonly tests: readonly {
    readonly name: string;
    readonly source: string;
    readonly error?: string;
    readonly cases: readonly { readonly name: string; readonly status: string; readonly failures: readonly string[]; readonly actual?: { decision: string; reason: string } }[];
  }[];
}
interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[]): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 25_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`imagetrust ${args.join(' ')} was killed by ${String(result.signal)}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(r: Run): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.status}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

function verify(images: readonly string[], ...extra: string[]): Run {
  return run(['verify', ...images, '--trust', TRUST, '--at', AT, '-o', 'json', ...extra]);
}

const digest = (file: string): string => (JSON.parse(readFileSync(join(ROOT, DATA, 'images', file), 'utf8')) as { metadata: { name: string } }).metadata.name;
const img = (file: string): string => `${DATA}/images/${file}`;

function only(report: Report): ReportItem {
  expect(report.items).toHaveLength(1);
  return report.items[0]!;
}

let tmp: string;
function write(name: string, text: string): string {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does it)`);
  tmp = mkdtempSync(join(tmpdir(), 'imagetrust-policy-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('verify --policy', () => {
  it('allows an Image every Deny policy passes: exit 0 and the decision fields in the report', () => {
    const r = verify([img('release-signed.json')], '--policy', REQUIRE);
    expect(r.status).toBe(0);
    const report = json<Report>(r);
    expect(report.policyRevision).toEqual(expect.any(String));
    expect(report.unmatched).toBe('deny');
    const item = only(report);
    expect(item).toMatchObject({ image: digest('release-signed.json'), verdict: 'Trusted', decision: 'Allowed', warnings: [] });
    expect(item.reason).toEqual(expect.any(String));
    expect(item.message).toEqual(expect.any(String));
    expect(item.policies).toEqual([
      expect.objectContaining({ name: 'require-trusted-signature', actions: ['Deny'], applied: true, passed: true }),
    ]);
  });

  it('denies an Image a Deny policy fails: exit 1, the policy reason, the per-policy result', () => {
    const r = verify([img('unsigned.json')], '--policy', REQUIRE);
    expect(r.status).toBe(1);
    const item = only(json<Report>(r));
    expect(item).toMatchObject({ verdict: 'Unsigned', decision: 'Denied', reason: 'Unsigned' });
    expect(item.policies).toEqual([expect.objectContaining({ name: 'require-trusted-signature', applied: true, passed: false, reason: 'Unsigned' })]);
    expect(item.policies?.[0]?.message).toEqual(expect.any(String));
  });

  it('exits 1 when any Image of the run is denied, and decides each Image on its own', () => {
    const r = verify([img('release-signed.json'), img('unknown-signer.json'), img('two-signers.json')], '--policy', REQUIRE);
    expect(r.status).toBe(1);
    const decisions = Object.fromEntries(json<Report>(r).items.map((i) => [i.image, i.decision]));
    expect(decisions).toEqual({
      [digest('release-signed.json')]: 'Allowed',
      [digest('unknown-signer.json')]: 'Denied',
      [digest('two-signers.json')]: 'Allowed',
    });
  });

  it('reports Warn policy failures as warnings without denying (exit 0)', () => {
    const r = run(['verify', img('release-signed.json'), '--trust', TRUST, '--at', '2026-07-01T00:00:00Z', '-o', 'json', '--policy', REQUIRE, '--policy', WARN_OLD]);
    expect(r.status).toBe(0);
    const item = only(json<Report>(r));
    expect(item.decision).toBe('Allowed');
    expect(item.warnings).toHaveLength(1);
    expect(item.policies).toEqual([
      expect.objectContaining({ name: 'require-trusted-signature', passed: true }),
      expect.objectContaining({ name: 'warn-old-signatures', actions: ['Warn'], applied: true, passed: false, reason: 'SignatureTooOld' }),
    ]);
  });

  it('prints a DECISION column, denials and warnings in the table', () => {
    const r = run(['verify', img('release-signed.json'), img('unsigned.json'), '--trust', TRUST, '--at', '2026-07-01T00:00:00Z', '-o', 'table', '--policy', REQUIRE, '--policy', WARN_OLD]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+DECISION\s+VERDICT\s+SIGNATURE\s+REASON\s+SIGNER\s+MESSAGE$/);
    expect(lines.some((l) => /^registry\.example\.com\/shop\/web@\S+\s+Allowed\s+Trusted\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^registry\.example\.com\/shop\/search@\S+\s+Denied\s+Unsigned\s/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('DENIED '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('WARNING '))).toHaveLength(1);
    expect(r.stdout).toMatch(/2 images: 1 Allowed, 1 Denied; /);
  });

  it('without --policy the report has no policy fields and the exit status follows the verdict', () => {
    const r = verify([img('release-signed.json')]);
    expect(r.status).toBe(0);
    const report = json<Report>(r);
    expect(report.policyRevision).toBeUndefined();
    expect(Object.keys(only(report))).not.toContain('decision');
    expect(r.stdout).not.toContain('"policies"');
  });

  describe('--unmatched', () => {
    const redhatScoped = (...extra: string[]): Run => verify([img('release-signed.json')], '--policy', REDHAT, ...extra);

    it('denies an Image no policy applies to by default, with NoApplicablePolicy', () => {
      const r = redhatScoped();
      expect(r.status).toBe(1);
      const item = only(json<Report>(r));
      expect(item).toMatchObject({ verdict: 'Trusted', decision: 'Denied', reason: 'NoApplicablePolicy' });
      expect(item.policies).toEqual([expect.objectContaining({ name: 'redhat-release-key', applied: false })]);
    });

    it('--unmatched deny is the default, spelled out', () => {
      const r = redhatScoped('--unmatched', 'deny');
      expect(r.status).toBe(1);
      expect(only(json<Report>(r)).reason).toBe('NoApplicablePolicy');
    });

    it('--unmatched allow lets it through (exit 0) and the report says so', () => {
      const r = redhatScoped('--unmatched', 'allow');
      expect(r.status).toBe(0);
      const report = json<Report>(r);
      expect(report.unmatched).toBe('allow');
      expect(only(report).decision).toBe('Allowed');
    });

    it('--unmatched allow does not allow an Image a policy applies to and denies', () => {
      const r = verify([img('redhat-ubi.json')], '--policy', REDHAT, '--unmatched', 'allow');
      expect(r.status).toBe(1);
      expect(only(json<Report>(r))).toMatchObject({ decision: 'Denied', reason: 'NotSignedByRedHat' });
    });

    it('rejects other values and --unmatched without --policy (exit 2)', () => {
      expect(redhatScoped('--unmatched', 'maybe').status).toBe(2);
      const r = verify([img('release-signed.json')], '--unmatched', 'allow');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^imagetrust: [^\n]*\n$/);
    });
  });

  it('takes a directory of policies', () => {
    const dir = join(tmp, 'policy-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), readFileSync(join(ROOT, REQUIRE)));
    writeFileSync(join(dir, 'b.yaml'), readFileSync(join(ROOT, P, 'two-signers.yaml')));
    const r = verify([img('two-signers.json'), img('release-signed.json')], '--policy', dir);
    expect(r.status).toBe(1);
    const items = json<Report>(r).items;
    expect(items.map((i) => i.policies?.map((p) => p.name).sort())).toEqual([
      ['require-trusted-signature', 'two-signers'],
      ['require-trusted-signature', 'two-signers'],
    ]);
    expect(items.map((i) => i.decision)).toEqual(['Allowed', 'Denied']);
  });

  it('-o image still prints the Image; the exit status follows the decision', () => {
    const r = run(['verify', img('unsigned.json'), '--trust', TRUST, '--at', AT, '-o', 'image', '--policy', REQUIRE]);
    expect(r.status).toBe(1);
    const image = JSON.parse(r.stdout) as { kind: string; metadata: { name: string } };
    expect(image).toMatchObject({ kind: 'Image', metadata: { name: digest('unsigned.json') } });
  });

  it('a broken policy is a configuration error: exit 2, file:line:col on stderr, nothing verified', () => {
    const bad = write('verify-bad/policy.yaml', policyYaml('  validationz: []\n'));
    const r = verify([img('release-signed.json')], '--policy', bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^imagetrust: ${escape(bad)}:\\d+:\\d+: `, 'm'));
    expect(r.stderr).not.toContain('    at ');
  });

  it('a missing policy path is exit 2', () => {
    const r = verify([img('release-signed.json')], '--policy', join(tmp, 'no-such-policy.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^imagetrust: /);
  });
});

/** An ImagePolicy named `name`; `specExtra` is inserted into its spec (two-space indented lines). */
function policyYaml(specExtra: string, expression = 'signatures.exists(s, s.trusted && s.forImage)', name = 'lint-me'): string {
  return [
    'apiVersion: imagetrust.io/v1alpha1',
    'kind: ImagePolicy',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    specExtra.trimEnd(),
    '  validations:',
    `    - expression: "${expression}"`,
    '      message: needs a trusted signature',
    '      reason: Unsigned',
    '  validationActions: [Deny]',
    '',
  ].filter((line) => line !== '').join('\n');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in the text`);
  return i + 1;
}

describe('policy lint', () => {
  it('accepts every example policy: exit 0 and one OK line', () => {
    const files = ['require-trusted-signature', 'redhat-release-key', 'two-signers', 'deny-revoked-signer', 'warn-old-signatures', 'mirror-remap-identity', 'x509-issuing-ca']
      .map((name) => `${P}/${name}.yaml`);
    const r = run(['policy', 'lint', ...files]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OK: 7 policies [^\n]*\n$/);
  });

  it('a misspelled field: exit 1, one file:line:col line naming its line', () => {
    const text = policyYaml('  imagez: ["registry.example.com/**"]\n');
    const file = write('lint/typo.yaml', text);
    const r = run(['policy', 'lint', file]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const m = new RegExp(`^${escape(file)}:(\\d+):(\\d+): .+`).exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    expect(Number(m![1])).toBe(lineOf(text, 'imagez'));
    expect(r.stderr).toMatch(/^imagetrust: [^\n]*\n$/);
  });

  it('a type error in an expression (s.issuedTo.publicKeyId): exit 1 at the expression\'s line and column', () => {
    const text = policyYaml('', 'signatures.exists(s, s.issuedTo.publicKeyId == params.key)');
    const file = write('lint/type-error.yaml', text);
    const r = run(['policy', 'lint', file]);
    expect(r.status).toBe(1);
    const m = new RegExp(`^${escape(file)}:(\\d+):(\\d+): `).exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const line = lineOf(text, 'issuedTo');
    expect(Number(m![1])).toBe(line);
    const col = Number(m![2]);
    const exprStart = text.split('\n')[line - 1]!.indexOf('"') + 1;
    expect(col).toBeGreaterThanOrEqual(exprStart);
    expect(col).toBeLessThanOrEqual(text.split('\n')[line - 1]!.length);
  });

  it('reports the problems of several files, each with its own file name', () => {
    const a = write('lint/many-a.yaml', policyYaml('  imagez: []\n', undefined, 'many-a'));
    const b = write('lint/many-b.yaml', policyYaml('', 's.created > 5', 'many-b'));
    const r = run(['policy', 'lint', a, b]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.some((l) => l.startsWith(`${a}:`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${b}:`))).toBe(true);
    for (const l of lines) expect(l).toMatch(/^[^:]+:\d+:\d+: \S/);
  });

  it('usage errors are exit 2: no paths, a missing path', () => {
    expect(run(['policy', 'lint']).status).toBe(2);
    const r = run(['policy', 'lint', join(tmp, 'missing.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^imagetrust: /);
  });
});

/** A PolicyTest over the shipped require-trusted-signature policy, written into the temp folder. */
function policyTestYaml(name: string, cases: string): string {
  const rel = (path: string): string => join(ROOT, path);
  return [
    'apiVersion: imagetrust.io/v1alpha1',
    'kind: PolicyTest',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  policies: [${JSON.stringify(rel(REQUIRE))}]`,
    `  trust: [${JSON.stringify(rel(TRUST))}]`,
    `  at: "${AT}"`,
    '  cases:',
    cases.trimEnd(),
    '',
  ].join('\n');
}

const PASSING_CASES = `    - name: trusted
      image: ${JSON.stringify(join(ROOT, img('release-signed.json')))}
      expect: {decision: Allowed}
    - name: unsigned
      image: ${JSON.stringify(join(ROOT, img('unsigned.json')))}
      expect: {decision: Denied, reason: Unsigned}
`;
const FAILING_CASES = `    - name: "wrongly expects <Allowed> & \\"more\\""
      image: ${JSON.stringify(join(ROOT, img('unsigned.json')))}
      expect: {decision: Allowed}
    - name: right
      image: ${JSON.stringify(join(ROOT, img('release-signed.json')))}
      expect: {decision: Allowed}
    - name: wrong reason
      image: ${JSON.stringify(join(ROOT, img('unsigned.json')))}
      expect: {decision: Denied, reason: NoApplicablePolicy}
`;

describe('policy test', () => {
  it('passes: exit 0 and a PASS row per case', () => {
    const file = write('pt/pass.test.yaml', policyTestYaml('passing', PASSING_CASES));
    const r = run(['policy', 'test', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^TEST\s+CASE\s+RESULT\s+DETAIL$/);
    expect(lines.filter((l) => /^passing\s+\S.*\s+PASS\s/.test(l))).toHaveLength(2);
  });

  it('fails: exit 1 and a FAIL row for each failing case', () => {
    const file = write('pt/fail.test.yaml', policyTestYaml('failing', FAILING_CASES));
    const r = run(['policy', 'test', file]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter((l) => /\sFAIL\s/.test(l))).toHaveLength(2);
    expect(r.stdout.split('\n').filter((l) => /\sPASS\s/.test(l))).toHaveLength(1);
  });

  it('-o json: summary counts, case status, actual decision and failures', () => {
    const pass = write('pt-json/pass.test.yaml', policyTestYaml('passing', PASSING_CASES));
    const fail = write('pt-json/fail.test.yaml', policyTestYaml('failing', FAILING_CASES));
    const r = run(['policy', 'test', pass, fail, '-o', 'json']);
    expect(r.status).toBe(1);
    const report = json<TestReport>(r);
    expect(report.kind).toBe('PolicyTestReport');
    expect(report.summary).toEqual({ tests: 2, cases: 5, passed: 3, failed: 2, errors: 0 });
    const failing = report.tests.find((t) => t.name === 'failing')!;
    expect(failing.cases.map((c) => c.status)).toEqual(['Failed', 'Passed', 'Failed']);
    expect(failing.cases[0]!.actual).toMatchObject({ decision: 'Denied', reason: 'Unsigned' });
    expect(failing.cases[0]!.failures.length).toBeGreaterThan(0);
  });

  it('-o junit: well-formed XML with the right counts, names escaped and read back intact', () => {
    const pass = write('pt-junit/pass.test.yaml', policyTestYaml('passing', PASSING_CASES));
    const fail = write('pt-junit/fail.test.yaml', policyTestYaml('failing', FAILING_CASES));
    const r = run(['policy', 'test', pass, fail, '-o', 'junit']);
    expect(r.status).toBe(1);
    const root = parseXml(r.stdout);
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0' });
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => [s.attributes['name'], s.attributes['tests'], s.attributes['failures'], s.attributes['errors']])).toEqual([
      ['passing', '2', '0', '0'],
      ['failing', '3', '2', '0'],
    ]);
    const cases = suites[1]!.children;
    expect(cases.map((c) => c.name)).toEqual(['testcase', 'testcase', 'testcase']);
    expect(cases[0]!.attributes['name']).toBe('wrongly expects <Allowed> & "more"');
    const failures = (c: XmlElement): XmlElement[] => c.children.filter((x) => x.name === 'failure');
    expect(cases.map((c) => failures(c).length)).toEqual([1, 0, 1]);
    expect(failures(cases[0]!)[0]!.attributes['message']).toEqual(expect.any(String));
  });

  it('an unknown field in a PolicyTest is an error with file:line: exit 2', () => {
    const text = policyTestYaml('typo', PASSING_CASES).replace('  at: ', '  unmatchd: allow\n  at: ');
    const file = write('pt-typo/typo.test.yaml', text);
    const r = run(['policy', 'test', file, '-o', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, 'unmatchd')}:`);
    const report = json<TestReport>(r);
    expect(report.summary.errors).toBe(1);
    expect(report.tests[0]!.error).toEqual(expect.any(String));
  });

  it('a case whose Image is missing is an error (exit 2); the other cases still run', () => {
    const cases = `${PASSING_CASES}    - name: missing image
      image: no-such-image.json
      expect: {decision: Denied}
`;
    const file = write('pt-missing/missing.test.yaml', policyTestYaml('missing', cases));
    const r = run(['policy', 'test', file, '-o', 'json']);
    expect(r.status).toBe(2);
    const report = json<TestReport>(r);
    expect(report.summary).toMatchObject({ cases: 3, passed: 2, failed: 0, errors: 1 });
    expect(r.stderr).toMatch(/^imagetrust: /);
  });

  it('spec.params replaces a policy\'s params; params for a policy that is not loaded are an error (exit 2)', () => {
    const withParams = (policy: string, params: string): string =>
      policyTestYaml('params', PASSING_CASES).replace('  at: ', `  params:\n    ${policy}: ${params}\n  at: `);
    const ok = write('pt-params/ok.test.yaml', withParams('require-trusted-signature', '{unused: [1, 2]}'));
    expect(run(['policy', 'test', ok]).status).toBe(0);
    const typo = write('pt-params/typo.test.yaml', withParams('require-trusted-signatures', '{}'));
    const r = run(['policy', 'test', typo, '-o', 'json']);
    expect(r.status).toBe(2);
    expect(json<TestReport>(r).tests[0]!.error).toContain('require-trusted-signatures');
  });

  it('takes inline Images, per-case times and expectedIdentity', () => {
    const image = readFileSync(join(ROOT, img('release-signed.json')), 'utf8');
    const cases = `    - name: inline
      image: ${image.replace(/\n\s*/g, ' ')}
      expect: {decision: Allowed}
    - name: before the signature was made
      image: ${JSON.stringify(join(ROOT, img('release-signed.json')))}
      at: "2025-01-02T00:00:00Z"
      expect: {decision: Denied}
    - name: another tag is expected
      image: ${JSON.stringify(join(ROOT, img('release-signed.json')))}
      expectedIdentity: registry.example.com/shop/web:9.9
      expect: {decision: Denied, reason: Unsigned}
`;
    const file = write('pt-inline/inline.test.yaml', policyTestYaml('inline', cases));
    const r = run(['policy', 'test', file, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(json<TestReport>(r).summary).toMatchObject({ cases: 3, passed: 3 });
  });

  it('finds *.test.yaml files in directories: the shipped policies/ all pass', () => {
    const r = run(['policy', 'test', P, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = json<TestReport>(r);
    expect(report.summary.tests).toBeGreaterThanOrEqual(7);
    expect(report.summary.failed + report.summary.errors).toBe(0);
  });

  it('usage errors are exit 2: no paths, a missing path, a directory without tests, a bad -o', () => {
    expect(run(['policy', 'test']).status).toBe(2);
    expect(run(['policy', 'test', join(tmp, 'missing')]).status).toBe(2);
    mkdirSync(join(tmp, 'empty-dir'));
    expect(run(['policy', 'test', join(tmp, 'empty-dir')]).status).toBe(2);
    expect(run(['policy', 'test', P, '-o', 'xml']).status).toBe(2);
  });
});
