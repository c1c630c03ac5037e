/**
 * The audit's command-line settings, checked before anything runs: source (files, or the cluster),
 * write-back, shard, page size, workers, output formats. Throws ConfigError for a usage error.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../codes.js';
import { parseLabelSelector, type LabelSelector } from '../../audit/label-selector.js';
import { formatForFile, type ReportFormat } from '../../audit/render.js';
import { parseShard, type Shard } from '../../audit/shard.js';
import type { IdentityRule } from '../../identity/rules.js';
import { normalizeExpectedIdentity, parseIdentityRuleOption } from '../identity-options.js';

/** What commander hands the `audit` action. */
export interface AuditCommandOptions {
  readonly trust: string[];
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly inCluster?: boolean;
  readonly selector?: string;
  readonly concurrency?: string;
  readonly writeConditions?: boolean;
  readonly dryRun?: boolean;
  readonly shard?: string;
  readonly resume?: string;
  readonly report?: string;
  readonly output?: ReportFormat;
  readonly at?: Date;
  readonly identityRule: string;
  readonly expectedIdentity?: string;
  readonly pageSize?: string;
  readonly cache: boolean;
  readonly policy?: string[];
  readonly unmatched?: 'allow' | 'deny';
}

export interface AuditSettings {
  readonly cluster: boolean;
  readonly shard?: Shard;
  readonly selector?: LabelSelector;
  readonly identityRule: IdentityRule;
  readonly expectedIdentity?: string;
  readonly workers: number;
  readonly pageSize: number;
  readonly stdoutFormat: ReportFormat;
  readonly reportFormat: ReportFormat;
}

/** Largest `--page-size`. */
export const MAX_PAGE_SIZE = 10_000;

export function auditSettings(inputs: readonly string[], options: AuditCommandOptions, stdoutIsTTY: boolean): AuditSettings {
  const cluster = inputs.length === 0;
  if (!cluster && (options.kubeconfig !== undefined || options.inCluster === true || options.context !== undefined)) {
    throw new ConfigError('audit: give Image files or a cluster (--kubeconfig, --context, --in-cluster), not both');
  }
  if (options.inCluster === true && (options.kubeconfig !== undefined || options.context !== undefined)) {
    throw new ConfigError('audit: --in-cluster uses the pod\'s service account; it cannot be combined with --kubeconfig or --context');
  }
  if (options.dryRun === true && options.writeConditions !== true) throw new ConfigError('audit: --dry-run only applies to --write-conditions');
  if (options.writeConditions === true && !cluster) throw new ConfigError('audit: --write-conditions writes to the cluster\'s Image API; it needs --kubeconfig or --in-cluster, not files');
  const pageSize = count(options.pageSize, DEFAULT_PAGE_SIZE);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new ConfigError(`audit: --page-size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  // The CPUs Node sees may be the node's, not the container's CPU limit: default to at most 8.
  const workers = count(options.concurrency, Math.min(8, Math.max(1, availableParallelism())));
  if (workers < 0 || workers > 64) throw new ConfigError('audit: --concurrency must be a whole number from 0 to 64');
  const stdoutFormat = options.output ?? (stdoutIsTTY ? 'table' : 'json');
  return {
    cluster,
    ...(options.shard !== undefined ? { shard: parseShard(options.shard) } : {}),
    ...(options.selector !== undefined ? { selector: parseLabelSelector(options.selector) } : {}),
    identityRule: parseIdentityRuleOption(options.identityRule),
    ...(options.expectedIdentity !== undefined ? { expectedIdentity: normalizeExpectedIdentity(options.expectedIdentity) } : {}),
    workers,
    pageSize,
    stdoutFormat,
    reportFormat: options.report !== undefined ? formatForFile(options.report, 'json') : stdoutFormat,
  };
}

/** `--page-size` default: as `kubectl get --chunk-size`. */
export const DEFAULT_PAGE_SIZE = 500;

/** A whole number option; -1 (always out of range) when it is not one. */
function count(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return /^\d{1,6}$/.test(value) ? Number(value) : -1;
}


