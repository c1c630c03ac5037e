/**
 * The example policies in policies/: every one has a PolicyTest beside it, lints clean, and every
 * PolicyTest case under policies/ passes, run through the same code path as
 * `imagetrust policy test policies -o json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/edge/cli.js';
import type { PolicyTestReport } from '../../src/edge/policy-test-check.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const POLICIES = join(ROOT, 'policies');

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdoutIsTTY: false,
    // The PolicyTests pin their own evaluation times: the clock must never be read.
    now: () => {
      throw new Error('a PolicyTest read the clock');
    },
    version: 'test',
  });
  return { code, stdout, stderr };
}

const policyFiles = readdirSync(POLICIES).filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml')).sort();
const run = await cli(['policy', 'test', POLICIES, '-o', 'json']);
const report = JSON.parse(run.stdout) as PolicyTestReport;
const cases = report.tests.flatMap((test) => test.cases.map((c) => [`${test.name} / ${c.name}`, c] as const));

describe('policies/', () => {
  it('ships the seven example policies, each with a PolicyTest beside it', () => {
    expect(policyFiles).toEqual([
      'deny-revoked-signer.yaml', 'mirror-remap-identity.yaml', 'redhat-release-key.yaml', 'require-trusted-signature.yaml',
      'two-signers.yaml', 'warn-old-signatures.yaml', 'x509-issuing-ca.yaml',
    ]);
    for (const file of policyFiles) {
      const test = file.replace(/\.yaml$/, '.test.yaml');
      expect(readdirSync(POLICIES), `${test} is missing`).toContain(test);
      const text = readFileSync(join(POLICIES, test), 'utf8');
      expect(text, `${test} does not load ${file}`).toMatch(new RegExp(`policies: \\[[^\\]]*${file.replace('.', '\\.')}`));
    }
  });

  it('every policy file starts with a header comment naming it', () => {
    for (const file of policyFiles) {
      const text = readFileSync(join(POLICIES, file), 'utf8');
      expect(text.startsWith(`# ${file.replace(/\.yaml$/, '')}`), file).toBe(true);
    }
  });

  it('every policy lints clean', async () => {
    const lint = await cli(['policy', 'lint', ...policyFiles.map((f) => join(POLICIES, f))]);
    expect(lint.stdout).toMatch(/^OK: 7 policies/);
    expect(lint.code).toBe(0);
  });

  it('every PolicyTest loads and runs (exit 0, no errors)', () => {
    expect(run.stderr).toBe('');
    expect(report.tests.filter((t) => t.error !== undefined)).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.errors).toBe(0);
    expect(run.code).toBe(0);
    expect(new Set(report.tests.map((t) => t.source.replace(/^.*\//, '')))).toEqual(new Set(policyFiles.map((f) => f.replace(/\.yaml$/, '.test.yaml'))));
  });

  it.each(cases)('%s', (_name, c) => {
    expect(c.failures).toEqual([]);
    expect(c.status).toBe('Passed');
  });
});
