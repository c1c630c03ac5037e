/**
 * `imagetrust policy test PATH...`: finds PolicyTest files, runs them, prints a pass/fail table (or
 * JSON, or JUnit XML) and chooses the exit code: 0 every case passed, 1 at least one failed, 2 a
 * test or case could not run (or a usage error).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../codes.js';
import type { CliIO } from './cli.js';
import { summarize, type PolicyTestReport, type TestResult } from './policy-test-check.js';
import { renderPolicyTestReport, type PolicyTestFormat } from './policy-test-output.js';
import { runPolicyTestFile } from './policy-test-run.js';

export interface PolicyTestCommandOptions {
  readonly output?: PolicyTestFormat;
}

/** File names that hold PolicyTests when a directory is searched. */
export const POLICY_TEST_FILE = /\.test\.(?:ya?ml|json)$/;
const MAX_DEPTH = 32;

/** Returns the exit code; throws ConfigError when a path does not exist or holds no tests. */
export async function runPolicyTests(paths: readonly string[], options: PolicyTestCommandOptions, io: CliIO): Promise<number> {
  const files = await findPolicyTestFiles(paths);
  const tests: TestResult[] = [];
  for (const file of files) tests.push(...(await runPolicyTestFile(file)));
  for (const test of tests) {
    if (test.error !== undefined) io.stderr(`imagetrust: ${test.error}\n`);
    for (const c of test.cases) if (c.status === 'Error') io.stderr(`imagetrust: ${test.source}:${c.line}: ${test.name} / ${c.name}: ${c.failures.join('; ')}\n`);
  }
  const report: PolicyTestReport = { apiVersion: 'imagetrust.io/v1alpha1', kind: 'PolicyTestReport', summary: summarize(tests), tests };
  io.stdout(renderPolicyTestReport(report, options.output ?? 'table'));
  if (report.summary.errors > 0) return 2;
  return report.summary.failed > 0 ? 1 : 0;
}

/**
 * The PolicyTest files among `paths`: a file is taken as given (every document in it must be a
 * PolicyTest); a directory is searched recursively for `*.test.yaml`, `*.test.yml` and `*.test.json`,
 * hidden entries skipped, in path order. Throws ConfigError for a missing path or when nothing is found.
 */
export async function findPolicyTestFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`policy test ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(path, found, 0);
      if (found.length === 0) throw new ConfigError(`policy test ${path}: no *.test.yaml, *.test.yml or *.test.json files`);
      files.push(...found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } else {
      files.push(path);
    }
  }
  return [...new Set(files)];
}

async function walk(dir: string, found: string[], depth: number): Promise<void> {
  if (depth > MAX_DEPTH) throw new ConfigError(`policy test ${dir}: directories nested too deeply`);
  for (const name of await readdir(dir)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await walk(path, found, depth + 1);
    else if (info?.isFile() && POLICY_TEST_FILE.test(name)) found.push(path);
  }
}
