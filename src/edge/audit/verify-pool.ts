/**
 * Verification on worker threads, one engine each (built from the same trust specs), fed in
 * batches. Each Image goes to the worker chosen by the SHA-256 of its first signature's content, so
 * a signature blob seen twice (a copied signature, a re-read after a 409) meets the same engine and
 * its verification cache: it is verified once. With 0 workers the main thread verifies.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../codes.js';
import { createImageVerifier, type VerifierInit, type VerifyOutcome, type VerifyTask } from './image-verifier.js';
import type { WorkerRequest } from './verify-worker.js';

export interface VerifyPool {
  /** Queues one Image; resolves with its outcome. Call `flush` to send partly filled batches. */
  verify(task: VerifyTask): Promise<VerifyOutcome>;
  /** Sends every queued task now. */
  flush(): void;
  close(): Promise<void>;
}

/** Images per message to a worker: large enough to amortize messaging, small enough to spread work. */
const BATCH = 16;

interface Pending {
  readonly resolve: (outcome: VerifyOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** Throws ConfigError when a worker cannot build its engine (bad trust roots). */
export async function createVerifyPool(init: VerifierInit, workers: number): Promise<VerifyPool> {
  if (workers <= 0) {
    const verify = await createImageVerifier(init);
    return { verify: (task) => Promise.resolve(verify(task)), flush: () => undefined, close: () => Promise.resolve() };
  }
  const url = new URL('./verify-worker.js', import.meta.url);
  const threads = Array.from({ length: workers }, () => new Worker(url, { workerData: init }));
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
function route(task: VerifyTask, workers: number): number {
  const signatures = task.image['signatures'];
  const first: unknown = Array.isArray(signatures) ? signatures[0] : undefined;
  const content = typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['content'] : undefined;
  const key = typeof content === 'string' ? content : String(task.seq);
  return createHash('sha256').update(key).digest().readUInt32BE(0) % workers;
}
