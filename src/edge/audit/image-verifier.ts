/**
 * Verifies one Image for the audit, in a worker thread or on the main thread: the engine's verdict
 * (with the one evaluation time of the run), the report item, and, when write-back is on and the
 * conditions changed, the JSON body to `PUT` (checked by `writeBackProblem` first: nothing but
 * signature conditions and informative fields may change).
 */
import type { AuditError, AuditItem } from '../../audit/model.js';
import { writeBackProblem } from '../../audit/write-back.js';
import { createEngine, type VerifyResult } from '../../engine.js';
import { inputProblems, parseImage } from '../../image/parse.js';
import type { IdentityRule } from '../../identity/rules.js';
import { DEFAULT_MESSAGE_LIMITS } from '../../pgp/message.js';
import { ConfigError } from '../../codes.js';
import type { PolicyDecision } from '../../policy/types.js';
import type { TrustRootSpec } from '../../trust/material.js';
import type { JsonObject } from '../../types.js';
import { reportItem } from '../report.js';
import type { VerifyOutcome, VerifyTask } from './outcome.js';

/** Everything a verifier needs; plain data, so it can be posted to a worker. */
export interface VerifierInit {
  readonly trust: readonly TrustRootSpec[];
  readonly identityRule: IdentityRule;
  readonly expectedIdentity?: string;
  readonly cache: boolean;
  /** Produce `PUT` bodies for changed Images. */
  readonly write: boolean;
  /** `--policy` paths: each verifier compiles them itself (compiled policies cannot cross threads). */
  readonly policyPaths?: readonly string[];
  /** The revision the main thread loaded: the files must not change while the workers start. */
  readonly policyRevision?: string;
  readonly unmatched?: 'allow' | 'deny';
}

export type ImageVerifier = (task: VerifyTask) => VerifyOutcome;

/**
 * Verification cache entries per engine. An audit rarely meets a blob twice (copied signatures,
 * re-reads after a 409, which come soon after), and every entry that survives is work for the
 * garbage collector, so a small cache keeps memory flat and the run fast.
 */
export const AUDIT_CACHE_ENTRIES = 1024;

/** Throws ConfigError for unusable trust roots or identity rules. */
export async function createImageVerifier(init: VerifierInit): Promise<ImageVerifier> {
  const engine = await createEngine({
    trust: init.trust,
    identityRule: init.identityRule,
    // Every call passes the run's time; a clock read would be a bug.
    clock: () => new Date(NaN),
    cache: init.cache ? { max: AUDIT_CACHE_ENTRIES } : false,
  });
  // CEL is loaded only for `--policy`: a plain audit's workers start faster without it.
  const withPolicies = init.policyPaths !== undefined && init.policyPaths.length > 0;
  const [policyInput, policyEvaluation] = withPolicies ? await Promise.all([import('../policy-input.js'), import('../../policy/evaluate.js')]) : [];
  const policies = policyInput && init.policyPaths ? await policyInput.readPolicySources(init.policyPaths) : undefined;
  if (policies && init.policyRevision !== undefined && policies.revision !== init.policyRevision) {
    throw new ConfigError('the --policy files changed while the audit started; run it again');
  }
  const identity = init.expectedIdentity !== undefined ? { expectedIdentity: init.expectedIdentity } : {};
  const unmatched = init.unmatched ?? 'deny';
  return (task) => {
    const at = new Date(task.at);
    const result = engine.verifyImage(task.image, { at, ...identity });
    if (result.problems.length > 0) {
      return { seq: task.seq, errors: result.problems.map((p) => ({ source: task.source, path: p.path, message: p.message })) };
    }
    const errors = contentErrors(task, result);
    const decision = policies && policyEvaluation ? policyEvaluation.evaluatePolicies(policies, task.image, result, { now: at, unmatched }) : undefined;
    const item = auditItem(task, result, decision);
    if (!init.write || !item.changed || result.image === null) return { seq: task.seq, line: JSON.stringify(item), errors };
    const problem = writeBackProblem(task.image, result.image);
    if (problem !== null) return { seq: task.seq, line: JSON.stringify({ ...item, writeError: `not written: ${problem}` }), errors };
    return { seq: task.seq, line: JSON.stringify(item), body: JSON.stringify(result.image), errors };
  };
}

/** The audit's report item of one verified Image (the verify report item, plus resourceVersion and changed). */
export function auditItem(task: Pick<VerifyTask, 'image' | 'source'>, result: VerifyResult, decision: PolicyDecision | undefined): AuditItem {
  const metadata = task.image['metadata'] as JsonObject;
  const name = String(metadata['name']);
  const reference = task.image['dockerImageReference'];
  const resourceVersion = metadata['resourceVersion'];
  const { image, dockerImageReference, source, ...rest } = reportItem(
    { name, ...(typeof reference === 'string' ? { dockerImageReference: reference } : {}) }, task.source, result, decision);
  return {
    image,
    ...(dockerImageReference !== undefined ? { dockerImageReference } : {}),
    source,
    ...(typeof resourceVersion === 'string' ? { resourceVersion } : {}),
    ...rest,
    changed: result.changed,
  };
}

/** Undecodable signature contents are input errors too (as `verify` reports them); rare, so parsed again only then. */
function contentErrors(task: VerifyTask, result: VerifyResult): AuditError[] {
  if (!result.signatures.some((s) => s.reason === 'MalformedSignature' || s.reason === 'TooLarge')) return [];
  const parsed = parseImage(task.image, { maxContentBytes: DEFAULT_MESSAGE_LIMITS.maxBlobBytes });
  if ('problems' in parsed) return [];
  return inputProblems(parsed).map((p) => ({ source: task.source, path: p.path, message: p.message }));
}
