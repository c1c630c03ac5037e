/**
 * `imagetrust audit` (contract section 9): audit Images from files or a cluster's Image API, write
 * changed signature conditions back (`--write-conditions`), report in table, json, ndjson, junit or
 * html, by shard, resumable. Exit 0 when every Image is trusted (or allowed by policy), 1 when one
 * is not, 2 on usage, configuration, input, API or write errors.
 */
import { trustSpecsRevision, type AuditCheckpoint, type RunIdentity } from '../audit/checkpoint.js';
import { AUDIT_API_VERSION, type AuditReportHead, type AuditRunInfo } from '../audit/model.js';
import { formatShard } from '../audit/shard.js';
import { SummaryBuilder } from '../audit/summary.js';
import { ConfigError } from '../codes.js';
import { conditionTime } from '../conditions.js';
import type { PolicySet } from '../policy/load.js';
import type { CliIO } from './cli.js';
import { Journal } from './audit/files.js';
import { AuditStop } from './audit/image-api.js';
import { openOutputs, renderAtEnd, type Output } from './audit/outputs.js';
import { runPipeline, type PipelineState } from './audit/pipeline.js';
import { silentProgress, terminalProgress } from './audit/progress.js';
import { prepareResume, type Resume } from './audit/resume.js';
import { auditSettings, type AuditCommandOptions } from './audit/settings.js';
import { openSource, type OpenedSource } from './audit/open-source.js';
import { createVerifyPool, type VerifyPool } from './audit/verify-pool.js';
import { createWriter } from './audit/writer.js';
import { readTrustSources } from './trust-input.js';

export type { AuditCommandOptions } from './audit/settings.js';

/** Concurrent `PUT`s: gentle with the API server. */
const WRITE_CONCURRENCY = 4;

/** Throws ConfigError for usage and configuration errors; API and write failures are exit 2 with a message. */
export async function runAudit(inputs: readonly string[], options: AuditCommandOptions, io: CliIO): Promise<number> {
  const settings = auditSettings(inputs, options, io.stdoutIsTTY);
  const trust = await readTrustSources(options.trust);
  const write = options.writeConditions === true;
  const policyPaths = options.policy ?? [];
  let policies: PolicySet | undefined;
  // CEL is loaded only when there are policies: the main thread of a plain audit stays light.
  const policyModules = policyPaths.length > 0 ? await Promise.all([import('./policy-input.js'), import('../policy/load.js')]) : undefined;
  try {
    policies = policyModules ? await policyModules[0].readPolicySources(policyPaths) : undefined;
  } catch (error) {
    if (!policyModules || !(error instanceof policyModules[1].PolicyLoadError)) throw error;
    // Every problem of every file, one `file:line:col: message` line each.
    for (const line of error.message.split('\n')) io.stderr(`imagetrust: ${line}\n`);
    return 2;
  }
  const unmatched = options.unmatched ?? 'deny';
  // Workers load and build their engines while the source (and kubeconfig library) opens.
  const starting = createVerifyPool({
    trust, identityRule: settings.identityRule, cache: options.cache, write,
    ...(settings.expectedIdentity !== undefined ? { expectedIdentity: settings.expectedIdentity } : {}),
    ...(policies ? { policyPaths, policyRevision: policies.revision, unmatched } : {}),
  }, settings.workers);
  starting.catch(() => undefined);
  let pool: VerifyPool | undefined;
  let opened: OpenedSource | undefined;
  let resume: Resume | undefined;
  let journal: Journal | undefined;
  let outputs: Output[] = [];
  try {
    opened = await openSource(inputs, options, settings);
    const info: AuditRunInfo = {
      evaluationTime: conditionTime(options.at ?? io.now()),
      source: opened.description,
      ...(options.selector !== undefined ? { selector: options.selector } : {}),
      ...(settings.shard !== undefined ? { shard: formatShard(settings.shard) } : {}),
      identityRule: options.identityRule,
      ...(settings.expectedIdentity !== undefined ? { expectedIdentity: settings.expectedIdentity } : {}),
      ...(policies ? { policyRevision: policies.revision, unmatched } : {}),
      writeConditions: write,
      dryRun: options.dryRun === true,
    };
    const identity: RunIdentity = { ...info, trustRevision: trustSpecsRevision(trust) };
    resume = options.resume !== undefined ? await prepareResume(options.resume, identity, options.at !== undefined) : undefined;
    const saved: AuditCheckpoint | undefined = resume?.checkpoint;
    // One evaluation time for the whole run, a resumed one included.
    const evaluationTime = saved?.run.evaluationTime ?? info.evaluationTime;
    const state: PipelineState = {
      summary: saved ? SummaryBuilder.from(saved.summary, saved.signers) : new SummaryBuilder(),
      errors: saved ? [...saved.errors] : [],
      consistentSnapshot: saved?.consistentSnapshot ?? true,
      pages: saved?.pages ?? 0,
    };

    outputs = openOutputs(io.stdout, settings.stdoutFormat, options.report, settings.reportFormat);
    journal = resume?.journal ?? (outputs.some((o) => !o.live) ? await Journal.temporary() : undefined);
    const live = outputs.filter((o) => o.live);
    if (resume && journal && live.length > 0) {
      // The report of a resumed run covers the whole run: first what the killed run finished.
      for await (const line of journal.lines()) for (const o of live) o.target.write(`${line}\n`);
    }

    pool = await starting;
    const progress = process.stderr.isTTY === true ? terminalProgress(io.stderr) : silentProgress;
    const checkpointed = { ...identity, evaluationTime };
    const currentJournal = journal;
    // A run killed after its last page only has its report left to write.
    if (saved?.done !== true) await runPipeline({
      source: opened.source,
      from: saved?.continue ?? '',
      at: Date.parse(evaluationTime),
      pool,
      ...(opened.api && write ? { writer: createWriter(opened.api, pool, { dryRun: options.dryRun === true, concurrency: WRITE_CONCURRENCY }) } : {}),
      ...(settings.shard !== undefined ? { shard: settings.shard } : {}),
      progress,
      onItem: (line) => {
        currentJournal?.append(line);
        for (const o of live) o.target.write(line);
      },
      onPage: async (next, last) => {
        await Promise.all([currentJournal?.flush(), ...live.map((o) => o.target.flush())]);
        await resume?.save(checkpointed, state, next, last);
      },
    }, state);

    const summary = state.summary.summary();
    if (!settings.cluster && summary.images === 0 && summary.errors === 0) {
      state.errors.push({ source: inputs.join(' '), path: '', message: 'no Images found' });
      state.summary.addErrors(1);
    }
    for (const error of state.errors) io.stderr(`imagetrust: ${error.source}${error.path ? ` ${error.path}` : ''}: ${error.message}\n`);
    const head: AuditReportHead = {
      apiVersion: AUDIT_API_VERSION,
      kind: 'AuditReport',
      ...info,
      evaluationTime,
      consistentSnapshot: state.consistentSnapshot,
      summary: state.summary.summary(),
      signers: state.summary.inventory(),
      errors: state.errors,
    };
    await renderAtEnd(outputs, head, journal);
    for (const o of outputs) await o.target.close();
    await resume?.finish();
    return exitCode(head);
  } catch (error) {
    if (error instanceof AuditStop) {
      io.stderr(`imagetrust: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ConfigError) throw error;
    io.stderr(`imagetrust: audit stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    for (const o of outputs) await o.target.close().catch(() => undefined);
    await (pool ?? (await starting.catch(() => undefined)))?.close();
    opened?.close();
    await journal?.dispose();
  }
}

/** 2 on errors, 0 when every Image passed (trusted, or allowed by policy), else 1. */
function exitCode(head: AuditReportHead): number {
  const s = head.summary;
  if (s.errors > 0 || s.writeFailures > 0) return 2;
  const passed = s.decisions ? s.decisions.Allowed : s.verdicts.Trusted;
  return passed === s.images ? 0 : 1;
}
