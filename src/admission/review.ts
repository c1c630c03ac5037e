/**
 * Reads an untrusted `admission.k8s.io/v1` (or `v1beta1`) AdmissionReview request into the few
 * fields admission uses. Never throws: anything unusable comes back as a problem, with the request's
 * uid when one could be read (so the denial can still be matched by the API server).
 */

export const ADMISSION_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type AdmissionApiVersion = (typeof ADMISSION_API_VERSIONS)[number];

/** `group`/`version`/`kind` or `group`/`version`/`resource`, '' when absent (the core group is ''). */
export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** The parts of an AdmissionRequest admission reads. `object`/`oldObject` are still untrusted. */
export interface ParsedAdmissionRequest {
  readonly apiVersion: AdmissionApiVersion;
  readonly uid: string;
  readonly kind: GroupVersion & { readonly kind: string };
  readonly resource: GroupVersion & { readonly resource: string };
  readonly subResource: string;
  readonly operation: string;
  readonly namespace: string;
  readonly name: string;
  readonly dryRun: boolean;
  readonly userInfo: { readonly username: string; readonly groups: readonly string[] };
  readonly untrustedObject: unknown;
  readonly untrustedOldObject: unknown;
}

/** Why a review could not be read; `uid` is the request's uid when it was readable, else ''. */
export interface ReviewProblem {
  readonly problem: string;
  readonly uid: string;
  readonly apiVersion: AdmissionApiVersion;
}

/** Longest uid echoed; Kubernetes sends UUIDs (36 characters). */
export const MAX_UID_LENGTH = 256;

type Obj = { readonly [key: string]: unknown };

/** Never throws. */
export function parseReview(untrusted: unknown): ParsedAdmissionRequest | ReviewProblem {
  try {
    return parse(untrusted);
  } catch {
    // Getters or proxies from a library caller: whatever they throw, the answer is a denial.
    return { problem: 'the AdmissionReview could not be read', uid: '', apiVersion: 'admission.k8s.io/v1' };
  }
}

/** True when `parseReview` refused the document. */
export function isReviewProblem(value: ParsedAdmissionRequest | ReviewProblem): value is ReviewProblem {
  return 'problem' in value;
}

function parse(untrusted: unknown): ParsedAdmissionRequest | ReviewProblem {
  if (!isObject(untrusted)) return problem('the body is not a JSON object', '', 'admission.k8s.io/v1');
  const rawVersion = untrusted['apiVersion'];
  const apiVersion = (ADMISSION_API_VERSIONS as readonly unknown[]).includes(rawVersion) ? (rawVersion as AdmissionApiVersion) : 'admission.k8s.io/v1';
  const request = untrusted['request'];
  const uid = isObject(request) && typeof request['uid'] === 'string' && request['uid'].length <= MAX_UID_LENGTH ? request['uid'] : '';
  if (apiVersion !== rawVersion) return problem(`apiVersion must be one of ${ADMISSION_API_VERSIONS.join(', ')}`, uid, apiVersion);
  if (untrusted['kind'] !== 'AdmissionReview') return problem('kind must be AdmissionReview', uid, apiVersion);
  if (!isObject(request)) return problem('request is missing', uid, apiVersion);
  if (uid === '') return problem(`request.uid must be a non-empty string of at most ${MAX_UID_LENGTH} characters`, '', apiVersion);
  const kind = request['kind'];
  const resource = request['resource'];
  const operation = request['operation'];
  if (!isObject(kind) || typeof kind['kind'] !== 'string') return problem('request.kind is missing', uid, apiVersion);
  if (typeof operation !== 'string' || operation === '') return problem('request.operation is missing', uid, apiVersion);
  const userInfo = isObject(request['userInfo']) ? request['userInfo'] : {};
  const groups = Array.isArray(userInfo['groups']) ? userInfo['groups'].filter((g): g is string => typeof g === 'string') : [];
  return {
    apiVersion,
    uid,
    kind: { group: text(kind['group']), version: text(kind['version']), kind: kind['kind'] },
    resource: isObject(resource)
      ? { group: text(resource['group']), version: text(resource['version']), resource: text(resource['resource']) }
      : { group: '', version: '', resource: '' },
    subResource: text(request['subResource']),
    operation,
    namespace: text(request['namespace']),
    name: text(request['name']),
    dryRun: request['dryRun'] === true,
    userInfo: { username: text(userInfo['username']), groups },
    untrustedObject: request['object'],
    untrustedOldObject: request['oldObject'],
  };
}

function problem(message: string, uid: string, apiVersion: AdmissionApiVersion): ReviewProblem {
  return { problem: message, uid, apiVersion };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
