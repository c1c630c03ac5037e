/** The report renderers, `report merge` and the checkpoint format (pure parts of the audit). */
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint, runMismatch, trustSpecsRevision, type AuditCheckpoint, type RunIdentity } from '../../../src/audit/checkpoint.js';
import { mergeReports } from '../../../src/audit/merge.js';
import { AUDIT_API_VERSION, type AuditItem, type AuditReport, type AuditReportHead } from '../../../src/audit/model.js';
import { formatForFile, renderReport } from '../../../src/audit/render.js';
import { SummaryBuilder } from '../../../src/audit/summary.js';
import { ConfigError } from '../../../src/codes.js';
import { parseXml } from '../../cli/xml.js';

const EVIL = '<script>alert("x")</script> & \u0001\u0007 ]]>';
const items: AuditItem[] = [
  { image: 'sha256:aa', dockerImageReference: 'registry.example.com/a@sha256:aa', source: 'cluster', verdict: 'Trusted', changed: true, written: true,
    signatures: [{ name: 'sha256:aa@1', type: 'atomic', trusted: true, forImage: true, reason: 'Verified', message: 'ok', keyID: 'K1', fingerprint: 'F1', trustRoot: 'r', signer: { commonName: EVIL }, expired: false, revoked: false }] },
  { image: 'sha256:bb', dockerImageReference: `registry.example.com/b:${EVIL}`, source: 'cluster', verdict: 'Untrusted', changed: false, written: false,
    signatures: [{ name: 'sha256:bb@2', type: 'atomic', trusted: false, forImage: false, reason: 'UnknownKey', message: EVIL, keyID: 'K2', expired: false, revoked: false }] },
  { image: 'sha256:cc', source: 'cluster', verdict: 'Unsigned', changed: false, written: false, writeError: EVIL, signatures: [] },
];

function head(extra: Partial<AuditReportHead> = {}, list: readonly AuditItem[] = items): AuditReportHead {
  const b = new SummaryBuilder();
  list.forEach((i) => b.add(i));
  return {
    apiVersion: AUDIT_API_VERSION, kind: 'AuditReport', evaluationTime: '2026-01-01T00:00:00Z', source: 'https://api.example:6443',
    identityRule: 'matchRepoDigestOrExact', writeConditions: true, dryRun: false, consistentSnapshot: false,
    summary: b.summary(), signers: b.inventory(), errors: [{ source: 'x', path: '.items[1]', message: EVIL }], ...extra,
  };
}

describe('report renderers', () => {
  it('json: the whole AuditReport, summary and inventory first, one item per line', () => {
    const text = renderReport('json', head(), items);
    const report = JSON.parse(text) as AuditReport;
    expect(report.items).toEqual(items);
    expect(report.summary.images).toBe(3);
    expect(report.errors).toHaveLength(1);
    expect(Object.keys(report).indexOf('summary')).toBeLessThan(Object.keys(report).indexOf('items'));
    expect(JSON.parse(renderReport('json', head({}, []), [])).items).toEqual([]);
  });

  it('ndjson: one line per Image', () => {
    const lines = renderReport('ndjson', head(), items).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as AuditItem)).toEqual(items);
  });

  it('junit: well-formed XML, a failure per untrusted Image, an error per failed write or input error', () => {
    const xml = parseXml(renderReport('junit', head(), items));
    expect(xml.name).toBe('testsuites');
    expect(xml.attributes).toMatchObject({ tests: '4', failures: '2', errors: '2' });
    const cases = xml.children[0]!.children.filter((c) => c.name === 'testcase');
    expect(cases).toHaveLength(4);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'failure'))).toHaveLength(2);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'error'))).toHaveLength(2);
  });

  it('html: self-contained, every run value escaped', () => {
    const page = renderReport('html', head(), items);
    expect(page).not.toContain('<script>alert');
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).not.toMatch(/\s(?:src|href)=/);
    expect(page).toContain("default-src 'none'");
    expect(page.match(/<tr data-v=/g)).toHaveLength(3);
    expect(page).toContain('unknown key');
  });

  it('table: a header, one line per Image, the counts and the signers', () => {
    const text = renderReport('table', head(), items);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+VERDICT/);
    expect(lines.slice(1, 4).every((l) => l.startsWith('registry.example.com/') || l.startsWith('sha256:'))).toBe(true);
    expect(text.includes('\u0001') || text.includes('\u0007')).toBe(false);
  });

  it('picks the --report format from the file name', () => {
    expect(formatForFile('r.HTML', 'json')).toBe('html');
    expect(formatForFile('r.xml', 'json')).toBe('junit');
    expect(formatForFile('r.jsonl', 'table')).toBe('ndjson');
    expect(formatForFile('r.json', 'table')).toBe('json');
    expect(formatForFile('r.txt', 'json')).toBe('table');
    expect(formatForFile('report', 'ndjson')).toBe('ndjson');
  });
});

describe('report merge', () => {
  const shard = (k: number, list: AuditItem[]): AuditReport => ({ ...head({ shard: `${k}/3`, consistentSnapshot: true }, list), items: list });

  it('sums counts and inventories, concatenates items, lists shards', () => {
    const { report, missingShards } = mergeReports([
      { name: 'a', value: shard(0, [items[0]!]) }, { name: 'b', value: shard(1, [items[1]!]) }, { name: 'c', value: shard(2, [items[2]!]) },
    ]);
    expect(missingShards).toEqual([]);
    expect(report.items.map((i) => i.image)).toEqual(['sha256:aa', 'sha256:bb', 'sha256:cc']);
    expect(report.summary).toEqual(head().summary);
    expect(report.signers).toEqual(head().signers);
    expect(report.shards?.map((s) => s.shard)).toEqual(['0/3', '1/3', '2/3']);
  });

  it('names the shards that are missing', () => {
    expect(mergeReports([{ name: 'a', value: shard(0, []) }, { name: 'c', value: shard(2, []) }]).missingShards).toEqual([1]);
  });

  it.each([
    ['the same shard twice', [shard(0, []), shard(0, [])]],
    ['overlapping shards', [shard(0, [items[0]!]), shard(1, [items[0]!])]],
    ['shards of different N', [shard(0, []), { ...shard(1, []), shard: '1/4' }]],
    ['other settings', [shard(0, []), { ...shard(1, []), identityRule: 'matchExact' }]],
    ['not a report', [shard(0, []), { kind: 'VerificationReport' }]],
  ])('refuses %s', (_what, values) => {
    expect(() => mergeReports(values.map((value, i) => ({ name: `r${i}`, value })))).toThrow(ConfigError);
  });
});

describe('checkpoints', () => {
  const run: RunIdentity = { evaluationTime: '2026-01-01T00:00:00Z', source: 'https://api', identityRule: 'matchRepoDigestOrExact', writeConditions: true, dryRun: false, trustRevision: 'abc' };
  const checkpoint: AuditCheckpoint = {
    apiVersion: AUDIT_API_VERSION, kind: 'AuditCheckpoint', run, pages: 3, continue: 'token', done: false, journalBytes: 1234,
    consistentSnapshot: true, summary: head().summary, signers: head().signers, errors: [],
  };

  it('round-trips', () => {
    expect(parseCheckpoint(formatCheckpoint(checkpoint), 'f')).toEqual(checkpoint);
  });

  it.each([
    ['empty', ''], ['an empty object', '{}'], ['an array', '[]'],
    ['negative pages', JSON.stringify({ ...checkpoint, pages: -1 })], ['another kind', JSON.stringify({ ...checkpoint, kind: 'AuditReport' })],
  ])('refuses %s', (_what, text) => {
    expect(() => parseCheckpoint(text, 'f')).toThrow(ConfigError);
  });

  it('tells runs apart by everything but the evaluation time', () => {
    expect(runMismatch(run, { ...run, evaluationTime: '2027-01-01T00:00:00Z' })).toBeNull();
    expect(runMismatch(run, { ...run, shard: '0/2' })).toBe('shard');
    expect(runMismatch(run, { ...run, trustRevision: 'def' })).toBe('trustRevision');
  });

  it('revises trust specs on any byte or option', () => {
    const spec = { name: 'a', keyrings: [{ data: new Uint8Array([1, 2]) }] };
    expect(trustSpecsRevision([spec])).toBe(trustSpecsRevision([{ ...spec }]));
    expect(trustSpecsRevision([spec])).not.toBe(trustSpecsRevision([{ ...spec, keyrings: [{ data: new Uint8Array([1, 3]) }] }]));
    expect(trustSpecsRevision([spec])).not.toBe(trustSpecsRevision([{ ...spec, keyValidity: 'signingTime' }]));
  });
});
