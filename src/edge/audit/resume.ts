/**
 * `--resume FILE`: the checkpoint and its item journal (`FILE.items.ndjson`). A new run pins its
 * evaluation time in a first checkpoint; after each completed page the checkpoint records the
 * continue token, the journal length and the counts. A resumed run cuts the journal back to the
 * checkpoint (Images of the unfinished page are audited again, so each appears once) and continues
 * from the token. A finished run removes both files.
 */
import { runMismatch, type AuditCheckpoint, type RunIdentity } from '../../audit/checkpoint.js';
import { AUDIT_API_VERSION } from '../../audit/model.js';
import { SummaryBuilder } from '../../audit/summary.js';
import { ConfigError } from '../../codes.js';
import { Journal, journalPathFor, readCheckpoint, removeCheckpoint, writeCheckpoint } from './files.js';
import type { PipelineState } from './pipeline.js';

export interface Resume {
  /** The checkpoint a killed run left, if any. */
  readonly checkpoint?: AuditCheckpoint;
  readonly journal: Journal;
  save(run: RunIdentity, state: PipelineState, next: string, last: boolean): Promise<void>;
  /** The run finished and its report is written: remove the checkpoint and journal. */
  finish(): Promise<void>;
}

/** Throws ConfigError when the file is not a checkpoint or belongs to another run. */
export async function prepareResume(path: string, identity: RunIdentity, timeGiven: boolean): Promise<Resume> {
  const checkpoint = await readCheckpoint(path);
  if (checkpoint) {
    const differs = runMismatch(checkpoint.run, identity) ?? (timeGiven && checkpoint.run.evaluationTime !== identity.evaluationTime ? 'evaluationTime (--at)' : null);
    if (differs !== null) {
      throw new ConfigError(`--resume ${path}: the checkpoint belongs to another audit (its ${differs} differs); delete it to start over, or use another file`);
    }
  }
  const journal = await Journal.persistent(journalPathFor(path), checkpoint?.journalBytes ?? 0);
  const save = async (run: RunIdentity, state: PipelineState, next: string, last: boolean): Promise<void> => {
    await writeCheckpoint(path, {
      apiVersion: AUDIT_API_VERSION,
      kind: 'AuditCheckpoint',
      run,
      pages: state.pages,
      continue: next,
      done: last,
      journalBytes: journal.bytes,
      consistentSnapshot: state.consistentSnapshot,
      summary: state.summary.summary(),
      signers: state.summary.inventory(),
      errors: state.errors,
    });
  };
  if (!checkpoint) {
    // Pins the evaluation time before the first page, so a resumed run judges at the same instant.
    await save(identity, { summary: new SummaryBuilder(), errors: [], consistentSnapshot: true, pages: 0 }, '', false);
  }
  return {
    ...(checkpoint ? { checkpoint } : {}),
    journal,
    save,
    finish: async () => {
      await journal.dispose();
      await removeCheckpoint(path);
    },
  };
}
