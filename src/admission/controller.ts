/**
 * The admission controller (contract section 10): an `admission.k8s.io/v1` AdmissionReview request
 * in, a response out. Images are judged from the request object; Pods image by image, digest
 * references resolved through the injected `resolveImage` (its only I/O). `review` never rejects:
 * a malformed review is a well-formed denial, a fault or a passed deadline an `Indeterminate` one.
 */
import { createEngine, type EngineOptions } from '../engine.js';
import type { PolicySet } from '../policy/load.js';
import type { TrustMaterial, TrustRootSpec } from '../trust/material.js';
import { createCachedJudge, type DecisionCacheOptions } from './cached-judge.js';
import { policyRequest, type ResolveImage, type ReviewEnv } from './env.js';
import { createLocalJudge, NOT_AN_IMAGE, type ImageJudge, type ImageJudgement } from './judge.js';
import { combine, denied, fromJudgement, indeterminate, type ImageOutcome } from './outcome.js';
import { judgePod } from './pod-review.js';
import { isReviewProblem, parseReview, type ParsedAdmissionRequest } from './review.js';
import { toReviewResponse, type AdmissionReviewResponse } from './response.js';

export type { ResolveImage } from './env.js';

export interface AdmissionControllerOptions {
  /** Trust material from `loadTrust`, or trust root specs to load. */
  readonly trust: TrustMaterial | readonly TrustRootSpec[];
  /** Compiled policies (`readPolicySources` / `loadPolicies`). */
  readonly policies: PolicySet;
  /** For Pods: Image by digest. Without it, Pod digest references are Indeterminate. */
  readonly resolveImage?: ResolveImage;
  /** The evaluation time of each review. */
  readonly clock: () => Date;
  /** What an Image no policy applies to gets; default `deny` (`NoApplicablePolicy`). */
  readonly unmatched?: 'allow' | 'deny';
  /** What an Indeterminate outcome gets; default `deny` (fail closed). */
  readonly onIndeterminate?: 'allow' | 'deny';
  readonly identityRule?: EngineOptions['identityRule'];
  /** The decision cache; `false` turns it off. */
  readonly cache?: false | DecisionCacheOptions;
  /** Where Images are judged; default: in this thread. The server passes a worker-thread judge. */
  readonly judge?: ImageJudge;
  /** Called on every decision cache lookup (for metrics). */
  readonly onCacheLookup?: (hit: boolean) => void;
}

export interface ReviewOptions {
  /** Aborting answers `Indeterminate` at once; the judging goes on and fills the cache. */
  readonly signal?: AbortSignal;
  /** The kind this endpoint judges; another kind is denied `UnsupportedRequest`. Default: by the request's kind. */
  readonly expect?: 'Image' | 'Pod';
}

export interface AdmissionController {
  /** Never rejects. */
  review(untrustedReview: unknown, options?: ReviewOptions): Promise<AdmissionReviewResponse>;
  readonly revisions: { readonly trust: string; readonly policy: string };
}

/** Rejects with ConfigError for invalid trust roots or identity rules. */
export async function createAdmissionController(options: AdmissionControllerOptions): Promise<AdmissionController> {
  const engine = await createEngine({
    trust: options.trust,
    clock: options.clock,
    ...(options.identityRule === undefined ? {} : { identityRule: options.identityRule }),
  });
  const revisions = { trust: engine.trust.revision, policy: options.policies.revision };
  const judge = options.judge ?? createLocalJudge(engine, options.policies);
  const env: ReviewEnv = {
    judge: createCachedJudge(
      judge,
      { ...revisions, keyRequest: options.policies.policies.some((p) => p.usesRequest) },
      options.cache ?? {},
      () => options.clock().getTime(),
      options.onCacheLookup,
    ),
    resolveImage: options.resolveImage,
    unmatched: options.unmatched ?? 'deny',
    onIndeterminate: options.onIndeterminate ?? 'deny',
  };
  const annotations = { 'trust-revision': revisions.trust, 'policy-revision': revisions.policy };

  async function review(untrustedReview: unknown, reviewOptions: ReviewOptions = {}): Promise<AdmissionReviewResponse> {
    const parsed = parseReview(untrustedReview);
    if (isReviewProblem(parsed)) {
      return toReviewResponse({
        apiVersion: parsed.apiVersion, uid: parsed.uid, allowed: false, decision: 'Denied', code: 400,
        reason: 'MalformedReview', message: `malformed AdmissionReview: ${parsed.problem}`, reasons: ['MalformedReview'], warnings: [],
      });
    }
    const answer = (outcomes: readonly ImageOutcome[]): AdmissionReviewResponse => toReviewResponse(combine(parsed.apiVersion, parsed.uid, outcomes, annotations));
    try {
      const at = options.clock();
      const work = judgeRequest(parsed, at, reviewOptions.expect, env);
      if (!(work instanceof Promise)) return answer(work);
      const outcomes = await raceAbort(work, reviewOptions.signal);
      if (outcomes === ABORTED) {
        return answer([indeterminate('review', 'no decision before the deadline (the judgement goes on and is cached for a retry)', env.onIndeterminate)]);
      }
      return answer(outcomes);
    } catch {
      return answer([indeterminate('review', 'internal fault while judging', env.onIndeterminate)]);
    }
  }

  return { review, revisions };
}

type Work = readonly ImageOutcome[] | Promise<readonly ImageOutcome[]>;

function judgeRequest(request: ParsedAdmissionRequest, at: Date, expect: ReviewOptions['expect'], env: ReviewEnv): Work {
  const kind = request.kind;
  const isImage = kind.group === 'image.openshift.io' && kind.kind === 'Image';
  const isPod = kind.group === '' && kind.kind === 'Pod';
  const expected = expect ?? (isImage ? 'Image' : isPod ? 'Pod' : undefined);
  if (expected === undefined || (expected === 'Image' && !isImage) || (expected === 'Pod' && !isPod)) {
    const what = `${kind.group === '' ? '' : `${kind.group}/`}${kind.kind}`;
    return [unsupported(`this endpoint judges ${expected ?? 'Image or Pod'} requests, not ${what}`)];
  }
  // Deleting or connecting admits no image: nothing to judge.
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return [];
  if (expected === 'Pod') return judgePod(request, at, env);
  return judgeImageRequest(request, at, env);
}

function judgeImageRequest(request: ParsedAdmissionRequest, at: Date, env: ReviewEnv): Work {
  const image = request.untrustedObject;
  const subject = `image ${describeImage(image)}`;
  const context = { at, unmatched: env.unmatched, synthetic: false, request: policyRequest(request, '') };
  const { judgement, cache } = env.judge.judge(image, context);
  // The request's own object is not an Image: the review is malformed, whatever policies say.
  const outcome = (j: ImageJudgement): ImageOutcome => (j.reasons.includes(NOT_AN_IMAGE)
    ? { ...denied(subject, 'MalformedReview', `request.object is not an Image: ${j.message}`), reasons: ['MalformedReview', ...j.reasons] }
    : fromJudgement(subject, j, cache));
  if (!(judgement instanceof Promise)) return [outcome(judgement)];
  return judgement.then(
    (j) => [outcome(j)],
    () => [indeterminate(subject, 'the Image could not be judged', env.onIndeterminate)],
  );
}

function unsupported(message: string): ImageOutcome {
  return { subject: 'request', decision: 'Denied', allowed: false, reason: 'UnsupportedRequest', message, warnings: [], reasons: ['UnsupportedRequest'], cache: 'none' };
}

function describeImage(image: unknown): string {
  const obj = typeof image === 'object' && image !== null ? (image as Record<string, unknown>) : {};
  const ref = obj['dockerImageReference'];
  const metadata = obj['metadata'];
  const name = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['name'] : undefined;
  const text = typeof ref === 'string' ? ref : typeof name === 'string' ? name : '(unnamed)';
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

const ABORTED = Symbol('aborted');

/** The work's result, or ABORTED as soon as the signal fires (the work is not cancelled). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
