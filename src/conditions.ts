/**
 * Writes signature verdicts back onto an OpenShift `Image` as signature conditions and informative
 * fields (contract section 6, formats.md 1.2-1.8). Core: no I/O, no clock; the probe time is passed in.
 */
import { oneLine } from './codes.js';
import type { ReasonCode } from './codes.js';
import type { ConditionStatus, JsonObject, SignatureVerdict } from './types.js';
import { copyMembers } from './conditions/copy.js';
import { INFORMATIVE_FIELDS, informativeFields } from './conditions/fields.js';
import { isObject, isConditionTime, sameSignature, timeValue } from './conditions/compare.js';

/** The condition types this module owns, in the order they are written after other conditions. */
export const CONDITION_TYPES = ['Trusted', 'ForImage', 'Expired', 'Revoked'] as const;

/** One of {@link CONDITION_TYPES}. */
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** The result of {@link applyVerdicts}. */
export interface AppliedVerdicts {
  /** A new Image: the input is never mutated; members not rewritten are shared with it. */
  readonly image: JsonObject;
  /** True iff `image` differs from the input in anything other than conditions' `lastProbeTime`. */
  readonly changed: boolean;
}

/**
 * Formats a time as Kubernetes `metav1.Time` does: RFC 3339, UTC, second precision
 * (`2026-01-01T00:00:00Z`); milliseconds are truncated.
 * @throws RangeError when `d` is an invalid Date or its year is outside 0000-9999.
 */
export function conditionTime(d: Date): string {
  if (!Number.isFinite(d.getTime())) throw new RangeError('conditionTime: invalid Date');
  const iso = d.toISOString();
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`conditionTime: year out of range: ${iso}`);
  return `${iso.slice(0, 19)}Z`;
}

/**
 * Returns a new Image where each verdict's `signatures[verdict.index]` element (skipped when it is not
 * an object, or the index is out of range) carries exactly one `Trusted` and one `ForImage` condition,
 * an `Expired` / `Revoked` condition when it holds or held before (then with status False), and the
 * informative fields `imageIdentity`, `signedClaims`, `created`, `issuedBy`, `issuedTo` set from
 * verified data only (deleted otherwise). Conditions of other types, and every other member of the
 * Image and of the signature elements, are kept as they are. When several verdicts name the same
 * index the last one wins. An invalid `probeTime` writes `null` times (the zero `metav1.Time`).
 *
 * Never throws and never mutates its input; for an input that is not plain data (a throwing getter
 * or proxy) it returns the input itself with `changed: false`.
 */
export function applyVerdicts(
  untrustedImage: JsonObject,
  verdicts: readonly SignatureVerdict[],
  probeTime: Date,
): AppliedVerdicts {
  try {
    return apply(untrustedImage, verdicts, probeTime);
  } catch {
    return { image: untrustedImage, changed: false };
  }
}

function apply(input: JsonObject, verdicts: readonly SignatureVerdict[], probeTime: Date): AppliedVerdicts {
  const image: JsonObject = { ...input };
  const signatures = input['signatures'];
  if (!Array.isArray(signatures)) return { image, changed: false };
  const byIndex = new Map<number, SignatureVerdict>();
  for (const verdict of verdicts) {
    const { index } = verdict;
    if (Number.isSafeInteger(index) && index >= 0 && index < signatures.length) byIndex.set(index, verdict);
  }
  const now = probeTimeText(probeTime);
  const out: unknown[] = signatures.slice();
  let changed = false;
  for (const [index, verdict] of byIndex) {
    const element: unknown = signatures[index];
    if (!isObject(element)) continue;
    const next = applyVerdict(element, verdict, now);
    out[index] = next;
    if (!sameSignature(element, next)) changed = true;
  }
  if (byIndex.size > 0) image['signatures'] = out;
  return { image, changed };
}

/**
 * The last probe time formatted, by time value: every Image of a run is written with the same
 * time. Only for plain Dates, whose text depends on nothing but their time value.
 */
let lastProbe: { readonly time: number; readonly text: string } | undefined;

function probeTimeText(probeTime: Date): string | null {
  try {
    const plain = Object.getPrototypeOf(probeTime) === Date.prototype && !Object.hasOwn(probeTime, 'getTime') && !Object.hasOwn(probeTime, 'toISOString');
    if (plain && lastProbe !== undefined && lastProbe.time === probeTime.getTime()) return lastProbe.text;
    const text = conditionTime(probeTime);
    if (plain) lastProbe = { time: probeTime.getTime(), text };
    return text;
  } catch {
    return null;
  }
}

/** A shallow copy of the element with our conditions and the informative fields rewritten. */
function applyVerdict(element: JsonObject, verdict: SignatureVerdict, now: string | null): JsonObject {
  const next = copyMembers(element);
  next['conditions'] = conditionsFor(element['conditions'], verdict, now);
  const fields = informativeFields(verdict);
  for (const key of INFORMATIVE_FIELDS) {
    const value = fields[key];
    if (value !== undefined) next[key] = value;
    else if (Object.hasOwn(next, key)) delete next[key];
  }
  return next;
}

interface Desired {
  readonly type: ConditionType;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

function isOurType(type: unknown): boolean {
  return (CONDITION_TYPES as readonly unknown[]).includes(type);
}

function conditionsFor(existing: unknown, verdict: SignatureVerdict, now: string | null): unknown[] {
  const list: readonly unknown[] = Array.isArray(existing) ? existing : [];
  const out: unknown[] = list.filter((c) => !(isObject(c) && isOurType(c['type'])));
  const ours = desiredConditions(verdict, (type) => list.length > 0 && currentCondition(list, type) !== undefined);
  for (const d of ours) out.push(stamp(d, list.length > 0 ? currentCondition(list, d.type) : undefined, now));
  return out;
}

/**
 * The current condition of a type, as OpenShift validation picks it (formats.md 1.7): the entry with
 * the latest `lastProbeTime`, ties to the later entry; a missing or unparsable time counts as earliest.
 */
function currentCondition(list: readonly unknown[], type: ConditionType): JsonObject | undefined {
  let current: JsonObject | undefined;
  let currentTime = -Infinity;
  for (const entry of list) {
    if (!isObject(entry) || entry['type'] !== type) continue;
    const time = timeValue(entry['lastProbeTime']);
    if (current === undefined || time >= currentTime) {
      current = entry;
      currentTime = time;
    }
  }
  return current;
}

/** Keeps the previous `lastTransitionTime` when the status is unchanged and the time is well formed. */
function stamp(desired: Desired, previous: JsonObject | undefined, now: string | null): JsonObject {
  const before = previous?.['lastTransitionTime'];
  const keep = previous?.['status'] === desired.status && isConditionTime(before);
  return {
    type: desired.type,
    status: desired.status,
    lastProbeTime: now,
    lastTransitionTime: keep ? before : now,
    reason: desired.reason,
    message: desired.message,
  };
}

function failureReason(verdict: SignatureVerdict): ReasonCode {
  return verdict.reason === 'Verified' ? 'Indeterminate' : verdict.reason;
}

function desiredConditions(verdict: SignatureVerdict, hadBefore: (type: ConditionType) => boolean): Desired[] {
  const { signer, claims } = verdict;
  const out: Desired[] = [
    verdict.trusted
      ? desired('Trusted', 'True', 'Verified', signer ? `signed by ${signer.fingerprint} (${signer.trustRoot})` : 'signed by a trusted key')
      : desired('Trusted', 'False', failureReason(verdict), verdict.message),
    verdict.forImage
      ? desired('ForImage', 'True', 'Verified', claims ? `signed for ${claims.dockerReference} and digest ${claims.manifestDigest}` : 'signed for this image')
      : desired('ForImage', 'False', failureReason(verdict), verdict.message),
  ];
  const expiredReason = verdict.reason === 'SignatureExpired' ? 'SignatureExpired' : 'KeyExpired';
  const expired = flag(verdict, 'Expired', verdict.expired, expiredReason, hadBefore('Expired'));
  if (expired) out.push(expired);
  const revoked = flag(verdict, 'Revoked', verdict.revoked, 'KeyRevoked', hadBefore('Revoked'));
  if (revoked) out.push(revoked);
  return out;
}

/** A desired condition; its message made one bounded line. */
function desired(type: ConditionType, status: ConditionStatus, reason: string, message: string): Desired {
  return { type, status, reason, message: oneLine(message) };
}

const HOLDS: Readonly<Record<'Expired' | 'Revoked', readonly [string, string]>> = {
  Expired: ['the signature or its signing key had expired at the probe time', 'not expired at the probe time'],
  Revoked: ['the signing key is revoked', 'not revoked at the probe time'],
};

/**
 * `Expired` / `Revoked`: True when it holds (reason KeyExpired, SignatureExpired or KeyRevoked). Once
 * written it stays, with status False when it no longer holds (reason = the verdict's own reason, so
 * `Verified` when everything passed): dropping it would lose the transition and break idempotence.
 */
function flag(
  verdict: SignatureVerdict,
  type: 'Expired' | 'Revoked',
  holds: boolean,
  reason: ReasonCode,
  hadBefore: boolean,
): Desired | undefined {
  const [yes, no] = HOLDS[type];
  if (holds) return desired(type, 'True', reason, verdict.reason === reason ? verdict.message : yes);
  if (!hadBefore) return undefined;
  return desired(type, 'False', verdict.reason, verdict.reason === 'Verified' ? no : verdict.message);
}
