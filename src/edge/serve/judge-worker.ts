/**
 * The worker-thread entry of the judge pool (judge-pool.ts): like bin.ts, an entry point, so it
 * listens on its port when loaded. Messages are handled in order: a judgement posted after a
 * `configure` is made under the new configuration; a configuration that fails to load leaves the
 * previous one in place.
 */
import { parentPort } from 'node:worker_threads';
import { judgeImage } from '../../admission/judge.js';
import { createEngine, type Engine } from '../../engine.js';
import type { PolicySet } from '../../policy/load.js';
import { readPolicySources } from '../policy-input.js';
import { systemClock } from '../system-clock.js';
import type { FromWorker, ToWorker } from './judge-pool.js';

interface Loaded {
  readonly engine: Engine;
  readonly policies: PolicySet;
}

const port = parentPort;
if (port === null) throw new Error('judge-worker.js runs only as a worker thread');

let state: Promise<Loaded | null> = Promise.resolve(null);
const post = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'configure') {
    state = state.then(async (previous) => {
      try {
        const engine = await createEngine({ trust: message.config.trust, clock: systemClock });
        const policies = await readPolicySources(message.config.policyPaths);
        post({ type: 'configured', generation: message.generation, trustRevision: engine.trust.revision, policyRevision: policies.revision });
        return { engine, policies };
      } catch (error) {
        post({ type: 'configure-failed', generation: message.generation, message: error instanceof Error ? error.message : String(error) });
        return previous;
      }
    });
    return;
  }
  void state.then((loaded) => {
    if (loaded === null) {
      post({ type: 'failed', id: message.id, message: 'the worker has no configuration' });
      return;
    }
    try {
      post({ type: 'judged', id: message.id, judgement: judgeImage(loaded.engine, loaded.policies, message.image, message.context) });
    } catch (error) {
      post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
});
