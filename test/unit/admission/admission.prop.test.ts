/**
 * Properties of admission (fast-check):
 * - any request body, JSON or not, review-shaped or not, gets a well-formed AdmissionReview
 *   response (never an exception);
 * - a review never allows an Image that `evaluatePolicies` (what `verify --policy` uses) denies.
 */
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect } from 'vitest';
import { createAdmissionController, type AdmissionController } from '../../../src/admission/controller.js';
import type { AdmissionReviewResponse } from '../../../src/admission/response.js';
import { readPolicySources } from '../../../src/edge/policy-input.js';
import { readTrustSources } from '../../../src/edge/trust-input.js';
import { createEngine, type Engine } from '../../../src/engine.js';
import { evaluatePolicies } from '../../../src/policy/evaluate.js';
import type { PolicySet } from '../../../src/policy/load.js';
import { EXAMPLE_IMAGES, imageReview, pinned, podReview, reviewFixture, type Json } from '../../helpers/admission-reviews.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let policies: PolicySet;
let engine: Engine;
let controllers: Record<'deny' | 'allow', AdmissionController>;

beforeAll(async () => {
  const trust = await readTrustSources(['examples/trust']);
  policies = await readPolicySources(['test/fixtures/admission/policies']);
  engine = await createEngine({ trust, clock: () => NOW });
  const make = (unmatched: 'deny' | 'allow'): Promise<AdmissionController> => createAdmissionController({
    trust, policies, clock: () => NOW, unmatched, resolveImage: () => Promise.resolve(EXAMPLE_IMAGES.frontend()),
  });
  controllers = { deny: await make('deny'), allow: await make('allow') };
});

function expectWellFormed(answer: AdmissionReviewResponse): void {
  expect(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']).toContain(answer.apiVersion);
  expect(answer.kind).toBe('AdmissionReview');
  const { response } = answer;
  expect(typeof response.uid).toBe('string');
  expect(typeof response.allowed).toBe('boolean');
  if (!response.allowed) {
    expect(Number.isInteger(response.status?.code)).toBe(true);
    expect(response.status?.reason).toMatch(/^\S+$/);
    expect(response.status?.message).not.toMatch(/[\n\r]/);
    expect(response.status?.message.length).toBeLessThanOrEqual(1024);
  }
  for (const [key, value] of Object.entries(response.auditAnnotations ?? {})) {
    expect(key).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/);
    expect(typeof value).toBe('string');
  }
  for (const warning of response.warnings ?? []) expect(warning).not.toMatch(/[\n\r]/);
  // The answer is JSON as it is sent.
  expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);
}

/** A review with one field somewhere replaced by an arbitrary value. */
const mutatedReview = fc.tuple(
  fc.constantFrom('image-create.json', 'image-update.json', 'pod-create.json', 'pod-ephemeral-update.json'),
  fc.constantFrom<readonly string[]>(
    [], ['apiVersion'], ['kind'], ['request'], ['request', 'uid'], ['request', 'kind'], ['request', 'kind', 'kind'], ['request', 'kind', 'group'],
    ['request', 'operation'], ['request', 'object'], ['request', 'oldObject'], ['request', 'userInfo'], ['request', 'dryRun'],
    ['request', 'object', 'metadata'], ['request', 'object', 'signatures'], ['request', 'object', 'spec'], ['request', 'object', 'spec', 'containers'],
    ['request', 'object', 'dockerImageReference'], ['request', 'object', 'metadata', 'name'],
  ),
  fc.jsonValue({ maxDepth: 3 }),
).map(([name, path, value]) => {
  const review = reviewFixture(name);
  if (path.length === 0) return review;
  let at: Json = review;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) return review;
    at = at[key] as Json;
  }
  at[path[path.length - 1]!] = value;
  return review;
});

describe('any request body', () => {
  test.prop([fc.oneof(fc.anything(), fc.jsonValue(), mutatedReview)], { numRuns: 150 })('gets a well-formed AdmissionReview response', async (body) => {
    const answer = await controllers.deny.review(body);
    expectWellFormed(answer);
  });

  test.prop([mutatedReview], { numRuns: 80 })('on either endpoint', async (body) => {
    expectWellFormed(await controllers.deny.review(body, { expect: 'Image' }));
    expectWellFormed(await controllers.deny.review(body, { expect: 'Pod' }));
  });
});

/** An example Image, possibly damaged: what `verify --policy` and a review must agree about. */
const image = fc.tuple(
  fc.constantFrom(...(Object.keys(EXAMPLE_IMAGES) as (keyof typeof EXAMPLE_IMAGES)[])),
  fc.constantFrom('none', 'drop-signatures', 'reverse-signatures', 'flip-content', 'other-reference', 'other-name', 'duplicate-signature', 'no-manifest'),
  fc.nat(),
).map(([name, change, n]) => {
  const img = EXAMPLE_IMAGES[name]();
  const signatures = (img['signatures'] ?? []) as Json[];
  switch (change) {
    case 'none':
      break;
    case 'drop-signatures':
      img['signatures'] = [];
      break;
    case 'reverse-signatures':
      img['signatures'] = [...signatures].reverse();
      break;
    case 'flip-content': {
      const sig = signatures[n % Math.max(1, signatures.length)];
      if (sig) {
        const bytes = Buffer.from(String(sig['content']), 'base64');
        if (bytes.length > 0) bytes[n % bytes.length]! ^= 1 << (n % 8);
        sig['content'] = bytes.toString('base64');
      }
      break;
    }
    case 'other-reference':
      img['dockerImageReference'] = `registry.example.com/shop/other@${String(img['metadata']['name'])}`;
      break;
    case 'other-name':
      img['metadata']['name'] = `sha256:${(n % 16).toString(16).repeat(64)}`;
      break;
    case 'duplicate-signature':
      img['signatures'] = [...signatures, ...signatures];
      break;
    case 'no-manifest':
      delete img['dockerImageManifest'];
      break;
  }
  return img;
});

describe('a review never allows what the policies deny', () => {
  test.prop([image, fc.constantFrom<'deny' | 'allow'>('deny', 'allow')], { numRuns: 120 })('for Image reviews', async (img, unmatched) => {
    const response = (await controllers[unmatched].review(imageReview(img))).response;
    const decision = evaluatePolicies(policies, img, engine.verifyImage(img, { at: NOW }), { now: NOW, unmatched });
    if (response.allowed) expect(decision.decision).toBe('Allowed');
    else expect(response.status?.reason).toBeTruthy();
  });

  test.prop([image], { numRuns: 60 })('for a Pod running it by digest', async (img) => {
    const c = await createAdmissionController({
      trust: engine.trust, policies, clock: () => NOW, resolveImage: (digest) => Promise.resolve(digest === img['metadata']?.['name'] ? img : null),
    });
    const reference = `${String(img['dockerImageReference']).split('@')[0]}@${String(img['metadata']?.['name'])}`;
    const response = (await c.review(podReview([reference], { init: [pinned('frontend')] }))).response;
    const decision = evaluatePolicies(policies, img, engine.verifyImage(img, { at: NOW }), { now: NOW, unmatched: 'deny' });
    if (response.allowed) expect(decision.decision).toBe('Allowed');
  });
});
