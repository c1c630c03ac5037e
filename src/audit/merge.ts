/**
 * `imagetrust report merge`: joins the JSON reports of shards (or of separate runs) into one report.
 * Counts, reasons and the signer inventory are summed; items are concatenated in argument order.
 * Shard reports must agree on N and on the verification settings, and no shard may appear twice.
 * Pure: the edge reads the files. Throws ConfigError for reports that cannot be joined.
 */
import { ConfigError } from '../codes.js';
import { MAX_KEPT_ERRORS } from './checkpoint.js';
import { AUDIT_API_VERSION, type AuditError, type AuditItem, type AuditReport, type ShardInfo } from './model.js';
import { SummaryBuilder } from './summary.js';

export interface MergeInput {
  /** File name, for messages. */
  readonly name: string;
  readonly value: unknown;
}

export interface MergeResult {
  readonly report: AuditReport;
  /** Shard indexes of N that no report covered (empty when complete, or when no report is a shard). */
  readonly missingShards: readonly number[];
}

/** Settings shard reports of one run share. */
const SAME_SETTINGS = ['identityRule', 'expectedIdentity', 'policyRevision', 'unmatched', 'writeConditions', 'dryRun'] as const;

export function mergeReports(inputs: readonly MergeInput[]): MergeResult {
  if (inputs.length === 0) throw new ConfigError('report merge: no reports given');
  const reports = inputs.map((input) => asReport(input));
  const first = reports[0] as AuditReport;
  for (const [i, report] of reports.entries()) {
    for (const key of SAME_SETTINGS) {
      if (JSON.stringify(report[key]) !== JSON.stringify(first[key])) {
        throw new ConfigError(`report merge: ${inputs[i]?.name ?? ''} was made with another ${key} than ${inputs[0]?.name ?? ''}`);
      }
    }
  }
  const sharded = reports.filter((r) => r.shard !== undefined);
  const missingShards = shardCheck(reports, inputs.map((x) => x.name), sharded.length > 0);
  if (sharded.length > 0) noDuplicateImages(reports, inputs.map((x) => x.name));

  const summary = new SummaryBuilder();
  const errors: AuditError[] = [];
  const items: AuditItem[] = [];
  const shards: ShardInfo[] = [];
  for (const report of reports) {
    summary.merge(report.summary, report.signers);
    for (const error of report.errors) if (errors.length < MAX_KEPT_ERRORS) errors.push(error);
    items.push(...report.items);
    const parts = report.shards ?? [{ shard: report.shard ?? 'all', evaluationTime: report.evaluationTime, images: report.summary.images, consistentSnapshot: report.consistentSnapshot }];
    shards.push(...parts);
  }
  const distinct = (values: (string | undefined)[]): string | undefined => {
    const set = [...new Set(values.filter((v): v is string => v !== undefined))];
    return set.length === 0 ? undefined : set.join(', ');
  };
  const selector = distinct(reports.map((r) => r.selector));
  const report: AuditReport = {
    apiVersion: AUDIT_API_VERSION,
    kind: 'AuditReport',
    evaluationTime: reports.map((r) => r.evaluationTime).sort()[0] ?? first.evaluationTime,
    source: distinct(reports.map((r) => r.source)) ?? first.source,
    ...(selector !== undefined ? { selector } : {}),
    identityRule: first.identityRule,
    ...(first.expectedIdentity !== undefined ? { expectedIdentity: first.expectedIdentity } : {}),
    ...(first.policyRevision !== undefined ? { policyRevision: first.policyRevision } : {}),
    ...(first.unmatched !== undefined ? { unmatched: first.unmatched } : {}),
    writeConditions: first.writeConditions,
    dryRun: first.dryRun,
    consistentSnapshot: reports.every((r) => r.consistentSnapshot),
    shards,
    summary: summary.summary(),
    signers: summary.inventory(),
    items,
    errors,
  };
  return { report, missingShards };
}

function asReport(input: MergeInput): AuditReport {
  const v = input.value;
  const bad = (what: string): never => {
    throw new ConfigError(`report merge: ${input.name} is not an imagetrust AuditReport (${what})`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not a JSON object');
  const r = v as Record<string, unknown>;
  if (r['apiVersion'] !== AUDIT_API_VERSION || r['kind'] !== 'AuditReport') return bad('apiVersion/kind');
  if (!Array.isArray(r['items']) || !Array.isArray(r['errors']) || !Array.isArray(r['signers'])) return bad('items, signers or errors missing');
  const summary = r['summary'];
  if (typeof summary !== 'object' || summary === null || typeof (summary as Record<string, unknown>)['images'] !== 'number') return bad('summary');
  if (typeof r['evaluationTime'] !== 'string' || typeof r['source'] !== 'string' || typeof r['identityRule'] !== 'string') return bad('header');
  return v as AuditReport;
}

/** Every shard report has the same N and a distinct K; returns the K that are missing. */
function shardCheck(reports: readonly AuditReport[], names: readonly string[], sharded: boolean): number[] {
  if (!sharded) return [];
  const seen = new Map<number, string>();
  let count: number | undefined;
  reports.forEach((report, i) => {
    const parts = report.shards?.map((s) => s.shard) ?? [report.shard ?? ''];
    for (const part of parts) {
      const m = /^(\d+)\/(\d+)$/.exec(part);
      if (m === null) throw new ConfigError(`report merge: ${names[i] ?? ''} is not a shard report (all or none must be shards)`);
      const k = Number(m[1]);
      const n = Number(m[2]);
      if (count !== undefined && n !== count) throw new ConfigError(`report merge: ${names[i] ?? ''} is a shard of ${n}, others of ${count}`);
      count = n;
      const other = seen.get(k);
      if (other !== undefined) throw new ConfigError(`report merge: shard ${k}/${n} appears in both ${other} and ${names[i] ?? ''}`);
      seen.set(k, names[i] ?? '');
    }
  });
  const missing: number[] = [];
  for (let k = 0; k < (count ?? 0); k++) if (!seen.has(k)) missing.push(k);
  return missing;
}

function noDuplicateImages(reports: readonly AuditReport[], names: readonly string[]): void {
  const owner = new Map<string, number>();
  reports.forEach((report, i) => {
    for (const item of report.items) {
      const before = owner.get(item.image);
      if (before !== undefined && before !== i) {
        throw new ConfigError(`report merge: Image ${item.image} is in both ${names[before] ?? ''} and ${names[i] ?? ''}: the shards overlap`);
      }
      owner.set(item.image, i);
    }
  });
}
