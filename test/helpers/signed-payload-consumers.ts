/**
 * Every consumer of a verification, for property tests: the engine's verdicts and written Image
 * (verified again: idempotent), `reportSignature`, the `verify` report (JSON, YAML, table), the
 * audit item built as src/edge/audit/image-verifier.ts builds it with every audit renderer, CEL
 * policies, and the admission controller. `exercise` asserts what must hold whatever the input:
 * nothing throws, reason codes are in the closed set, `Verified` exactly when trusted and for the
 * Image, `Trusted` exactly when some signature is.
 */
import { expect } from 'vitest';
import type { AdmissionController } from '../../src/admission/controller.js';
import type { AuditItem, AuditReportHead } from '../../src/audit/model.js';
import { mergeReports } from '../../src/audit/merge.js';
import { AUDIT_API_VERSION } from '../../src/audit/model.js';
import { REPORT_FORMATS, renderReport } from '../../src/audit/render.js';
import { SummaryBuilder } from '../../src/audit/summary.js';
import { writeBackProblem } from '../../src/audit/write-back.js';
import { REASON_CODES } from '../../src/codes.js';
import { auditItem } from '../../src/edge/audit/image-verifier.js';
import { reportItem, type VerificationReport } from '../../src/edge/report.js';
import { renderTable } from '../../src/edge/table.js';
import { stringifyYaml } from '../../src/edge/yaml.js';
import type { Engine, VerifyOptions, VerifyResult } from '../../src/engine.js';
import { inputProblems, parseImage } from '../../src/image/parse.js';
import { DEFAULT_MESSAGE_LIMITS } from '../../src/pgp/message.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import type { PolicySet } from '../../src/policy/load.js';
import type { PolicyDecision } from '../../src/policy/types.js';
import { reportSignature } from '../../src/report-signature.js';
import type { JsonObject, SignatureVerdict } from '../../src/types.js';
import { parseXml } from '../cli/xml.js';

const REASONS: readonly string[] = REASON_CODES;
/** `metav1.Time` as the API server decodes it (Go's RFC 3339: a four-digit year). */
const META_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Clock skew the verifier allows for signatures made "in the future" (contract section 2 step 6). */
const SKEW_MS = 5 * 60 * 1000;

/** What must hold for one verdict, whatever the input, at evaluation time `at`. */
export function expectWellFormedVerdict(v: SignatureVerdict, at: Date): void {
  expect(REASONS).toContain(v.reason);
  if (v.forImage) expect(v.trusted).toBe(true);
  expect(v.reason === 'Verified').toBe(v.trusted && v.forImage);
  // A trusted signature failed only its binding to the Image (steps 8-9), if anything.
  if (v.trusted) expect(['Verified', 'DigestMismatch', 'IdentityMismatch']).toContain(v.reason);
  if (v.trusted) expect(v.signer !== undefined && v.claims !== undefined).toBe(true);
  if (v.claims !== undefined) expect(v.trusted).toBe(true);
  if (v.created !== undefined) expect(Number.isFinite(Date.parse(v.created))).toBe(true);
  // A trusted signature was not made after the evaluation time, whatever its format.
  if (v.trusted && v.created !== undefined) expect(Date.parse(v.created)).toBeLessThanOrEqual(at.getTime() + SKEW_MS);
  expect(typeof v.message).toBe('string');
  expect(v.message).not.toMatch(/[\n\r]/);
}

export function expectWellFormedResult(result: VerifyResult, at: Date): void {
  for (const v of result.signatures) expectWellFormedVerdict(v, at);
  const some = result.signatures.some((v) => v.trusted && v.forImage);
  expect(result.verdict).toBe(result.signatures.length === 0 && result.problems.length === 0 ? 'Unsigned' : some ? 'Trusted' : 'Untrusted');
}

/** The facts of a verdict that must not change when the written Image is verified again. */
const facts = (v: SignatureVerdict): unknown => [v.name, v.reason, v.trusted, v.forImage, v.signer?.fingerprint, v.claims, v.created, v.expired, v.revoked];

export interface Consumers {
  /** The example policies (policies/*.yaml), which include require-trusted-signature. */
  readonly examples: PolicySet;
  /** Policies reading `timestamp`, `created`, `creator` and `identity` every way CEL can. */
  readonly extra: PolicySet;
  /** Judges with `examples`, default identity rule, `unmatched: allow`, its clock set by `setNow`. */
  readonly admission: AdmissionController;
  readonly setNow: (at: Date) => void;
}

function iso(at: Date): string {
  return Number.isFinite(at.getTime()) ? at.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'invalid';
}

/** Verifies `image` with `engine` and pushes the result through every consumer. Returns the result. */
export async function exercise(engine: Engine, image: unknown, options: VerifyOptions & { at: Date }, consumers: Consumers, identityRule: string): Promise<VerifyResult> {
  const result = engine.verifyImage(image, options);
  expectWellFormedResult(result, options.at);

  // The written Image, verified again: same facts, nothing to change, the same Image.
  const written = result.image;
  const changed = result.changed;
  expect(typeof changed).toBe('boolean');
  if (written !== null) {
    const again = engine.verifyImage(written, options);
    expect(again.verdict).toBe(result.verdict);
    expect(again.signatures.map(facts)).toEqual(result.signatures.map(facts));
    expect(again.changed).toBe(false);
    expect(again.image).toEqual(written);
    const before = (image as JsonObject)['signatures'] as JsonObject[];
    const after = written['signatures'] as JsonObject[];
    expect(after.map((s) => [s['type'], s['content'], (s['metadata'] as JsonObject | undefined)?.['name']]))
      .toEqual(before.map((s) => [s['type'], s['content'], (s['metadata'] as JsonObject | undefined)?.['name']]));
    expect(writeBackProblem(image as JsonObject, written)).toBeNull();
    // What OpenShift stores: every time written is a metav1.Time (RFC 3339, four-digit year) or null.
    for (const s of after) {
      if (s['created'] !== undefined) expect(s['created']).toMatch(META_TIME);
      for (const c of Array.isArray(s['conditions']) ? (s['conditions'] as unknown[]) : []) {
        if (typeof c !== 'object' || c === null) continue;
        const condition = c as JsonObject;
        if (!['Trusted', 'ForImage', 'Expired', 'Revoked'].includes(condition['type'] as string)) continue;
        for (const key of ['lastProbeTime', 'lastTransitionTime']) if (condition[key] !== null) expect(condition[key]).toMatch(META_TIME);
      }
    }
  }

  // reportSignature: every fact it reports is the verdict's.
  for (const v of result.signatures) {
    const report = reportSignature(v);
    expect(report.reason).toBe(v.reason);
    if (v.claims?.timestamp !== undefined) expect(Date.parse(report.timestamp ?? '')).toBe(v.claims.timestamp * 1000);
    if (v.claims?.creator !== undefined) expect(report.creator).toBe(v.claims.creator);
  }

  // Policies: evaluated for every verdict; an internal fault would show as a decision without results.
  const decisions: PolicyDecision[] = [];
  for (const set of [consumers.examples, consumers.extra]) {
    for (const unmatched of ['deny', 'allow'] as const) {
      const decision = evaluatePolicies(set, image, result, { now: options.at, unmatched });
      expect(['Allowed', 'Denied']).toContain(decision.decision);
      if (decision.reason !== 'Indeterminate' && decision.reason !== 'TooLarge') expect(decision.results).toHaveLength(set.policies.length);
      if (set === consumers.examples && decision.decision === 'Allowed') expect(result.verdict).toBe('Trusted');
      // Signature times are CEL timestamps (or null): arithmetic on them is ordinary arithmetic.
      const arithmetic = decision.results.find((r) => r.policy === 'time-arithmetic');
      if (arithmetic !== undefined) expect(arithmetic.passed).toBe(true);
      decisions.push(decision);
    }
  }
  const decision = decisions[0];

  // `verify`: the report item and its three renderings.
  const parsed = parseImage(image, { maxContentBytes: DEFAULT_MESSAGE_LIMITS.maxBlobBytes });
  if (!('problems' in parsed)) {
    const items = [reportItem(parsed, 'prop.json', result), reportItem(parsed, 'prop.json', result, decision)];
    for (const [i, item] of items.entries()) {
      const report: VerificationReport = {
        apiVersion: 'imagetrust.io/v1alpha1', kind: 'VerificationReport', evaluationTime: iso(options.at), identityRule,
        ...(i === 1 ? { policyRevision: consumers.examples.revision, unmatched: 'deny' as const } : {}), items: [item], errors: inputProblems(parsed).map((p) => ({ source: 'prop.json', ...p })),
      };
      expect(JSON.parse(JSON.stringify(report))).toBeTypeOf('object');
      expect(stringifyYaml(report)).toBeTypeOf('string');
      expect(renderTable(report)).toBeTypeOf('string');
    }
  }

  // `audit`: the item image-verifier.ts builds (only for Images), through JSON as workers send it, then every renderer.
  if (result.problems.length === 0 && typeof image === 'object' && image !== null) {
    for (const d of [undefined, decision]) {
      const item = JSON.parse(JSON.stringify(auditItem({ image: image as JsonObject, source: 'cluster' }, result, d))) as AuditItem;
      const summary = new SummaryBuilder();
      summary.add(item);
      const head: AuditReportHead = {
        apiVersion: AUDIT_API_VERSION, kind: 'AuditReport', evaluationTime: iso(options.at), source: 'files', identityRule,
        ...(d ? { policyRevision: consumers.examples.revision, unmatched: 'deny' as const } : {}),
        writeConditions: false, dryRun: false, consistentSnapshot: true, summary: summary.summary(), signers: summary.inventory(), errors: [],
      };
      for (const format of REPORT_FORMATS) {
        // What the CLI writes is UTF-8: read it back as a consumer would.
        const text = Buffer.from(renderReport(format, head, [item]), 'utf8').toString('utf8');
        if (format === 'json') {
          // `report merge` joins it with itself, and the result renders.
          const { report } = mergeReports([{ name: 'a.json', value: JSON.parse(text) }, { name: 'b.json', value: JSON.parse(text) }]);
          expect(report.summary.images).toBe(2);
          const { items, ...mergedHead } = report;
          expect(renderReport('html', mergedHead, items)).toBeTypeOf('string');
        }
        if (format === 'ndjson') expect(JSON.parse(text)).toBeTypeOf('object');
        if (format === 'junit') expect(parseXml(text).name).toBe('testsuites');
      }
    }
  }

  // Admission (default rule, the Image's own reference): allowed only when trusted.
  consumers.setNow(options.at);
  const review = await consumers.admission.review({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: 'prop', kind: { group: 'image.openshift.io', version: 'v1', kind: 'Image' }, resource: { group: 'image.openshift.io', version: 'v1', resource: 'images' },
      name: 'x', operation: 'CREATE', userInfo: { username: 'prop' }, object: image,
    },
  });
  expect(review.response.uid).toBe('prop');
  if (Number.isFinite(options.at.getTime())) expect(review.response.status?.reason).not.toBe('Indeterminate');
  if (review.response.allowed && options.expectedIdentity === undefined && identityRule === 'matchRepoDigestOrExact') expect(result.verdict).toBe('Trusted');
  return result;
}
