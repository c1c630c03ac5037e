/**
 * Where the report goes: standard output in the `-o` format, and a `--report` file in the format its
 * extension names. `ndjson` is written while the run goes (one line per Image as it finishes); the
 * other formats need the counts first, so they are rendered at the end from the item journal.
 */
import { rendererFor, type ReportFormat } from '../../audit/render.js';
import type { AuditItem, AuditReportHead } from '../../audit/model.js';
import { fileTarget, stdoutTarget, type Journal, type Target } from './files.js';

export interface Output {
  readonly format: ReportFormat;
  readonly target: Target;
  /** Written during the run (ndjson) rather than rendered at the end. */
  readonly live: boolean;
}

export function openOutputs(stdout: (text: string) => void, stdoutFormat: ReportFormat, reportFile: string | undefined, reportFormat: ReportFormat): Output[] {
  const outputs: Output[] = [{ format: stdoutFormat, target: stdoutTarget(stdout), live: stdoutFormat === 'ndjson' }];
  if (reportFile !== undefined) outputs.push({ format: reportFormat, target: fileTarget(reportFile), live: reportFormat === 'ndjson' });
  return outputs;
}

/** Renders every format that waited for the end, from the journal's items. */
export async function renderAtEnd(outputs: readonly Output[], head: AuditReportHead, journal: Journal | undefined): Promise<void> {
  const pending = outputs.filter((o) => !o.live);
  if (pending.length === 0) return;
  const renderers = pending.map((o) => rendererFor(o.format));
  pending.forEach((o, i) => o.target.write(renderers[i]?.head(head) ?? ''));
  let index = 0;
  if (journal) {
    for await (const line of journal.lines()) {
      const item = JSON.parse(line) as AuditItem;
      pending.forEach((o, i) => o.target.write(renderers[i]?.row(item, index, head) ?? ''));
      index++;
      if (index % 256 === 0) await Promise.all(pending.map((o) => o.target.flush()));
    }
  }
  pending.forEach((o, i) => o.target.write(renderers[i]?.foot(head) ?? ''));
  await Promise.all(pending.map((o) => o.target.flush()));
}
