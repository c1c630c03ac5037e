/**
 * Pods: every init, regular and ephemeral container image is judged (on UPDATE only the images that
 * changed), and the Pod is allowed only when every one of them is.
 *
 * - A digest reference (`…@sha256:…`) is resolved to its Image through `resolveImage` and judged as
 *   that Image (verification against the Image's own `dockerImageReference`, then the policies; the
 *   Pod's reference is `request.image`).
 * - A tag reference, or a digest the cluster has no Image for, is judged as a synthetic Image with no
 *   signatures: `metadata.name` the digest or '', `dockerImageReference` the reference (a tag added
 *   to a bare name), `signatures` empty. It is allowed only when at least one applicable `Deny`
 *   policy passes for it (whatever `unmatched` says); otherwise it is `TagNotPinned` /
 *   `ImageNotFound`. That is how a policy allows tags: it applies to them and passes, e.g. with
 *   `matchConditions: [{expression: "reference.digest == null"}]`.
 */
import { isReferenceProblem, parseReference, tagNameOnly } from '../identity/reference.js';
import type { ImageJudgement, JudgeContext } from './judge.js';
import { denied, fromJudgement, indeterminate, type ImageOutcome } from './outcome.js';
import { changedImages, podImages, type ContainerImage } from './pod-images.js';
import type { ParsedAdmissionRequest } from './review.js';
import { policyRequest, type ReviewEnv } from './env.js';

type Judged = (subject: string) => ImageOutcome;

/** Never rejects. */
export async function judgePod(request: ParsedAdmissionRequest, at: Date, env: ReviewEnv): Promise<readonly ImageOutcome[]> {
  const all = podImages(request.untrustedObject);
  if ('problem' in all) return [denied('pod', 'MalformedReview', `the Pod cannot be read: ${all.problem}`)];
  const containers = request.operation === 'UPDATE' ? changedImages(all, request.untrustedOldObject) : all;
  const byReference = new Map<string, Promise<Judged>>();
  for (const container of containers) {
    if (!byReference.has(container.image)) byReference.set(container.image, judgeReference(container.image, request, at, env));
  }
  return Promise.all(containers.map(async (container) => (await byReference.get(container.image)!)(subjectOf(container))));
}

async function judgeReference(image: string, request: ParsedAdmissionRequest, at: Date, env: ReviewEnv): Promise<Judged> {
  const ref = parseReference(image);
  if (isReferenceProblem(ref)) return (s) => denied(s, 'InvalidReference', `not a valid image reference: ${ref.problem}`);
  const context: JudgeContext = { at, unmatched: env.unmatched, synthetic: false, request: policyRequest(request, image) };
  if (ref.digest === undefined) {
    const pinned = `pin it by digest (${ref.name}@sha256:…) or let a policy allow it`;
    return unresolved(syntheticImage('', tagNameOnly(ref).canonical), context, env, 'TagNotPinned', `${ref.canonical} is a tag, not a digest: ${pinned}`);
  }
  const digest = ref.digest;
  if (env.resolveImage === undefined) return (s) => indeterminate(s, 'no Image lookup is configured', env.onIndeterminate);
  let found: unknown;
  try {
    found = await env.resolveImage(digest);
  } catch {
    return (s) => indeterminate(s, `the Image ${digest} could not be looked up`, env.onIndeterminate);
  }
  if (found === null || found === undefined) {
    return unresolved(syntheticImage(digest, ref.canonical), context, env, 'ImageNotFound', `the cluster has no Image ${digest}: import it (oc import-image / oc tag) or let a policy allow it`);
  }
  if (nameOf(found) !== digest) return (s) => indeterminate(s, `the Image API answered for another Image than ${digest}`, env.onIndeterminate);
  const judged = await settle(env, found, context);
  if ('fault' in judged) return (s) => indeterminate(s, judged.fault, env.onIndeterminate);
  return (s) => fromJudgement(s, judged.judgement, judged.cache);
}

async function unresolved(image: unknown, context: JudgeContext, env: ReviewEnv, reason: 'TagNotPinned' | 'ImageNotFound', message: string): Promise<Judged> {
  // `unmatched` does not apply: only a policy that applies and passes allows an unverifiable image.
  const judged = await settle(env, image, { ...context, unmatched: 'deny', synthetic: true });
  if ('fault' in judged) return (s) => indeterminate(s, judged.fault, env.onIndeterminate);
  const { judgement, cache } = judged;
  const allowed = judgement.decision === 'Allowed' && judgement.denyPolicyPassed;
  return (s) => fromJudgement(s, judgement, cache, { reason, message, allowed });
}

async function settle(env: ReviewEnv, image: unknown, context: JudgeContext): Promise<{ judgement: ImageJudgement; cache: ImageOutcome['cache'] } | { fault: string }> {
  try {
    const { judgement, cache } = env.judge.judge(image, context);
    return { judgement: await judgement, cache };
  } catch {
    return { fault: 'the Image could not be judged' };
  }
}

/** What policies see for a reference the cluster has no Image for. */
export function syntheticImage(digest: string, reference: string): Record<string, unknown> {
  return { apiVersion: 'image.openshift.io/v1', kind: 'Image', metadata: { name: digest }, dockerImageReference: reference, signatures: [] };
}

function subjectOf(container: ContainerImage): string {
  const image = container.image.length > 200 ? `${container.image.slice(0, 200)}…` : container.image;
  return `${container.kind} ${JSON.stringify(container.name)} image ${JSON.stringify(image)}`;
}

function nameOf(image: unknown): unknown {
  const metadata = typeof image === 'object' && image !== null ? (image as Record<string, unknown>)['metadata'] : undefined;
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['name'] : undefined;
}
