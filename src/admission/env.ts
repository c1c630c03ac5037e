/** What the Image and Pod review paths share: the cached judge, the Image lookup and two settings. */
import type { CachedJudge } from './cached-judge.js';
import type { PolicyRequest } from './judge.js';
import type { ParsedAdmissionRequest } from './review.js';

/** Looks an Image up by digest: the Image object, or null when there is none. A rejection means "unknown" (Indeterminate). */
export type ResolveImage = (digest: string) => Promise<unknown>;

export interface ReviewEnv {
  readonly judge: CachedJudge;
  readonly resolveImage: ResolveImage | undefined;
  readonly unmatched: 'allow' | 'deny';
  readonly onIndeterminate: 'allow' | 'deny';
}

/** The `request` policies see: no uid and no object name, so one Pod's decision serves its replicas. */
export function policyRequest(request: ParsedAdmissionRequest, image: string): PolicyRequest {
  return {
    operation: request.operation,
    namespace: request.namespace,
    kind: request.kind,
    userInfo: request.userInfo,
    image,
  };
}
