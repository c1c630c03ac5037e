/** `imagetrust verify`: read trust roots and Images, verify, print a report, choose the exit code. */
import { ConfigError } from '../codes.js';
import { createEngine, type VerifyResult } from '../engine.js';
import { inputProblems, parseImage } from '../image/parse.js';
import { DEFAULT_MESSAGE_LIMITS } from '../pgp/message.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import type { PolicySet } from '../policy/load.js';
import type { JsonObject } from '../types.js';
import type { CliIO } from './cli.js';
import { normalizeExpectedIdentity, parseIdentityRuleOption } from './identity-options.js';
import { readImageDocuments } from './image-input.js';
import { loadPoliciesOrReport } from './policy-lint.js';
import { reportItem, type ReportError, type ReportItem, type VerificationReport } from './report.js';
import { renderTable } from './table.js';
import { readTrustSources } from './trust-input.js';
import { stringifyYaml } from './yaml.js';

export interface VerifyCommandOptions {
  readonly trust: string[];
  readonly expectedIdentity?: string;
  readonly identityRule: string;
  readonly at?: Date;
  readonly output?: 'table' | 'json' | 'yaml' | 'image';
  readonly cache: boolean;
  /** ImagePolicy files or directories; with any, the exit status follows the policy decision. */
  readonly policy?: string[];
  readonly unmatched?: 'allow' | 'deny';
}

/** Throws ConfigError for usage and configuration errors; everything about Images is reported. */
export async function runVerify(inputs: readonly string[], options: VerifyCommandOptions, io: CliIO): Promise<number> {
  if (inputs.length === 0) throw new ConfigError('verify: no input; give Image files, directories, or - for standard input');
  const expectedIdentity = options.expectedIdentity === undefined ? undefined : normalizeExpectedIdentity(options.expectedIdentity);
  const unmatched = options.unmatched ?? 'deny';
  if (options.unmatched !== undefined && (options.policy ?? []).length === 0) throw new ConfigError('verify: --unmatched needs --policy');
  let policies: PolicySet | undefined;
  if (options.policy !== undefined && options.policy.length > 0) {
    // Every load problem is a `file:line:col: message` line on stderr, then exit 2.
    const loaded = await loadPoliciesOrReport(options.policy, (line) => io.stderr(`imagetrust: ${line}\n`));
    if (loaded === undefined) return 2;
    policies = loaded;
  }
  const engine = await createEngine({
    trust: await readTrustSources(options.trust),
    identityRule: parseIdentityRuleOption(options.identityRule),
    clock: io.now,
    ...(options.cache ? {} : { cache: false as const }),
  });
  // One evaluation time for the whole run, so every Image is judged at the same instant.
  const at = options.at ?? io.now();
  const items: ReportItem[] = [];
  const errors: ReportError[] = [];
  const images: JsonObject[] = [];
  const inputError = (source: string, path: string, message: string): void => {
    errors.push({ source, path, message });
    io.stderr(`imagetrust: ${source}${path ? ` ${path}` : ''}: ${message}\n`);
  };
  for await (const doc of readImageDocuments(inputs)) {
    if ('error' in doc) {
      inputError(doc.source, doc.path, doc.error);
      continue;
    }
    const result = engine.verifyImage(doc.image, { at, ...(expectedIdentity ? { expectedIdentity } : {}) });
    if (result.image === null && result.problems.length > 0) {
      for (const problem of result.problems) inputError(doc.source, `${doc.path}${problem.path}`, problem.message);
      continue;
    }
    const parsed = parseImage(doc.image, { maxContentBytes: DEFAULT_MESSAGE_LIMITS.maxBlobBytes });
    if (!('problems' in parsed)) {
      for (const problem of inputProblems(parsed)) inputError(doc.source, `${doc.path}${problem.path}`, problem.message);
      const decision = policies ? evaluatePolicies(policies, doc.image, result, { now: at, unmatched }) : undefined;
      items.push(reportItem(parsed, doc.path ? `${doc.source} ${doc.path}` : doc.source, result, decision));
    }
    if (result.image) images.push(result.image);
  }
  if (items.length === 0 && errors.length === 0) inputError(inputs.join(' '), '', 'no Images found');
  const report: VerificationReport = {
    apiVersion: 'imagetrust.io/v1alpha1',
    kind: 'VerificationReport',
    evaluationTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    identityRule: options.identityRule,
    ...(expectedIdentity ? { expectedIdentity } : {}),
    ...(policies ? { policyRevision: policies.revision, unmatched } : {}),
    items,
    errors,
  };
  io.stdout(render(report, images, options.output ?? (io.stdoutIsTTY ? 'table' : 'json')));
  if (errors.length > 0) return 2;
  if (policies) return items.every((item) => item.decision === 'Allowed') ? 0 : 1;
  return items.every((item) => item.verdict === 'Trusted') ? 0 : 1;
}

function render(report: VerificationReport, images: readonly JsonObject[], format: 'table' | 'json' | 'yaml' | 'image'): string {
  switch (format) {
    case 'table':
      return renderTable(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'yaml':
      return stringifyYaml(report);
    case 'image': {
      const only = images.length === 1 ? images[0] : undefined;
      const out = only ?? { apiVersion: 'image.openshift.io/v1', kind: 'ImageList', metadata: {}, items: images };
      return `${JSON.stringify(out, null, 2)}\n`;
    }
  }
}


export type { VerifyResult };
