/**
 * A verification worker thread: builds its own engine from the run's trust specs (posted as
 * `workerData`), then verifies batches of Images posted by `verify-pool.ts`. Like `bin.ts`, an
 * entry point: it starts working when loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createImageVerifier, type VerifierInit } from './image-verifier.js';
import type { VerifyTask } from './outcome.js';

/** Messages from the pool. */
export interface WorkerRequest {
  readonly id: number;
  readonly tasks: readonly VerifyTask[];
}

const port = parentPort;
if (port !== null) {
  try {
    const verify = await createImageVerifier(workerData as VerifierInit);
    port.on('message', (request: WorkerRequest) => {
      port.postMessage({ id: request.id, outcomes: request.tasks.map(verify) });
    });
    port.postMessage({ ready: true });
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  }
}
