/**
 * Cluster access from a kubeconfig or the in-cluster service account, resolved by
 * `@kubernetes/client-node` (the only module that imports it): the server URL, the TLS material
 * (CA bundle or `insecure-skip-tls-verify`, client certificate) and request headers with the
 * credentials (bearer token, token file, exec plugin, client certificate, basic auth) refreshed as
 * the library refreshes them. The HTTP calls themselves are `image-api.ts`'s.
 */
import { existsSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
// A type import here, and the library itself loaded on first use: it takes ~0.4 s to load, and
// file audits never need it.
import type { KubeConfig as KubeConfigType } from '@kubernetes/client-node';
import { ConfigError } from '../../codes.js';

/** TLS options for the agent that talks to the API server. */
export type TlsOptions = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;

export interface ClusterAccess {
  /** The API server URL, without a trailing slash. */
  readonly server: string;
  readonly tls: TlsOptions;
  /** Where the credentials come from, for messages: `context NAME` or `in-cluster service account`. */
  readonly description: string;
  /** Headers carrying the credentials; refreshed at most every 30 s (rotated service account tokens, exec plugins). */
  headers(): Promise<Record<string, string>>;
}

export interface ClusterAccessOptions {
  /** `--kubeconfig`; default: `$KUBECONFIG` (a list of files), else `~/.kube/config`. */
  readonly kubeconfig?: string;
  /** `--context`; default: the kubeconfig's current context. */
  readonly context?: string;
  /** `--in-cluster`: the pod's service account (token and CA under /var/run/secrets/kubernetes.io/serviceaccount/). */
  readonly inCluster?: boolean;
  /** Prefix of the service account directory (tests). */
  readonly serviceAccountPrefix?: string;
}

const REFRESH_MS = 30_000;

/** Throws ConfigError when no usable kubeconfig, context or cluster is found. */
export async function loadClusterAccess(options: ClusterAccessOptions): Promise<ClusterAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc: KubeConfigType = new KubeConfig();
  // The library reads KUBERNETES_SERVICE_HOST/PORT and KUBECONFIG from the environment itself.
  const env = process.env;
  let description: string;
  try {
    if (options.inCluster === true) {
      if (!env['KUBERNETES_SERVICE_HOST'] || !env['KUBERNETES_SERVICE_PORT']) {
        throw new ConfigError('--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod?)');
      }
      const prefix = options.serviceAccountPrefix ?? '';
      const tokenFile = `${prefix}/var/run/secrets/kubernetes.io/serviceaccount/token`;
      if (!existsSync(tokenFile)) throw new ConfigError(`--in-cluster: no service account token at ${tokenFile} (is automountServiceAccountToken off?)`);
      kc.loadFromCluster(prefix);
      description = 'in-cluster service account';
    } else {
      const file = options.kubeconfig;
      if (file !== undefined) {
        if (!existsSync(file)) throw new ConfigError(`--kubeconfig ${file}: no such file`);
        kc.loadFromFile(file);
      } else if (env['KUBECONFIG'] || existsSync(join(homedir(), '.kube', 'config'))) {
        kc.loadFromDefault();
      } else {
        throw new ConfigError('no kubeconfig: give --kubeconfig FILE, set KUBECONFIG, or use --in-cluster');
      }
      if (options.context !== undefined) {
        if (kc.getContextObject(options.context) === null) throw new ConfigError(`--context ${options.context}: no such context in the kubeconfig`);
        kc.setCurrentContext(options.context);
      }
      description = `context ${kc.getCurrentContext() || '(none)'}`;
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read the kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new ConfigError(`the kubeconfig's ${description} names no cluster`);
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') throw new ConfigError(`the kubeconfig's cluster ${cluster.name} uses proxy-url, which imagetrust audit does not support`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new ConfigError(`the kubeconfig's cluster ${cluster.name} has an invalid server URL`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') throw new ConfigError(`cluster ${cluster.name}: server must be https:// (or http://)`);

  const resolve = async (): Promise<RequestOptions> => {
    const opts: RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (error) {
      throw new ConfigError(`cannot use the kubeconfig's credentials (${description}): ${error instanceof Error ? error.message : String(error)}`);
    }
    return opts;
  };
  const first = await resolve();
  const tls: TlsOptions = {
    ...(first.ca !== undefined ? { ca: first.ca } : {}),
    ...(first.cert !== undefined ? { cert: first.cert } : {}),
    ...(first.key !== undefined ? { key: first.key } : {}),
    ...(first.pfx !== undefined ? { pfx: first.pfx } : {}),
    ...(first.passphrase !== undefined ? { passphrase: first.passphrase } : {}),
    ...(first.rejectUnauthorized !== undefined ? { rejectUnauthorized: first.rejectUnauthorized } : {}),
    ...(first.servername !== undefined ? { servername: first.servername } : {}),
  };
  let cached = headersOf(first);
  let fetchedAt = Date.now();
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls,
    description,
    async headers() {
      if (Date.now() - fetchedAt > REFRESH_MS) {
        cached = headersOf(await resolve());
        fetchedAt = Date.now();
      }
      return cached;
    },
  };
}

function headersOf(opts: RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value);
  }
  if (typeof opts.auth === 'string' && opts.auth !== '') out['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}
