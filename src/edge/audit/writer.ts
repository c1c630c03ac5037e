/**
 * Write-back of changed Images (contract section 9): `PUT` the engine's new Image, which carries the
 * `resourceVersion` that was read. On `409 Conflict` someone else wrote first: re-read the Image,
 * verify it again (their change is kept, ours is applied on top of it) and retry, a bounded number
 * of times, then report the failure. At most `concurrency` writes are in flight.
 */
import type { AuditItem } from '../../audit/model.js';
import { itemOf, type VerifyOutcome } from './outcome.js';
import type { ImageApi } from './image-api.js';
import type { VerifyPool } from './verify-pool.js';

/** Attempts per Image, the first included, before a conflict is reported. */
export const MAX_WRITE_ATTEMPTS = 5;

export interface WriteResult {
  readonly item: AuditItem;
  /** 409 conflicts met. */
  readonly conflicts: number;
}

export interface Writer {
  /** Writes the outcome's body (present only when the conditions changed); re-verifies on conflicts. */
  write(name: string, source: string, seq: number, at: number, item: AuditItem, outcome: VerifyOutcome & { readonly body: string }): Promise<WriteResult>;
}

export function createWriter(api: ImageApi, pool: VerifyPool, options: { readonly dryRun: boolean; readonly concurrency: number }): Writer {
  let active = 0;
  const queue: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (active < options.concurrency) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  return {
    async write(name, source, seq, at, firstItem, first) {
      await acquire();
      try {
        let outcome: VerifyOutcome = first;
        let item = firstItem;
        let conflicts = 0;
        for (let attempt = 1; ; attempt++) {
          const { body } = outcome;
          if (body === undefined) return { item: item.writeError !== undefined ? item : { ...item, written: false }, conflicts };
          const result = await api.replace(name, body, options.dryRun);
          switch (result.kind) {
            case 'ok':
              return { item: { ...item, written: true }, conflicts };
            case 'gone':
              return { item: { ...item, written: false }, conflicts };
            case 'failed':
              return { item: { ...item, written: false, writeError: result.message }, conflicts };
            case 'conflict': {
              conflicts++;
              if (attempt >= MAX_WRITE_ATTEMPTS) {
                return { item: { ...item, written: false, writeError: `409 Conflict: the Image kept changing (${attempt} attempts)` }, conflicts };
              }
              const fresh = await api.get(name);
              if (fresh === null) return { item: { ...item, written: false }, conflicts };
              const again = pool.verify({ seq, at, image: fresh, source });
              pool.flush();
              outcome = await again;
              item = itemOf(outcome) ?? item;
            }
          }
        }
      } finally {
        release();
      }
    },
  };
}
