/**
 * Trust roots and policies for `imagetrust serve`, read from their files, and reloaded when those
 * change: a reload that fails keeps the configuration being served (and says so); one that loads
 * makes a new controller, so the decision cache starts empty and no old answer survives.
 */
import { createAdmissionController, type AdmissionController, type AdmissionControllerOptions } from '../../admission/controller.js';
import type { PolicySet } from '../../policy/load.js';
import { loadTrust, type TrustMaterial, type TrustRootSpec } from '../../trust/material.js';
import { readPolicySources } from '../policy-input.js';
import { readTrustSources } from '../trust-input.js';
import type { JudgePool } from './judge-pool.js';
import type { ReloadSource } from './metrics.js';

export interface Sources {
  readonly trustSpecs: readonly TrustRootSpec[];
  readonly trust: TrustMaterial;
  readonly policies: PolicySet;
}

/** Throws ConfigError naming the file for anything unusable. */
export async function readSources(trustPaths: readonly string[], policyPaths: readonly string[]): Promise<Sources> {
  const trustSpecs = await readTrustSources(trustPaths);
  const trust = await loadTrust(trustSpecs);
  const policies = await readPolicySources(policyPaths);
  return { trustSpecs, trust, policies };
}

export type ControllerSettings = Omit<AdmissionControllerOptions, 'trust' | 'policies' | 'judge'>;

export interface LiveConfig {
  /** The controller to use for a request that starts now. */
  current(): AdmissionController;
  /** Reads the files again; swaps the controller when a revision changed. Never rejects. */
  reload(): Promise<void>;
}

export interface LiveConfigOptions {
  readonly trustPaths: readonly string[];
  readonly policyPaths: readonly string[];
  readonly settings: ControllerSettings;
  readonly pool: JudgePool | undefined;
  readonly log: (line: string) => void;
  readonly onReload: (source: ReloadSource, ok: boolean) => void;
  readonly onRevisions: (trust: string, policy: string) => void;
}

/** Loads everything once (throws ConfigError), then keeps it live. */
export async function createLiveConfig(options: LiveConfigOptions): Promise<LiveConfig> {
  const build = async (sources: Sources): Promise<AdmissionController> => {
    const judge = options.pool;
    if (judge !== undefined) await judge.configure({ trust: sources.trustSpecs, policyPaths: options.policyPaths });
    const controller = await createAdmissionController({
      ...options.settings,
      trust: sources.trust,
      policies: sources.policies,
      ...(judge === undefined ? {} : { judge: (image, context) => judge.judge(image, context) }),
    });
    options.onRevisions(controller.revisions.trust, controller.revisions.policy);
    return controller;
  };
  let controller = await build(await readSources(options.trustPaths, options.policyPaths));
  let running: Promise<void> | undefined;
  let again = false;

  const reloadOnce = async (): Promise<void> => {
    let sources: Sources;
    let failing: ReloadSource = 'trust';
    try {
      const trustSpecs = await readTrustSources(options.trustPaths);
      const trust = await loadTrust(trustSpecs);
      failing = 'policy';
      sources = { trustSpecs, trust, policies: await readPolicySources(options.policyPaths) };
    } catch (error) {
      options.onReload(failing, false);
      options.log(`reload of ${failing === 'trust' ? 'trust roots' : 'policies'} failed, still serving trust ${controller.revisions.trust} and policies ${controller.revisions.policy}: ${(error as Error).message}`);
      return;
    }
    const trustChanged = sources.trust.revision !== controller.revisions.trust;
    const policyChanged = sources.policies.revision !== controller.revisions.policy;
    if (!trustChanged && !policyChanged) return;
    try {
      controller = await build(sources);
    } catch (error) {
      if (trustChanged) options.onReload('trust', false);
      if (policyChanged) options.onReload('policy', false);
      options.log(`reload failed, still serving the previous configuration: ${(error as Error).message}`);
      return;
    }
    if (trustChanged) options.onReload('trust', true);
    if (policyChanged) options.onReload('policy', true);
    options.log(`reloaded: trust ${controller.revisions.trust}, policies ${controller.revisions.policy}`);
  };

  return {
    current: () => controller,
    reload() {
      if (running !== undefined) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await reloadOnce();
        } while (again);
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
