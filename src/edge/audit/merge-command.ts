/**
 * `imagetrust report merge FILE...`: joins `audit -o json` reports (one per shard) and prints the
 * merged report. Exit 0 when every Image passed, 1 when one did not, 2 when the reports cannot be
 * joined, a shard is missing, or the reports hold errors.
 */
import { readFile } from 'node:fs/promises';
import { mergeReports, type MergeInput } from '../../audit/merge.js';
import { renderReport, type ReportFormat } from '../../audit/render.js';
import { ConfigError } from '../../codes.js';
import type { CliIO } from '../cli.js';

export interface MergeCommandOptions {
  readonly output?: ReportFormat;
}

/** Throws ConfigError for unreadable files or reports that cannot be joined. */
export async function runReportMerge(files: readonly string[], options: MergeCommandOptions, io: CliIO): Promise<number> {
  if (files.length === 0) throw new ConfigError('report merge: give the JSON reports to merge');
  const inputs: MergeInput[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`report merge: ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    try {
      inputs.push({ name: file, value: JSON.parse(text) as unknown });
    } catch {
      throw new ConfigError(`report merge: ${file} is not JSON (merge the reports of audit -o json or --report FILE.json)`);
    }
  }
  const { report, missingShards } = mergeReports(inputs);
  const count = report.shards?.[0]?.shard.split('/')[1];
  io.stdout(renderReport(options.output ?? (io.stdoutIsTTY ? 'table' : 'json'), report, report.items));
  if (missingShards.length > 0) io.stderr(`imagetrust: report merge: shard${missingShards.length === 1 ? '' : 's'} ${missingShards.map((k) => `${k}/${count ?? '?'}`).join(', ')} missing\n`);
  const s = report.summary;
  if (missingShards.length > 0 || s.errors > 0 || s.writeFailures > 0) return 2;
  const passed = s.decisions ? s.decisions.Allowed : s.verdicts.Trusted;
  return passed === s.images ? 0 : 1;
}
