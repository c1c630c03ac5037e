/**
 * The `VerificationReport` (contract section 7): what `verify -o json|yaml` prints, built from the
 * engine's results. Field names are part of the contract; absent facts are omitted, never faked.
 */
import type { VerifyResult } from '../engine.js';
import type { PolicyDecision, PolicyResult, ValidationAction } from '../policy/types.js';
import { reportSignature, type ReportSignature } from '../report-signature.js';
import type { Verdict } from '../types.js';

export type { ReportSignature };

export interface ReportItem {
  readonly image: string;
  readonly dockerImageReference?: string;
  readonly source: string;
  readonly verdict: Verdict;
  /** With policies only: the policy decision, its reason code and message, and Warn messages. */
  readonly decision?: PolicyDecision['decision'];
  readonly reason?: string;
  readonly message?: string;
  readonly warnings?: readonly string[];
  /** With policies only: one result per policy, applied or not. */
  readonly policies?: readonly ReportPolicy[];
  readonly signatures: readonly ReportSignature[];
}

/** One policy's result for one Image. */
export interface ReportPolicy {
  readonly name: string;
  readonly actions: readonly ValidationAction[];
  /** Whether the policy's `images` and `matchConditions` selected the Image. */
  readonly applied: boolean;
  readonly passed: boolean;
  readonly reason?: string;
  readonly message?: string;
}

export interface ReportError {
  readonly source: string;
  readonly path: string;
  readonly message: string;
}

export interface VerificationReport {
  readonly apiVersion: 'imagetrust.io/v1alpha1';
  readonly kind: 'VerificationReport';
  readonly evaluationTime: string;
  readonly identityRule: string;
  readonly expectedIdentity?: string;
  /** With policies only: the policy set's revision, and what happens to Images no policy applies to. */
  readonly policyRevision?: string;
  readonly unmatched?: 'allow' | 'deny';
  readonly items: readonly ReportItem[];
  readonly errors: readonly ReportError[];
}

/** The report item for one Image; policy fields only when a `decision` is given. */
export function reportItem(image: { name: string; dockerImageReference?: string }, source: string, result: VerifyResult, decision?: PolicyDecision): ReportItem {
  return {
    image: image.name,
    ...(image.dockerImageReference !== undefined ? { dockerImageReference: image.dockerImageReference } : {}),
    source,
    verdict: result.verdict,
    ...(decision
      ? {
          decision: decision.decision,
          reason: decision.reason,
          message: decision.message,
          warnings: [...decision.warnings],
          policies: decision.results.map(reportPolicy),
        }
      : {}),
    signatures: result.signatures.map(reportSignature),
  };
}

/** A policy result as reports show it (`name` for the policy's `metadata.name`). */
export function reportPolicy(r: PolicyResult): ReportPolicy {
  return {
    name: r.policy,
    actions: [...r.actions],
    applied: r.applied,
    passed: r.passed,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.message !== undefined ? { message: r.message } : {}),
  };
}
