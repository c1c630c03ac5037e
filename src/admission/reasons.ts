/**
 * Reason codes admission adds to those of signatures (src/codes.ts) and policies. They appear as
 * `status.reason` of a denial and in the `reasons` audit annotation; scripts match on them.
 */
export const ADMISSION_REASONS = [
  /** A Pod container image is a tag, not a digest, and no policy allows it. */
  'TagNotPinned',
  /** A Pod container image is a digest the cluster has no Image for, and no policy allows it. */
  'ImageNotFound',
  /** A Pod container image is not a valid image reference. */
  'InvalidReference',
  /** No decision could be made: the deadline passed, the Image API failed, or an internal fault. */
  'Indeterminate',
  /** The body is not an AdmissionReview request this webhook can read (status.code 400). */
  'MalformedReview',
  /** The request is for a kind or endpoint this webhook does not judge. */
  'UnsupportedRequest',
] as const;

export type AdmissionReason = (typeof ADMISSION_REASONS)[number];
