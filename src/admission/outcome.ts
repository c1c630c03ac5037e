/**
 * Per-image outcomes and how they combine into one admission answer: allowed only when every image
 * is; the message lists the denied images first-to-last, each with its first failing policy first.
 */
import { ADMISSION_REASONS, type AdmissionReason } from './reasons.js';
import type { ImageJudgement } from './judge.js';
import type { ResponseParts } from './response.js';
import type { AdmissionApiVersion } from './review.js';

/** What happened to one image of a review. */
export interface ImageOutcome {
  /** Who is judged, for messages: `image "ref"` or `container "app" image "ref"`. */
  readonly subject: string;
  readonly decision: 'Allowed' | 'Denied' | 'Indeterminate';
  readonly allowed: boolean;
  readonly reason: string;
  readonly message: string;
  readonly warnings: readonly string[];
  readonly reasons: readonly string[];
  readonly cache: 'hit' | 'miss' | 'none';
}

/** An outcome from a judgement; `override` replaces a denial's reason (TagNotPinned, ImageNotFound). */
export function fromJudgement(subject: string, judgement: ImageJudgement, cache: ImageOutcome['cache'], override?: { reason: AdmissionReason; message: string; allowed: boolean }): ImageOutcome {
  if (override !== undefined && !override.allowed) {
    return {
      subject,
      decision: 'Denied',
      allowed: false,
      reason: override.reason,
      message: `${override.message} (${judgement.reason}: ${judgement.message})`,
      warnings: judgement.warnings,
      reasons: [override.reason, ...judgement.reasons],
      cache,
    };
  }
  return {
    subject,
    decision: judgement.decision,
    allowed: judgement.decision === 'Allowed',
    reason: judgement.reason,
    message: judgement.message,
    warnings: judgement.warnings,
    reasons: judgement.reasons,
    cache,
  };
}

/** A denial that needed no judgement (an invalid reference). */
export function denied(subject: string, reason: AdmissionReason, message: string): ImageOutcome {
  return { subject, decision: 'Denied', allowed: false, reason, message, warnings: [], reasons: [reason], cache: 'none' };
}

/** No decision could be made for this image: allowed only when the operator said so. */
export function indeterminate(subject: string, message: string, onIndeterminate: 'allow' | 'deny'): ImageOutcome {
  const allowed = onIndeterminate === 'allow';
  return {
    subject,
    decision: 'Indeterminate',
    allowed,
    reason: 'Indeterminate',
    message,
    warnings: allowed ? [`allowed without a decision (--on-indeterminate allow): ${message}`] : [],
    reasons: ['Indeterminate'],
    cache: 'none',
  };
}

/** The answer for a whole review from its images' outcomes (an empty list is allowed: nothing new to judge). */
export function combine(apiVersion: AdmissionApiVersion, uid: string, outcomes: readonly ImageOutcome[], annotations: Readonly<Record<string, string>>): ResponseParts {
  const refused = outcomes.filter((o) => !o.allowed);
  const allowed = refused.length === 0;
  const first = refused[0] ?? outcomes.find((o) => o.decision === 'Indeterminate') ?? outcomes[0];
  const decision = outcomes.length === 0 ? 'NotJudged'
    : !allowed ? (refused.every((o) => o.decision === 'Indeterminate') ? 'Indeterminate' : 'Denied')
    : outcomes.some((o) => o.decision === 'Indeterminate') ? 'Indeterminate' : 'Allowed';
  const summary = refused.map((o) => `${o.subject}: ${o.reason}: ${o.message}`).join('; ');
  return {
    apiVersion,
    uid,
    allowed,
    decision,
    ...(first?.reason === 'MalformedReview' ? { code: 400 } : {}),
    reason: first?.reason ?? 'NotJudged',
    message: refused.length > 1 ? `${refused.length} of ${outcomes.length} images denied: ${summary}` : summary,
    reasons: outcomes.flatMap((o) => o.reasons),
    warnings: outcomes.flatMap((o) => o.warnings.map((w) => (outcomes.length > 1 ? `${o.subject}: ${w}` : w))),
    annotations: {
      ...annotations,
      ...(outcomes.length > 0 ? { cache: outcomes.map((o) => o.cache).join(',') } : {}),
    },
  };
}

export { ADMISSION_REASONS };
