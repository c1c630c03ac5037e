/**
 * The `--resume` checkpoint: written after each page, it says where the list continues (the
 * continue token for the next page), how many bytes of the item journal are complete, and the
 * counts so far. A checkpoint belongs to one run: resuming with other settings is refused.
 * Pure: reading and writing the file is the edge's job.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../codes.js';
import type { TrustRootSpec } from '../trust/material.js';
import { AUDIT_API_VERSION, type AuditError, type AuditRunInfo, type AuditSummary, type SignerEntry } from './model.js';

/** Errors kept in a checkpoint (and a report): the first ones; the summary counts them all. */
export const MAX_KEPT_ERRORS = 1_000;

/** What makes two runs the same run: the settings that decide which Images are audited and how. */
export interface RunIdentity extends AuditRunInfo {
  readonly trustRevision: string;
}

export interface AuditCheckpoint {
  readonly apiVersion: typeof AUDIT_API_VERSION;
  readonly kind: 'AuditCheckpoint';
  readonly run: RunIdentity;
  /** Pages completed: every Image on them is verified, written if needed, and in the journal. */
  readonly pages: number;
  /** The continue token for the next page ('' before the first page). */
  readonly continue: string;
  /** True when the last page was completed: only the report is left to write. */
  readonly done: boolean;
  /** Bytes of the item journal that belong to completed pages. */
  readonly journalBytes: number;
  readonly consistentSnapshot: boolean;
  readonly summary: AuditSummary;
  readonly signers: readonly SignerEntry[];
  readonly errors: readonly AuditError[];
}

/** A revision of trust root specs (names, options and keyring bytes), for telling runs apart. */
export function trustSpecsRevision(specs: readonly TrustRootSpec[]): string {
  const hash = createHash('sha256');
  for (const spec of specs) {
    const { keyrings, caBundles, ...rest } = spec;
    const text = JSON.stringify(rest);
    hash.update(`${text.length}:${text}`);
    for (const [label, list] of [['keyrings', keyrings], ['caBundles', caBundles]] as const) {
      hash.update(`${label}:${list?.length ?? 0}:`);
      for (const item of list ?? []) hash.update(`${item.data.length}:`).update(item.data);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The setting that differs between a checkpoint's run and this run, or null when they are the same run. */
export function runMismatch(saved: RunIdentity, current: RunIdentity): string | null {
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
  for (const key of [...keys].sort()) {
    if (key === 'evaluationTime') continue;
    const a = (saved as unknown as Record<string, unknown>)[key];
    const b = (current as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) return key;
  }
  return null;
}

/** Reads a checkpoint from its JSON text. Throws ConfigError naming `path` when it is not one. */
export function parseCheckpoint(text: string, path: string): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`--resume ${path}: not a checkpoint (invalid JSON); delete it to start over`);
  }
  const bad = (what: string): never => {
    throw new ConfigError(`--resume ${path}: not an imagetrust audit checkpoint (${what}); delete it to start over`);
  };
  if (!isObject(value)) return bad('not an object');
  if (value['apiVersion'] !== AUDIT_API_VERSION || value['kind'] !== 'AuditCheckpoint') return bad('kind');
  const run = value['run'];
  if (!isObject(run) || typeof run['evaluationTime'] !== 'string' || typeof run['trustRevision'] !== 'string') return bad('run');
  for (const key of ['pages', 'journalBytes'] as const) {
    const n = value[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return bad(key);
  }
  if (typeof value['continue'] !== 'string') return bad('continue');
  if (typeof value['done'] !== 'boolean' || typeof value['consistentSnapshot'] !== 'boolean') return bad('flags');
  const summary = value['summary'];
  if (!isObject(summary) || typeof summary['images'] !== 'number' || !isObject(summary['verdicts']) || !isObject(summary['reasons'])) return bad('summary');
  if (!Array.isArray(value['signers']) || !Array.isArray(value['errors'])) return bad('signers');
  return value as unknown as AuditCheckpoint;
}

/** The checkpoint's JSON text. */
export function formatCheckpoint(checkpoint: AuditCheckpoint): string {
  return `${JSON.stringify(checkpoint, null, 2)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
