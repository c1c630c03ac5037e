/**
 * Judging on worker threads. The engine is synchronous: a large Image (thousands of signatures)
 * would hold the event loop, and no deadline timer could fire until it is done. Judged on a worker,
 * the main thread stays free: deadlines fire on time (the answer is Indeterminate while the worker
 * goes on and its judgement fills the cache), cache hits, probes and metrics answer at once.
 *
 * Each worker loads the same trust roots and policy files as the main thread and reports the
 * revisions it judged under, so a judgement made across a reload is never cached under the new
 * revision. A worker that dies fails its pending judgements (Indeterminate) and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { ImageJudgement, JudgeContext } from '../../admission/judge.js';
import type { TrustRootSpec } from '../../trust/material.js';

/** What every worker loads: plain data (trust specs carry keyring bytes; policies are read from their files). */
export interface WorkerConfig {
  readonly trust: readonly TrustRootSpec[];
  readonly policyPaths: readonly string[];
}

export type ToWorker =
  | { readonly type: 'configure'; readonly generation: number; readonly config: WorkerConfig }
  | { readonly type: 'judge'; readonly id: number; readonly image: unknown; readonly context: JudgeContext };

export type FromWorker =
  | { readonly type: 'configured'; readonly generation: number; readonly trustRevision: string; readonly policyRevision: string }
  | { readonly type: 'configure-failed'; readonly generation: number; readonly message: string }
  | { readonly type: 'judged'; readonly id: number; readonly judgement: ImageJudgement }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export interface JudgePool {
  /** Loads `config` in every worker; resolves with the revisions they report, rejects with the first failure. */
  configure(config: WorkerConfig): Promise<{ readonly trust: string; readonly policy: string }>;
  judge(image: unknown, context: JudgeContext): Promise<ImageJudgement>;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, { resolve: (j: ImageJudgement) => void; reject: (e: Error) => void }>;
  readonly configuring: Map<number, { resolve: (r: { trust: string; policy: string }) => void; reject: (e: Error) => void }>;
}

/** `size` workers (at least 1) running `judge-worker.js`. */
export function createJudgePool(size: number, log: (line: string) => void): JudgePool {
  const workerUrl = new URL('./judge-worker.js', import.meta.url);
  let config: WorkerConfig | undefined;
  let generation = 0;
  let nextId = 1;
  let closing = false;

  const start = (slot?: Slot): Slot => {
    const worker = new Worker(workerUrl);
    const current: Slot = slot ?? { worker, pending: new Map(), configuring: new Map() };
    current.worker = worker;
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'judged':
          current.pending.get(message.id)?.resolve(message.judgement);
          current.pending.delete(message.id);
          break;
        case 'failed':
          current.pending.get(message.id)?.reject(new Error(message.message));
          current.pending.delete(message.id);
          break;
        case 'configured':
          current.configuring.get(message.generation)?.resolve({ trust: message.trustRevision, policy: message.policyRevision });
          current.configuring.delete(message.generation);
          break;
        case 'configure-failed':
          current.configuring.get(message.generation)?.reject(new Error(message.message));
          current.configuring.delete(message.generation);
          break;
      }
    });
    worker.on('error', (error) => log(`judge worker failed: ${error.message}`));
    worker.on('exit', () => {
      for (const { reject } of current.pending.values()) reject(new Error('the judge worker stopped'));
      current.pending.clear();
      for (const { reject } of current.configuring.values()) reject(new Error('the judge worker stopped'));
      current.configuring.clear();
      if (closing) return;
      start(current);
      if (config !== undefined) configureSlot(current, config, generation).catch((error: Error) => log(`judge worker restart: ${error.message}`));
    });
    return current;
  };

  const configureSlot = (slot: Slot, next: WorkerConfig, gen: number): Promise<{ trust: string; policy: string }> =>
    new Promise((resolve, reject) => {
      slot.configuring.set(gen, { resolve, reject });
      slot.worker.postMessage({ type: 'configure', generation: gen, config: next } satisfies ToWorker);
    });

  const slots = Array.from({ length: Math.max(1, size) }, () => start());

  return {
    async configure(next) {
      config = next;
      generation += 1;
      const results = await Promise.all(slots.map((slot) => configureSlot(slot, next, generation)));
      return results[0] ?? { trust: '', policy: '' };
    },
    judge(image, context) {
      // The least busy worker; ties go to the first.
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        try {
          slot.worker.postMessage({ type: 'judge', id, image, context } satisfies ToWorker);
        } catch (error) {
          // An Image that cannot be cloned (only possible from library callers) is not judged.
          slot.pending.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
