/**
 * imagetrust's library API. Everything else is internal. Shapes are exported as types; crypto
 * library types never appear here.
 */
import { createEngine as createCoreEngine, type Engine, type EngineOptions } from './engine.js';
import { systemClock } from './edge/system-clock.js';
import { createAdmissionController as createCoreAdmissionController, type AdmissionController, type AdmissionControllerOptions } from './admission/controller.js';

export type { Engine, VerifyOptions, VerifyResult } from './engine.js';

/** Options of `createEngine`; `clock` defaults to the system clock. */
export type CreateEngineOptions = Omit<EngineOptions, 'clock'> & { readonly clock?: () => Date };

/**
 * Builds a verification engine over trust roots. Throws (rejects with) ConfigError for invalid
 * trust roots, identity rules or limits; the engine's `verifyImage` never throws for bad input.
 */
export function createEngine(options: CreateEngineOptions): Promise<Engine> {
  return createCoreEngine({ ...options, clock: options.clock ?? systemClock });
}

/** Options of `createAdmissionController`; `clock` defaults to the system clock. */
export type CreateAdmissionControllerOptions = Omit<AdmissionControllerOptions, 'clock'> & { readonly clock?: () => Date };

/**
 * Builds an admission controller (contract section 10) whose `review(admissionReview)` answers an
 * `admission.k8s.io/v1` AdmissionReview and never rejects. Rejects with ConfigError for invalid
 * trust roots; no I/O but through `resolveImage`.
 */
export function createAdmissionController(options: CreateAdmissionControllerOptions): Promise<AdmissionController> {
  return createCoreAdmissionController({ ...options, clock: options.clock ?? systemClock });
}
export type { AdmissionController, ReviewOptions, ResolveImage } from './admission/controller.js';
export type { AdmissionReviewResponse, AdmissionResponse } from './admission/response.js';
export { ADMISSION_REASONS } from './admission/reasons.js';
export type { AdmissionReason } from './admission/reasons.js';

export { readPolicySources, compilePolicyTexts } from './edge/policy-input.js';
export { evaluatePolicies } from './policy/evaluate.js';
export type { PolicyContext } from './policy/evaluate.js';
export { PolicyLoadError } from './policy/load.js';
export type { PolicySet } from './policy/load.js';
export type { PolicyDecision, PolicyResult, PolicyProblem, PolicyLimits, ValidationAction } from './policy/types.js';

export { loadTrust, WEAK_ALGORITHMS } from './trust/material.js';
export type { TrustMaterial, TrustRootSpec, KeyValidity, WeakAlgorithm } from './trust/material.js';
export { readTrustSources } from './edge/trust-input.js';
export { readImageDocuments } from './edge/image-input.js';
export { REASON_CODES, ConfigError, isReasonCode } from './codes.js';
export type { ReasonCode } from './codes.js';
export { IDENTITY_RULE_TYPES, parseIdentityRule, matchIdentity } from './identity/rules.js';
export type { IdentityRule } from './identity/rules.js';
export { parseReference } from './identity/reference.js';
export { CONDITION_TYPES, applyVerdicts } from './conditions.js';
export type { SignatureVerdict, SignatureCondition, SignedClaims, VerifiedSigner, Verdict } from './types.js';
