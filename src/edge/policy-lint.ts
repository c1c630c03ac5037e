/**
 * `imagetrust policy lint PATH...`: loads and type-checks ImagePolicy files without evaluating them.
 * Problems go to stdout, one `file:line:col: message` line each, so editors and CI can parse them;
 * a clean run prints one `OK` line. Exit 0 clean, 1 on any problem, 2 on usage errors.
 */
import { formatProblem, PolicyLoadError, type PolicySet } from '../policy/load.js';
import type { CliIO } from './cli.js';
import { readPolicySources } from './policy-input.js';

/**
 * The policy set of `paths`, or undefined after passing every load problem to `report` as a
 * `file:line:col: message` line. Throws ConfigError when a path cannot be read at all.
 */
export async function loadPoliciesOrReport(paths: readonly string[], report: (line: string) => void): Promise<PolicySet | undefined> {
  try {
    return await readPolicySources(paths);
  } catch (error) {
    if (!(error instanceof PolicyLoadError)) throw error;
    for (const problem of error.problems) report(formatProblem(problem));
    return undefined;
  }
}

/** Returns the exit code; throws ConfigError for usage errors (exit 2). */
export async function runPolicyLint(paths: readonly string[], io: CliIO): Promise<number> {
  let problems = 0;
  const set = await loadPoliciesOrReport(paths, (line) => {
    problems++;
    io.stdout(`${line}\n`);
  });
  if (set === undefined) {
    io.stderr(`imagetrust: policy lint: ${problems} problem${problems === 1 ? '' : 's'}\n`);
    return 1;
  }
  const n = set.policies.length;
  io.stdout(`OK: ${n} polic${n === 1 ? 'y' : 'ies'} loaded and type-checked (revision ${set.revision})\n`);
  return 0;
}
