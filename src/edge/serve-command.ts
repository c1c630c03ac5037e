/**
 * `imagetrust serve`: checks the options, connects the Image API (kubeconfig, or the in-cluster
 * service account), starts the webhook and runs until SIGTERM or SIGINT, then shuts down gracefully
 * and exits 0. Bad options or configuration: ConfigError (exit 2) before anything listens.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../codes.js';
import type { CliIO } from './cli.js';
import { loadClusterAccess } from './audit/kube-config.js';
import { createTransport } from './audit/http.js';
import { createImageApi } from './audit/image-api.js';
import type { GetImage } from './serve/image-resolver.js';
import { startServer } from './serve/server.js';

export interface ServeCommandOptions {
  readonly trust: string[];
  readonly policy: string[];
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly port: string;
  readonly host?: string;
  readonly kubeconfig?: string;
  readonly inCluster?: boolean;
  readonly onIndeterminate: 'allow' | 'deny';
  readonly unmatched: 'allow' | 'deny';
  readonly workers?: string;
  readonly shutdownDelay: string;
}

/** Resolves with the exit code once the server has stopped. Throws ConfigError. */
export async function runServe(options: ServeCommandOptions, io: CliIO): Promise<number> {
  const port = integer(options.port, '--port', 0, 65535);
  const workers = options.workers === undefined ? Math.max(1, Math.min(4, availableParallelism() - 1)) : integer(options.workers, '--workers', 0, 64);
  const shutdownDelayMs = integer(options.shutdownDelay, '--shutdown-delay', 0, 300) * 1000;
  if (options.kubeconfig !== undefined && options.inCluster === true) throw new ConfigError('serve: give --kubeconfig or --in-cluster, not both');
  const log = (line: string): void => io.stderr(`imagetrust serve: ${line}\n`);
  const inCluster = options.inCluster === true || (options.kubeconfig === undefined && process.env['KUBERNETES_SERVICE_HOST'] !== undefined);
  const api = options.kubeconfig !== undefined || inCluster ? await connectImageApi(options.kubeconfig, inCluster) : undefined;

  const server = await startServer({
    trustPaths: options.trust,
    policyPaths: options.policy,
    tlsCert: options.tlsCert,
    tlsKey: options.tlsKey,
    port,
    ...(options.host === undefined ? {} : { host: options.host }),
    unmatched: options.unmatched,
    onIndeterminate: options.onIndeterminate,
    ...(api === undefined ? {} : { getImage: api.getImage, onClose: api.close }),
    workers,
    shutdownDelayMs,
    log,
  });
  if (api === undefined) log('no --kubeconfig and not in a cluster: Pod images given by digest cannot be looked up and will be Indeterminate');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${signal}: shutting down`);
  await server.close();
  return 0;
}

/**
 * The audit's cluster client (kubeconfig or in-cluster service account), tuned for admission: one
 * quick retry, short timeouts; the review deadline bounds the wait anyway.
 */
async function connectImageApi(kubeconfig: string | undefined, inCluster: boolean): Promise<{ getImage: GetImage; close: () => void }> {
  const access = await loadClusterAccess(inCluster ? { inCluster: true } : { ...(kubeconfig === undefined ? {} : { kubeconfig }) });
  const transport = createTransport(access, { timeoutMs: 3000, maxBodyBytes: 32 << 20, maxSockets: 16, userAgent: 'imagetrust-serve' });
  const images = createImageApi(transport, { who: access.description, backoff: { attempts: 2, baseMs: 100, capMs: 500, maxRetryAfterMs: 1000 } });
  return { getImage: (name) => images.get(name), close: () => transport.close() };
}

function integer(value: string, option: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${option} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}
