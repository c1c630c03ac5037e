/**
 * The admission controller on recorded-shape AdmissionReview documents (test/fixtures/admission/)
 * with the example trust roots and Images and the admission test policies. Assertions are on
 * `allowed`, codes, reasons and annotations, never on message wording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmissionController, type AdmissionController, type AdmissionControllerOptions } from '../../../src/admission/controller.js';
import type { ImageJudgement } from '../../../src/admission/judge.js';
import type { AdmissionResponse } from '../../../src/admission/response.js';
import { readPolicySources } from '../../../src/edge/policy-input.js';
import { readTrustSources } from '../../../src/edge/trust-input.js';
import type { PolicySet } from '../../../src/policy/load.js';
import type { TrustRootSpec } from '../../../src/trust/material.js';
import { EXAMPLE_IMAGES, examplesByDigest, imageReview, pinned, podReview, reviewFixture, type Json } from '../../helpers/admission-reviews.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let trust: TrustRootSpec[];
let policies: PolicySet;
const images = examplesByDigest();
const resolveImage = (digest: string): Promise<unknown> => Promise.resolve(images.get(digest) ?? null);

async function controller(options: Partial<AdmissionControllerOptions> = {}): Promise<AdmissionController> {
  return createAdmissionController({ trust, policies, clock: () => NOW, resolveImage, ...options });
}

async function respond(c: AdmissionController, review: unknown, expect?: 'Image' | 'Pod'): Promise<AdmissionResponse> {
  return (await c.review(review, expect === undefined ? {} : { expect })).response;
}

const reasons = (response: AdmissionResponse): string[] => (response.auditAnnotations?.['reasons'] ?? '').split(',');

beforeAll(async () => {
  trust = await readTrustSources(['examples/trust']);
  policies = await readPolicySources(['test/fixtures/admission/policies']);
});

describe('Image reviews', () => {
  it('allows the recorded Image CREATE of a trusted Image, echoing the uid', async () => {
    const review = reviewFixture('image-create.json');
    const answer = await (await controller()).review(review);
    expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' });
    expect(answer.response).toMatchObject({ uid: review['request'].uid, allowed: true, auditAnnotations: { decision: 'Allowed' } });
    expect(answer.response.status).toBeUndefined();
  });

  it('judges the new object of an UPDATE, whatever the old one was', async () => {
    const c = await controller();
    expect((await respond(c, reviewFixture('image-update.json'))).allowed).toBe(true);
    const worse = await respond(c, imageReview(EXAMPLE_IMAGES.tampered(), { operation: 'UPDATE', oldImage: EXAMPLE_IMAGES.frontend() }));
    expect(worse).toMatchObject({ allowed: false, status: { code: 403, reason: 'Unsigned' } });
    expect(reasons(worse)).toContain('DigestMismatch');
  });

  it('judges dry-run requests the same', async () => {
    const c = await controller({ cache: false });
    for (const make of Object.values(EXAMPLE_IMAGES)) {
      const real = await respond(c, imageReview(make(), { uid: 'same' }));
      const dry = await respond(c, imageReview(make(), { uid: 'same', dryRun: true }));
      expect(dry).toEqual(real);
    }
  });

  it.each([
    ['frontend', true, undefined],
    ['backend', true, undefined],
    ['catalog', true, undefined],
    ['tampered', false, 'DigestMismatch'],
    ['unsigned', false, undefined],
    ['payments', false, 'IdentityMismatch'],
  ] as const)('%s: allowed %s', async (name, allowed, signatureReason) => {
    const response = await respond(await controller(), imageReview(EXAMPLE_IMAGES[name]()));
    expect(response.allowed).toBe(allowed);
    if (signatureReason) expect(reasons(response)).toContain(signatureReason);
    if (!allowed) expect(response.status?.code).toBe(403);
  });

  it('returns warnings of Warn policies on an allowed Image', async () => {
    const response = await respond(await controller(), imageReview(EXAMPLE_IMAGES.backend()));
    expect(response.allowed).toBe(true);
    expect(response.warnings).toHaveLength(1);
  });

  it('denies an Image no policy applies to (NoApplicablePolicy) unless unmatched is allow', async () => {
    const elsewhere = { ...EXAMPLE_IMAGES.frontend(), dockerImageReference: 'quay.io/other/app@sha256:603600d2915bed6f2faef0339536e886eb3b7d70039a28ad38c316ebf4d63310' };
    expect((await respond(await controller(), imageReview(elsewhere))).status?.reason).toBe('NoApplicablePolicy');
    expect((await respond(await controller({ unmatched: 'allow' }), imageReview(elsewhere))).allowed).toBe(true);
  });

  it('denies an Image with more signatures than policies evaluate (TooLarge) without verifying them', async () => {
    const image = EXAMPLE_IMAGES.frontend();
    const signature = (image['signatures'] as Json[])[0]!;
    image['signatures'] = Array.from({ length: policies.limits.maxSignatures + 1 }, () => signature);
    expect((await respond(await controller(), imageReview(image))).status?.reason).toBe('TooLarge');
  });

  it('lets DELETE through without judging', async () => {
    const review = imageReview(null, { operation: 'DELETE' });
    expect(await respond(await controller(), review)).toMatchObject({ allowed: true, auditAnnotations: { decision: 'NotJudged' } });
  });

  it('denies another kind on the Image endpoint with UnsupportedRequest', async () => {
    expect((await respond(await controller(), podReview([pinned('frontend')]), 'Image')).status?.reason).toBe('UnsupportedRequest');
  });
});

describe('Pod reviews', () => {
  it('the recorded Pod: init and regular containers by digest are judged, the tag is TagNotPinned', async () => {
    const response = await respond(await controller(), reviewFixture('pod-create.json'));
    expect(response).toMatchObject({ allowed: false, status: { code: 403, reason: 'TagNotPinned' } });
    expect(response.status?.message).not.toMatch(/\n/);
  });

  it('allows a Pod whose every image is allowed (digests, and a tag a policy allows)', async () => {
    const response = await respond(await controller(), podReview([pinned('frontend'), 'registry.example.com/tools/debug:2'], { init: [pinned('catalog')] }));
    expect(response.allowed).toBe(true);
  });

  it('one denied image denies the Pod; the first denied container comes first', async () => {
    const response = await respond(await controller(), podReview([pinned('frontend'), pinned('unsigned')], { init: [pinned('tampered')] }));
    expect(response.allowed).toBe(false);
    expect(response.status?.reason).toBe('Unsigned');
    expect(reasons(response)).toContain('DigestMismatch');
  });

  it('the ephemeral containers subresource: only the new ephemeral container is judged', async () => {
    const response = await respond(await controller(), reviewFixture('pod-ephemeral-update.json'));
    expect(response.allowed).toBe(true);
    const notAllowed = reviewFixture('pod-ephemeral-update.json');
    notAllowed['request'].object.spec.ephemeralContainers[0].image = 'registry.example.com/shop/debug:latest';
    expect((await respond(await controller(), notAllowed)).status?.reason).toBe('TagNotPinned');
  });

  it('a digest the cluster has no Image for is ImageNotFound; a bad reference InvalidReference', async () => {
    const c = await controller();
    expect((await respond(c, podReview([`registry.example.com/shop/x@sha256:${'a'.repeat(64)}`]))).status?.reason).toBe('ImageNotFound');
    expect((await respond(c, podReview(['Not A Reference']))).status?.reason).toBe('InvalidReference');
    expect((await respond(c, podReview(['']))).status?.reason).toBe('InvalidReference');
  });

  it('warnings carry over from every image', async () => {
    const response = await respond(await controller(), podReview([pinned('backend'), pinned('frontend')]));
    expect(response.allowed).toBe(true);
    expect(response.warnings).toHaveLength(1);
  });

  it('a failing or missing Image lookup is Indeterminate: denied, or allowed with a warning by choice', async () => {
    const failing = (): Promise<unknown> => Promise.reject(new Error('API down'));
    expect((await respond(await controller({ resolveImage: failing }), podReview([pinned('frontend')]))).status?.reason).toBe('Indeterminate');
    const lenient = await respond(await controller({ resolveImage: failing, onIndeterminate: 'allow' }), podReview([pinned('frontend')]));
    expect(lenient).toMatchObject({ allowed: true, auditAnnotations: { decision: 'Indeterminate' } });
    expect(lenient.warnings).toHaveLength(1);
    const withoutLookup = await createAdmissionController({ trust, policies, clock: () => NOW });
    expect((await respond(withoutLookup, podReview([pinned('frontend')]))).status?.reason).toBe('Indeterminate');
  });

  it('a Pod UPDATE that changes no image is not judged', async () => {
    const review = reviewFixture('pod-ephemeral-update.json');
    review['request'].object = structuredClone(review['request'].oldObject);
    review['request'].object.metadata.labels = { changed: 'yes' };
    expect(await respond(await controller(), review)).toMatchObject({ allowed: true, auditAnnotations: { decision: 'NotJudged' } });
  });
});

describe('malformed reviews', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['an empty object', {}],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }],
    ['a request without uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }],
  ])('%s: a well-formed MalformedReview denial (400)', async (_what, body) => {
    const answer = await (await controller()).review(body);
    expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: '', allowed: false, status: { code: 400, reason: 'MalformedReview' } } });
  });

  it('an Image review whose object is not an Image is MalformedReview (400), whatever the policies', async () => {
    for (const object of [null, 'image', { kind: 'Image' }, { ...EXAMPLE_IMAGES.frontend(), metadata: { name: 'not-a-digest' } }]) {
      const response = await respond(await controller({ unmatched: 'allow', onIndeterminate: 'allow' }), imageReview(object));
      expect(response).toMatchObject({ allowed: false, status: { code: 400, reason: 'MalformedReview' } });
    }
  });

  it('a Pod without containers is denied MalformedReview with its uid', async () => {
    const review = podReview([pinned('frontend')]);
    review['request'].object.spec = {};
    expect(await respond(await controller(), review)).toMatchObject({ uid: review['request'].uid, allowed: false, status: { code: 400, reason: 'MalformedReview' } });
  });
});

describe('deadline and decision cache', () => {
  const judgement = (decision: 'Allowed' | 'Denied', c: AdmissionController): ImageJudgement => ({
    decision, reason: decision === 'Allowed' ? 'Allowed' : 'Unsigned', message: '', warnings: [], reasons: [], verdict: 'Trusted',
    denyPolicyPassed: true, trustRevision: c.revisions.trust, policyRevision: c.revisions.policy,
  });

  it('answers Indeterminate when the signal fires first; the late judgement is cached for the retry', async () => {
    let release: (() => void) | undefined;
    const box: { c?: AdmissionController } = {};
    const c = await controller({ judge: () => new Promise<ImageJudgement>((resolve) => (release = () => resolve(judgement('Allowed', box.c!)))) });
    box.c = c;
    const abort = new AbortController();
    const pending = c.review(imageReview(EXAMPLE_IMAGES.frontend()), { signal: abort.signal });
    abort.abort();
    expect((await pending).response).toMatchObject({ allowed: false, status: { reason: 'Indeterminate' } });
    release!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const retry = await respond(c, imageReview(EXAMPLE_IMAGES.frontend()));
    expect(retry).toMatchObject({ allowed: true, auditAnnotations: { cache: 'hit' } });
  });

  it('a judgement made under another revision is answered but never cached', async () => {
    let calls = 0;
    const c = await controller({ judge: () => ((calls += 1), { ...judgement('Allowed', { revisions: { trust: 'old', policy: 'old' } } as AdmissionController) }) });
    await respond(c, imageReview(EXAMPLE_IMAGES.frontend()));
    await respond(c, imageReview(EXAMPLE_IMAGES.frontend()));
    expect(calls).toBe(2);
  });

  it('keys decisions by the whole Image: a different reference with the same name and signatures is judged anew', async () => {
    const lookups: boolean[] = [];
    const c = await controller({ onCacheLookup: (hit) => lookups.push(hit) });
    const image = EXAMPLE_IMAGES.frontend();
    expect((await respond(c, imageReview(image))).allowed).toBe(true);
    expect((await respond(c, imageReview(image))).auditAnnotations?.['cache']).toBe('hit');
    const moved: Json = { ...image, dockerImageReference: `registry.example.com/other/frontend@${String(image['metadata']['name'])}` };
    const response = await respond(c, imageReview(moved));
    expect(response.auditAnnotations?.['cache']).toBe('miss');
    expect(response.allowed).toBe(false);
    expect(lookups).toEqual([false, true, false]);
  });

  it('expires decisions after their time to live', async () => {
    let now = NOW.getTime();
    const c = await controller({ clock: () => new Date(now), cache: { ttlMs: 1000 } });
    await respond(c, imageReview(EXAMPLE_IMAGES.frontend()));
    now += 500;
    expect((await respond(c, imageReview(EXAMPLE_IMAGES.frontend()))).auditAnnotations?.['cache']).toBe('hit');
    now += 1000;
    expect((await respond(c, imageReview(EXAMPLE_IMAGES.frontend()))).auditAnnotations?.['cache']).toBe('miss');
  });

  it('a judge that throws gives Indeterminate, never an exception', async () => {
    const c = await controller({ judge: () => { throw new Error('boom'); } });
    expect((await respond(c, imageReview(EXAMPLE_IMAGES.frontend()))).status?.reason).toBe('Indeterminate');
    expect((await respond(c, podReview([pinned('frontend')]))).status?.reason).toBe('Indeterminate');
  });
});
