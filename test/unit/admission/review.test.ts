import { describe, expect, it } from 'vitest';
import { reviewFixture } from '../../helpers/admission-reviews.js';
import { isReviewProblem, MAX_UID_LENGTH, parseReview } from '../../../src/admission/review.js';

const fixture = reviewFixture;

describe('parseReview', () => {
  it('reads a recorded Image CREATE review', () => {
    const parsed = parseReview(fixture('image-create.json'));
    if (isReviewProblem(parsed)) throw new Error(parsed.problem);
    expect(parsed).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      uid: '0b6e3a4c-6f5d-4c1e-9f6a-3e2d1c0b9a87',
      kind: { group: 'image.openshift.io', version: 'v1', kind: 'Image' },
      resource: { group: 'image.openshift.io', resource: 'images' },
      operation: 'CREATE',
      namespace: '',
      dryRun: false,
      userInfo: { username: 'system:serviceaccount:openshift-infra:image-import-controller' },
    });
    expect(parsed.untrustedOldObject).toBeNull();
  });

  it('reads the subresource and the old object of a Pod UPDATE', () => {
    const parsed = parseReview(fixture('pod-ephemeral-update.json'));
    if (isReviewProblem(parsed)) throw new Error(parsed.problem);
    expect(parsed.subResource).toBe('ephemeralcontainers');
    expect(parsed.untrustedOldObject).toMatchObject({ kind: 'Pod' });
  });

  it('keeps v1beta1 reviews in their version', () => {
    const review = { ...fixture('image-create.json'), apiVersion: 'admission.k8s.io/v1beta1' };
    expect(parseReview(review)).toMatchObject({ apiVersion: 'admission.k8s.io/v1beta1' });
  });

  it.each([
    ['null', null, ''],
    ['an array', [], ''],
    ['a string', 'AdmissionReview', ''],
    ['another kind', { ...fixture('image-create.json'), kind: 'Pod' }, '0b6e3a4c-6f5d-4c1e-9f6a-3e2d1c0b9a87'],
    ['another apiVersion', { ...fixture('image-create.json'), apiVersion: 'v1' }, '0b6e3a4c-6f5d-4c1e-9f6a-3e2d1c0b9a87'],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, ''],
    ['a numeric uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 7 } }, ''],
    ['an overlong uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u'.repeat(MAX_UID_LENGTH + 1) } }, ''],
    ['no operation', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', kind: { kind: 'Pod' } } }, 'u1'],
    ['no kind', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u2', operation: 'CREATE' } }, 'u2'],
  ])('refuses %s, keeping the uid when readable', (_what, body, uid) => {
    const parsed = parseReview(body);
    expect(isReviewProblem(parsed)).toBe(true);
    expect(parsed.uid).toBe(uid);
  });

  it('never throws, even for objects whose getters throw', () => {
    const hostile = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', get request(): never { throw new Error('boom'); } };
    expect(isReviewProblem(parseReview(hostile))).toBe(true);
  });
});
