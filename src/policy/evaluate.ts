/**
 * Evaluating a `PolicySet` for one Image (contract section 8). Policies read only verified facts:
 * `signatures` comes from the verifier's verdicts; `image` is the raw input, whose informative
 * fields are untrusted. Fails closed: an error anywhere denies, never allows.
 */
import { oneLine } from '../codes.js';
import type { VerifyResult } from '../engine.js';
import type { CelOutcome } from './cel.js';
import { isReferenceProblem, parseReference } from '../identity/reference.js';
import { formsOf, imageGlobMatches, type ReferenceForms } from './glob.js';
import type { CompiledPolicy, PolicySet } from './load.js';
import type { PolicyDecision, PolicyResult, ValidationAction } from './types.js';
import { CelSignature, celReferenceOf, toCelValue } from './values.js';
import { LazyVariables } from './variables.js';

/** What the caller knows besides the Image: the evaluation time and how to treat unmatched Images. */
export interface PolicyContext {
  /** `now` in expressions. */
  readonly now: Date;
  /** An Image no Deny policy applies to: `deny` (default) or `allow`. */
  readonly unmatched?: 'allow' | 'deny';
  /** The admission context (`request`); null elsewhere. Plain JSON. */
  readonly request?: unknown;
  /** Signatures per Image; more is Denied with `TooLarge`. Default 64. */
  readonly maxSignatures?: number;
}

const MAX_MESSAGE = 512;
/** `variables` of a policy that declares none: nothing to evaluate, nothing to remember. */
const NO_VARIABLES = new LazyVariables(new Map());
const MAX_IMAGE_VALUES = 100_000;

/** Facts shared by every policy for one Image. */
interface Facts {
  readonly activation: Readonly<Record<string, unknown>>;
  readonly forms: ReferenceForms | null;
}

function denied(reason: string, message: string, results: readonly PolicyResult[] = [], warnings: readonly string[] = []): PolicyDecision {
  return { decision: 'Denied', reason, message: oneLine(message), warnings, results };
}

/**
 * Decides whether the Image is Allowed: every applicable Deny policy passes (and at least one
 * applies, unless `unmatched` is `allow`). Failing Warn policies add warnings; Audit results are
 * only reported. Never throws: an internal failure is Denied with reason `PolicyError`.
 * WARNING: pass the `VerifyResult` of this same Image; policies trust its verdicts.
 */
export function evaluatePolicies(set: PolicySet, untrustedImage: unknown, verification: VerifyResult, context: PolicyContext): PolicyDecision {
  try {
    return decide(set, untrustedImage, verification, context);
  } catch (error) {
    return denied('PolicyError', `policy evaluation failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}

function decide(set: PolicySet, untrustedImage: unknown, verification: VerifyResult, context: PolicyContext): PolicyDecision {
  if (verification.problems.length > 0) {
    const first = verification.problems[0];
    return denied('Indeterminate', `the input is not an Image${first === undefined ? '' : `: ${first.path} ${first.message}`}`);
  }
  const maxSignatures = context.maxSignatures ?? 64;
  if (verification.signatures.length > maxSignatures) {
    return denied('TooLarge', `the Image has ${verification.signatures.length} signatures, more than the ${maxSignatures} policies evaluate`);
  }
  if (!(context.now instanceof Date) || !Number.isFinite(context.now.getTime())) return denied('Indeterminate', 'the evaluation time is not a valid date');

  const needs = needsOf(set);
  const limits = { maxValues: MAX_IMAGE_VALUES, maxListLength: set.limits.maxListLength, maxDepth: 64 };
  let image: unknown = null;
  if (needs.image) {
    const converted = toCelValue(untrustedImage, limits);
    if (!converted.ok) return denied('TooLarge', `the Image cannot be given to policies: ${converted.error}`);
    image = converted.value;
  }
  let request: unknown = null;
  if (context.request !== undefined && context.request !== null && needs.request) {
    const converted = toCelValue(context.request, limits);
    if (!converted.ok) return denied('TooLarge', `the request cannot be given to policies: ${converted.error}`);
    request = converted.value;
  }
  const dockerImageReference = (untrustedImage as { dockerImageReference?: unknown } | null)?.dockerImageReference;
  // Parsed once, and only when a policy matches globs or reads `reference`.
  const parsed = typeof dockerImageReference === 'string' && needs.reference ? parseReferenceMemo(dockerImageReference) : null;
  const ref = parsed === null || isReferenceProblem(parsed) ? null : parsed;
  const facts: Facts = {
    activation: {
      image,
      signatures: verification.signatures.map((v) => new CelSignature(v)),
      reference: ref === null ? null : celReferenceOf(ref),
      now: context.now,
      request,
    },
    forms: ref === null ? null : formsOf(ref),
  };

  // One pass over the results (this is the per-Image hot path: no closures, no object spread).
  const results: PolicyResult[] = [];
  const warnings: string[] = [];
  const denials: string[] = [];
  const allowedBy: string[] = [];
  let firstReason: string | undefined;
  for (const policy of set.policies) {
    const r = evaluatePolicy(policy, facts);
    results.push(r);
    if (!r.applied) continue;
    const deny = r.actions.includes('Deny');
    if (r.passed) {
      if (deny) allowedBy.push(r.policy);
      continue;
    }
    // Policy names are DNS names and messages are already one capped line.
    const line = `${r.policy}: ${r.message ?? r.reason ?? 'failed'}`;
    if (deny) {
      firstReason ??= r.reason ?? 'Invalid';
      denials.push(line);
    } else if (r.actions.includes('Warn')) {
      warnings.push(line);
    }
  }
  if (firstReason !== undefined) return denied(firstReason, denials.join('; '), results, warnings);
  if (allowedBy.length === 0) {
    const subject = typeof dockerImageReference === 'string' ? dockerImageReference : 'the Image';
    if (context.unmatched !== 'allow') return denied('NoApplicablePolicy', `no Deny policy applies to ${subject}`, results, warnings);
    return { decision: 'Allowed', reason: 'Allowed', message: oneLine(`no Deny policy applies to ${subject}; unmatched Images are allowed`), warnings, results };
  }
  return { decision: 'Allowed', reason: 'Allowed', message: capLength(`allowed by ${allowedBy.join(', ')}`), warnings, results };
}

const REFERENCE_MEMO_SIZE = 1024;
const references = new Map<string, ReturnType<typeof parseReference>>();

/** `parseReference` (pure), memoized for the Images seen most recently (admission sees the same ones often). */
function parseReferenceMemo(text: string): ReturnType<typeof parseReference> {
  let ref = references.get(text);
  if (ref === undefined) {
    ref = parseReference(text);
    if (references.size >= REFERENCE_MEMO_SIZE) references.delete(references.keys().next().value ?? '');
    references.set(text, ref);
  }
  return ref;
}

/** What the set's expressions read, computed once per set. */
interface Needs {
  readonly image: boolean;
  readonly request: boolean;
  readonly reference: boolean;
}

const needsBySet = new WeakMap<PolicySet, Needs>();

function needsOf(set: PolicySet): Needs {
  let needs = needsBySet.get(set);
  if (needs === undefined) {
    needs = {
      image: set.policies.some((p) => p.usesImage),
      request: set.policies.some((p) => p.usesRequest),
      reference: set.policies.some((p) => p.images !== null || p.usesReference),
    };
    needsBySet.set(set, needs);
  }
  return needs;
}

/** Caps a line already free of control characters. */
function capLength(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function cap(text: string): string {
  return oneLine(text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);
}

/** A result object, built without object spread (which is slow on the per-Image path). */
function resultOf(policy: CompiledPolicy, applied: boolean, passed: boolean, reason?: string, message?: string): PolicyResult {
  const out: { policy: string; actions: readonly ValidationAction[]; applied: boolean; passed: boolean; reason?: string; message?: string } = {
    policy: policy.name, actions: policy.actions, applied, passed,
  };
  if (reason !== undefined) out.reason = reason;
  if (message !== undefined) out.message = message;
  return out;
}

function evaluatePolicy(policy: CompiledPolicy, facts: Facts): PolicyResult {
  if (policy.images !== null) {
    const forms = facts.forms;
    if (forms === null || !policy.images.some((glob) => imageGlobMatches(forms, glob))) return resultOf(policy, false, false);
  }
  const variables = policy.variables.size === 0 ? NO_VARIABLES : new LazyVariables(policy.variables);
  const shared = facts.activation;
  const activation = {
    image: shared['image'], signatures: shared['signatures'], reference: shared['reference'], now: shared['now'], request: shared['request'],
    params: policy.params, variables,
  };
  if (variables !== NO_VARIABLES) variables.bind(activation);
  const failClosed = policy.failurePolicy === 'Fail';
  const boolOf = (outcome: CelOutcome): { value: boolean } | { error: string } => {
    if (!outcome.ok) return { error: outcome.error };
    return typeof outcome.value === 'boolean' ? { value: outcome.value } : { error: 'the expression did not evaluate to a bool' };
  };

  for (const condition of policy.matchConditions) {
    const result = boolOf(condition.program.evaluate(activation));
    if ('error' in result) {
      const message = cap(`matchCondition ${condition.name}: ${result.error}`);
      // Fail: the policy applies and fails; Ignore: it is skipped (as Kubernetes does).
      return resultOf(policy, failClosed, false, 'PolicyError', message);
    }
    if (!result.value) return resultOf(policy, false, false);
  }

  let ignored: string | undefined;
  for (let i = 0; i < policy.validations.length; i++) {
    const validation = policy.validations[i];
    if (validation === undefined) continue;
    const result = boolOf(validation.program.evaluate(activation));
    if ('error' in result) {
      const message = cap(`validation ${i}: ${result.error}`);
      if (failClosed) return resultOf(policy, true, false, 'PolicyError', message);
      ignored ??= message;
      continue;
    }
    if (result.value) continue;
    let message = validation.message ?? `failed expression: ${validation.expression}`;
    if (validation.messageExpression !== undefined) {
      const custom = validation.messageExpression.evaluate(activation);
      if (custom.ok && typeof custom.value === 'string' && custom.value.trim() !== '') message = custom.value;
    }
    return resultOf(policy, true, false, validation.reason, cap(message));
  }
  return ignored === undefined ? resultOf(policy, true, true) : resultOf(policy, true, true, 'PolicyError', ignored);
}
