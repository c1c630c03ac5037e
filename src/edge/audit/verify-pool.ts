/**
 * Verification on worker threads, one engine each (built from the same trust specs), fed in
 * batches. Each Image goes to the worker chosen by the SHA-256 of its first signature's content, so
 * a signature blob seen twice (a copied signature, a re-read after a 409) meets the same engine and
 * its verification cache: it is verified once. With 0 workers the main thread verifies.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../codes.js';
import type { VerifierInit } from './image-verifier.js';
import type { VerifyOutcome, VerifyTask } from './outcome.js';
import type { WorkerRequest } from './verify-worker.js';

export interface VerifyPool {
  /** Queues one Image; resolves with its outcome. Call `flush` to send partly filled batches. */
  verify(task: VerifyTask): Promise<VerifyOutcome>;
  /** Sends every queued task now. */
  flush(): void;
  close(): Promise<void>;
}

/**
 * A worker's heap. Its live set is small (engine, trust material, the verification cache: ~15 MiB),
 * but V8 sizes a thread's young generation for throughput, 48 MiB per worker, mostly garbage; at
 * 16 MiB the GC time per Image measured the same (a scavenge costs what survives, not what dies).
 * The old generation's bound is far above the live set, only a guard: a worker past it fails the
 * run (exit 2) instead of swapping the node.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 512 } as const;

/**
 * Images per message to a worker: large enough to amortize messaging and thread wake-ups (48 took
 * less CPU than 16 in the audit bench), small enough that a page of 500 spreads over the workers.
 */
const BATCH = 48;

interface Pending {
  readonly resolve: (outcome: VerifyOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** Throws ConfigError when a worker cannot build its engine (bad trust roots). */
export async function createVerifyPool(init: VerifierInit, workers: number): Promise<VerifyPool> {
  if (workers <= 0) {
    // Loaded only here: with workers, the main thread never needs the engine.
    const { createImageVerifier } = await import('./image-verifier.js');
    const verify = await createImageVerifier(init);
    return { verify: (task) => Promise.resolve(verify(task)), flush: () => undefined, close: () => Promise.resolve() };
  }
  const url = new URL('./verify-worker.js', import.meta.url);
  const threads = Array.from({ length: workers }, () => new Worker(url, { workerData: init, resourceLimits: WORKER_HEAP }));
  const queues: VerifyTask[][] = threads.map(() => []);
  const waiting = new Map<number, Pending[]>();
  let nextId = 0;
  let broken: Error | undefined;

  const fail = (error: Error): void => {
    broken ??= error;
    for (const list of waiting.values()) for (const p of list) p.reject(broken);
    waiting.clear();
  };
  await Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
    thread.once('message', (message: { ready?: true; failed?: string }) => {
      if (message.ready) resolve();
      else reject(new ConfigError(message.failed ?? 'a verification worker failed to start'));
    });
    thread.once('error', reject);
  }))).catch(async (error: unknown) => {
    await Promise.all(threads.map((t) => t.terminate()));
    throw error;
  });
  threads.forEach((thread) => {
    thread.on('message', (message: { id: number; outcomes: VerifyOutcome[] }) => {
      const list = waiting.get(message.id);
      waiting.delete(message.id);
      list?.forEach((p, i) => {
        const outcome = message.outcomes[i];
        if (outcome) p.resolve(outcome);
        else p.reject(new Error('a verification worker returned too few results'));
      });
    });
    thread.on('error', (error) => fail(new Error(`a verification worker failed: ${error.message}`)));
    thread.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a verification worker exited with code ${code}`));
    });
  });

  const pendingOf: Pending[][] = threads.map(() => []);
  const send = (w: number): void => {
    const tasks = queues[w] ?? [];
    if (tasks.length === 0) return;
    const id = nextId++;
    waiting.set(id, pendingOf[w] ?? []);
    queues[w] = [];
    pendingOf[w] = [];
    const request: WorkerRequest = { id, tasks };
    threads[w]?.postMessage(request);
  };

  return {
    verify(task) {
      if (broken) return Promise.reject(broken);
      const w = route(task, threads.length);
      return new Promise<VerifyOutcome>((resolve, reject) => {
        queues[w]?.push(task);
        pendingOf[w]?.push({ resolve, reject });
        if ((queues[w]?.length ?? 0) >= BATCH) send(w);
      });
    },
    flush() {
      for (let w = 0; w < threads.length; w++) send(w);
    },
    async close() {
      fail(new Error('the verification pool was closed'));
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}

/** The worker for an Image: by its first signature's content, so equal blobs meet the same cache. */
export function route(task: VerifyTask, workers: number): number {
  const signatures = task.image['signatures'];
  const first: unknown = Array.isArray(signatures) ? signatures[0] : undefined;
  const content = typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['content'] : undefined;
  return (typeof content === 'string' ? spread(content) : task.seq) % workers;
}

/**
 * FNV-1a over the last characters of a signature's base64 content (its signature bytes, which
 * differ between any two signatures): only a spread, since routing is no security decision, and far
 * cheaper on the main thread than hashing the whole blob.
 */
function spread(content: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, content.length - SPREAD_CHARS); i < content.length; i++) {
    hash = Math.imul(hash ^ content.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

const SPREAD_CHARS = 64;
