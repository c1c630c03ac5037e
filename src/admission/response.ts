/**
 * AdmissionReview responses: the uid echoed, `allowed`, a `status` on denials (code, reason and a
 * one-line message, capped), `warnings` (capped in number and length, as the API server truncates
 * them anyway) and `auditAnnotations`. Pure data in, plain JSON out.
 */
import type { AdmissionApiVersion } from './review.js';

/** An `admission.k8s.io/v1` AdmissionResponse. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  /** Set on denials: `code` 403 (400 for a malformed review), `reason` a code, `message` one line. */
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
  readonly warnings?: readonly string[];
  /**
   * Keys are names without a slash: the API server prefixes them with the webhook's name
   * (`images.imagetrust.io/decision`), and a key with a slash of its own would be dropped.
   */
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

/** The AdmissionReview the webhook answers with. */
export interface AdmissionReviewResponse {
  readonly apiVersion: AdmissionApiVersion;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** Longest `status.message`, in characters. */
export const MAX_STATUS_MESSAGE = 1024;
/** Most warnings returned, and the longest one (the API server may truncate beyond 256). */
export const MAX_WARNINGS = 16;
export const MAX_WARNING_LENGTH = 256;
/** Longest audit annotation value. */
export const MAX_ANNOTATION_VALUE = 1024;

export interface ResponseParts {
  readonly apiVersion: AdmissionApiVersion;
  readonly uid: string;
  readonly allowed: boolean;
  /** The admission decision for `auditAnnotations.decision`: Allowed, Denied, Indeterminate, NotJudged. */
  readonly decision: string;
  /** The first reason: `status.reason` on a denial. */
  readonly reason: string;
  readonly message: string;
  /** Every reason code that took part, first first. */
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
  /** 403 unless said (400 for malformed reviews). */
  readonly code?: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Never throws. */
export function toReviewResponse(parts: ResponseParts): AdmissionReviewResponse {
  const warnings = capWarnings(parts.warnings);
  const response: AdmissionResponse = {
    uid: parts.uid,
    allowed: parts.allowed,
    ...(parts.allowed ? {} : { status: { code: parts.code ?? 403, reason: parts.reason, message: capLine(parts.message, MAX_STATUS_MESSAGE) } }),
    ...(warnings.length > 0 ? { warnings } : {}),
    auditAnnotations: {
      decision: parts.decision,
      reason: capLine(parts.reason, MAX_ANNOTATION_VALUE),
      reasons: capLine(unique(parts.reasons).join(','), MAX_ANNOTATION_VALUE),
      ...Object.fromEntries(Object.entries(parts.annotations ?? {}).map(([k, v]) => [k, capLine(v, MAX_ANNOTATION_VALUE)])),
    },
  };
  return { apiVersion: parts.apiVersion, kind: 'AdmissionReview', response };
}

/** One line (control characters become spaces), at most `max` characters, an ellipsis when cut. */
export function capLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function capWarnings(warnings: readonly string[]): string[] {
  const lines = unique(warnings.map((w) => capLine(w, MAX_WARNING_LENGTH)).filter((w) => w !== ''));
  if (lines.length <= MAX_WARNINGS) return lines;
  return [...lines.slice(0, MAX_WARNINGS - 1), `${lines.length - MAX_WARNINGS + 1} more warnings not shown`];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
