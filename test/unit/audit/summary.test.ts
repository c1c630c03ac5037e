import { describe, expect, it } from 'vitest';
import type { AuditItem, AuditSignature } from '../../../src/audit/model.js';
import { SummaryBuilder } from '../../../src/audit/summary.js';

const FPR = 'D41902F7837351AEBB933DB0E4C94DF13613675A';

function sig(reason: string, extra: Partial<AuditSignature> = {}): AuditSignature {
  return { name: 'n', type: 'atomic', trusted: reason === 'Verified', forImage: reason === 'Verified', reason, message: '', expired: false, revoked: false, ...extra };
}
function item(verdict: AuditItem['verdict'], signatures: AuditSignature[], extra: Partial<AuditItem> = {}): AuditItem {
  return { image: `sha256:${Math.random()}`, source: 'cluster', verdict, signatures, changed: false, ...extra };
}
const trusted = sig('Verified', { keyID: 'E4C94DF13613675A', fingerprint: FPR, trustRoot: 'release', signer: { commonName: 'Release' } });
const unknown = sig('UnknownKey', { keyID: 'E06632A731839D20' });

describe('audit summary and signer inventory', () => {
  it('counts verdicts, reasons, changes, writes and failures', () => {
    const b = new SummaryBuilder();
    b.add(item('Trusted', [trusted, unknown], { changed: true, written: true }));
    b.add(item('Untrusted', [unknown], { changed: true, written: false, writeError: 'HTTP 500' }));
    b.add(item('Unsigned', []));
    b.addConflicts(2);
    b.addErrors(1);
    const s = b.summary();
    expect(s).toMatchObject({ images: 3, signatures: 3, verdicts: { Trusted: 1, Untrusted: 1, Unsigned: 1 }, changed: 2, written: 1, writeFailures: 1, conflicts: 2, errors: 1 });
    expect(s.reasons).toEqual({ UnknownKey: 2, Verified: 1 });
    expect(s.decisions).toBeUndefined();
  });

  it('lists every key that signed, trusted keys first, unknown key IDs to onboard', () => {
    const b = new SummaryBuilder();
    b.add(item('Trusted', [trusted, unknown]));
    b.add(item('Untrusted', [unknown, unknown]));
    b.add(item('Untrusted', [sig('MalformedSignature')]));
    const inventory = b.inventory();
    expect(inventory).toHaveLength(2);
    expect(inventory[0]).toMatchObject({ fingerprint: FPR, known: true, trustRoot: 'release', commonName: 'Release', signatures: 1, verified: 1, images: 1 });
    expect(inventory[1]).toMatchObject({ keyIDs: ['E06632A731839D20'], known: false, signatures: 3, images: 2, reasons: { UnknownKey: 3 } });
  });

  it('counts policy decisions and the reasons of denials', () => {
    const b = new SummaryBuilder();
    b.add(item('Trusted', [trusted], { decision: 'Allowed', reason: 'Allowed' }));
    b.add(item('Untrusted', [unknown], { decision: 'Denied', reason: 'Unsigned' }));
    expect(b.summary()).toMatchObject({ decisions: { Allowed: 1, Denied: 1 }, policyReasons: { Unsigned: 1 } });
  });

  it('keeps the inventory bounded and counts what it leaves out', () => {
    const b = new SummaryBuilder(2);
    for (let i = 0; i < 5; i++) b.add(item('Untrusted', [sig('UnknownKey', { keyID: `KEY${i}` })]));
    expect(b.inventory()).toHaveLength(2);
    expect(b.summary().signersOmitted).toBe(3);
  });

  it('merging summaries equals adding every item to one', () => {
    const items = [item('Trusted', [trusted]), item('Untrusted', [unknown], { changed: true }), item('Unsigned', []), item('Trusted', [trusted, unknown])];
    const one = new SummaryBuilder();
    items.forEach((i) => one.add(i));
    const a = new SummaryBuilder();
    const c = new SummaryBuilder();
    items.slice(0, 2).forEach((i) => a.add(i));
    items.slice(2).forEach((i) => c.add(i));
    const merged = SummaryBuilder.from(a.summary(), a.inventory());
    merged.merge(c.summary(), c.inventory());
    expect(merged.summary()).toEqual(one.summary());
    expect(merged.inventory()).toEqual(one.inventory());
  });
});
