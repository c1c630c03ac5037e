/**
 * One Image, judged: verification by the engine, then the policies (what `verify --policy` does),
 * reduced to plain data that can cross a worker boundary and be cached. A reference that did not
 * resolve to an Image (a tag, or a digest the cluster does not know) is judged as a synthetic Image
 * with no signatures, without the engine.
 */
import type { Engine, VerifyResult } from '../engine.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import type { PolicySet } from '../policy/load.js';
import type { Verdict } from '../types.js';

/** What a judge needs besides the Image: all plain data (it is posted to worker threads). */
export interface JudgeContext {
  /** Evaluation time. */
  readonly at: Date;
  /** What an Image no policy applies to gets. */
  readonly unmatched: 'allow' | 'deny';
  /** The admission context policies see as `request`. */
  readonly request: PolicyRequest;
  /** True for an Image made up for an unresolved reference: the engine is not asked. */
  readonly synthetic: boolean;
}

/**
 * The CEL `request` variable on admission. Only stable fields (no uid, no object name), so that one
 * decision serves every replica of a Pod and can be cached.
 */
export interface PolicyRequest {
  readonly operation: string;
  readonly namespace: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly userInfo: { readonly username: string; readonly groups: readonly string[] };
  /** For Pods: the container's image reference as the Pod writes it; '' for Image reviews. */
  readonly image: string;
}

/** The judgement of one Image: plain, cloneable data. */
export interface ImageJudgement {
  readonly decision: 'Allowed' | 'Denied';
  /** The decision's reason code (`Verified`-free: a policy reason such as `NoApplicablePolicy`). */
  readonly reason: string;
  /** One line, the first failing policy first. */
  readonly message: string;
  readonly warnings: readonly string[];
  /** The decision reason, then the failing policies' reasons, then the signatures' reason codes. */
  readonly reasons: readonly string[];
  readonly verdict: Verdict;
  /** At least one applicable `Deny` policy passed: what allows an unresolved (tag) reference. */
  readonly denyPolicyPassed: boolean;
  readonly trustRevision: string;
  readonly policyRevision: string;
}

/** Judges one Image; may run elsewhere (the server runs it on worker threads). */
export type ImageJudge = (untrustedImage: unknown, context: JudgeContext) => ImageJudgement | Promise<ImageJudgement>;

/** Among `reasons` when the document judged is not an Image at all (the engine found problems). */
export const NOT_AN_IMAGE = 'NotAnImage';

const SYNTHETIC_VERIFICATION: VerifyResult = { verdict: 'Unsigned', signatures: [], image: null, changed: false, problems: [] };

/** A judge over one engine and policy set, in this thread. Never throws (both stages never throw). */
export function createLocalJudge(engine: Engine, policies: PolicySet): (untrustedImage: unknown, context: JudgeContext) => ImageJudgement {
  return (untrustedImage, context) => judgeImage(engine, policies, untrustedImage, context);
}

/**
 * Never throws. Reads only the verdicts of the engine's result (never `image` or `changed`). An
 * Image with more signatures than policies evaluate is denied `TooLarge` before any is verified
 * (policies would deny it anyway; verifying thousands of junk signatures first is a cheap attack).
 */
export function judgeImage(engine: Engine, policies: PolicySet, untrustedImage: unknown, context: JudgeContext): ImageJudgement {
  const maxSignatures = policies.limits.maxSignatures;
  const count = signatureCount(untrustedImage);
  if (!context.synthetic && count > maxSignatures) {
    return {
      decision: 'Denied', reason: 'TooLarge', message: `the Image has ${count} signatures, more than the ${maxSignatures} policies evaluate`,
      warnings: [], reasons: ['TooLarge'], verdict: 'Untrusted', denyPolicyPassed: false,
      trustRevision: engine.trust.revision, policyRevision: policies.revision,
    };
  }
  const verification = context.synthetic ? SYNTHETIC_VERIFICATION : engine.verifyImage(untrustedImage, { at: context.at });
  const decision = evaluatePolicies(policies, untrustedImage, verification, {
    now: context.at,
    unmatched: context.unmatched,
    request: context.request,
    maxSignatures,
  });
  const failing = decision.results.filter((r) => r.applied && !r.passed && r.actions.includes('Deny'));
  const problems = verification.problems.length > 0 ? [NOT_AN_IMAGE] : [];
  return {
    decision: decision.decision,
    reason: decision.reason,
    message: decision.message,
    warnings: [...decision.warnings],
    reasons: [decision.decision === 'Allowed' ? '' : decision.reason, ...failing.map((r) => r.reason ?? ''), ...problems, ...verification.signatures.map((s) => s.reason)].filter((r) => r !== ''),
    verdict: verification.verdict,
    denyPolicyPassed: decision.results.some((r) => r.applied && r.passed && r.actions.includes('Deny')),
    trustRevision: engine.trust.revision,
    policyRevision: policies.revision,
  };
}

function signatureCount(untrustedImage: unknown): number {
  const signatures = typeof untrustedImage === 'object' && untrustedImage !== null ? (untrustedImage as { signatures?: unknown }).signatures : undefined;
  return Array.isArray(signatures) ? signatures.length : 0;
}
