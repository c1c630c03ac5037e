/**
 * What crosses between the audit's main thread and its verification workers: a task (one Image)
 * and its outcome. Kept apart from `image-verifier.ts` so the main thread, which only routes tasks
 * and reads outcomes, never loads the engine.
 */
import type { AuditError, AuditItem } from '../../audit/model.js';
import type { JsonObject } from '../../types.js';

export interface VerifyTask {
  readonly seq: number;
  /** The run's evaluation time, milliseconds since the epoch. */
  readonly at: number;
  readonly image: JsonObject;
  readonly source: string;
}

export interface VerifyOutcome {
  readonly seq: number;
  /**
   * The `AuditItem` as one JSON line (no newline): posted as a string, which is far cheaper to pass
   * between threads than the object. Absent when the document is not an Image (`errors` says why).
   */
  readonly line?: string;
  /** The Image to write, as JSON: only with write-back, when the conditions changed. */
  readonly body?: string;
  readonly errors: readonly AuditError[];
}

/** The item of an outcome. */
export function itemOf(outcome: VerifyOutcome): AuditItem | undefined {
  return outcome.line === undefined ? undefined : (JSON.parse(outcome.line) as AuditItem);
}
