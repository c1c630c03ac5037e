import { describe, expect, it } from 'vitest';
import { capLine, MAX_STATUS_MESSAGE, MAX_WARNINGS, toReviewResponse } from '../../../src/admission/response.js';

const base = { apiVersion: 'admission.k8s.io/v1' as const, uid: 'u-1', reasons: [], warnings: [] };

describe('toReviewResponse', () => {
  it('allowed: uid echoed, no status, annotations with the decision', () => {
    const out = toReviewResponse({ ...base, allowed: true, decision: 'Allowed', reason: 'Verified', message: '', reasons: ['Verified', 'Verified'] });
    expect(out).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true, auditAnnotations: { decision: 'Allowed', reason: 'Verified', reasons: 'Verified' } },
    });
  });

  it('denied: 403 with reason and a capped one-line message', () => {
    const out = toReviewResponse({ ...base, allowed: false, decision: 'Denied', reason: 'Unsigned', message: `line1\nline2 ${'x'.repeat(5000)}` });
    expect(out.response.status?.code).toBe(403);
    expect(out.response.status?.reason).toBe('Unsigned');
    expect(out.response.status?.message).not.toMatch(/\n/);
    expect(out.response.status?.message.length).toBeLessThanOrEqual(MAX_STATUS_MESSAGE);
  });

  it('caps the number and the length of warnings and drops duplicates', () => {
    const warnings = [...Array.from({ length: 40 }, (_, i) => `w${i} ${'y'.repeat(400)}`), 'w0 ' + 'y'.repeat(400)];
    const out = toReviewResponse({ ...base, allowed: true, decision: 'Allowed', reason: 'x', message: '', warnings });
    expect(out.response.warnings).toHaveLength(MAX_WARNINGS);
    for (const w of out.response.warnings ?? []) expect(w.length).toBeLessThanOrEqual(256);
  });

  it('annotation keys have no slash (the API server prefixes them with the webhook name)', () => {
    const out = toReviewResponse({ ...base, allowed: false, decision: 'Denied', reason: 'r', message: 'm', annotations: { 'trust-revision': 'abc' } });
    for (const key of Object.keys(out.response.auditAnnotations ?? {})) expect(key).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/);
  });
});

describe('capLine', () => {
  it('flattens control and line separator characters', () => {
    expect(capLine('a\r\nb\u2028c\u0000d', 100)).toBe('a b c d');
  });
});
