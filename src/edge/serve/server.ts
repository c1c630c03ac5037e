/**
 * `imagetrust serve`: the admission webhook over HTTPS (node:https). Loads trust roots and policies
 * (ConfigError when unusable), starts the judge workers, serves, and keeps trust, policies and the
 * TLS certificate live: each reloaded when its files change, the certificate through
 * `server.setSecureContext` (open connections keep theirs; new ones get the new one).
 * `close()` shuts down gracefully: not ready at once, new connections refused after the shutdown
 * delay, in-flight reviews answered, then workers stopped.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../../codes.js';
import { systemClock } from '../system-clock.js';
import { handle } from './handler.js';
import { createImageResolver, type GetImage } from './image-resolver.js';
import { createJudgePool, type JudgePool } from './judge-pool.js';
import { createMetrics, type ServeMetrics } from './metrics.js';
import { createLiveConfig } from './sources.js';
import { watchPaths, type Watch } from './watch.js';

export interface ServeOptions {
  readonly trustPaths: readonly string[];
  readonly policyPaths: readonly string[];
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly port: number;
  readonly host?: string;
  readonly unmatched: 'allow' | 'deny';
  readonly onIndeterminate: 'allow' | 'deny';
  /** Image lookups for Pods; without it, Pod digest references are Indeterminate. */
  readonly getImage?: GetImage;
  /** Called once the server has stopped (closes the API client). */
  readonly onClose?: () => void;
  /** Judge worker threads; 0 judges on the main thread (then a deadline cannot interrupt a judgement). */
  readonly workers: number;
  /** After SIGTERM: how long to keep serving while /readyz already fails (endpoints drain). */
  readonly shutdownDelayMs?: number;
  readonly watch?: { readonly debounceMs?: number; readonly pollMs?: number };
  readonly log: (line: string) => void;
}

export interface RunningServer {
  readonly port: number;
  readonly metrics: ServeMetrics;
  /** Resolves once every in-flight review is answered and the workers are stopped. */
  close(): Promise<void>;
}

/** Rejects with ConfigError for unusable trust roots, policies or TLS files. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { log } = options;
  const metrics = createMetrics();
  let tls = await readTls(options.tlsCert, options.tlsKey);
  const pool: JudgePool | undefined = options.workers > 0 ? createJudgePool(options.workers, log) : undefined;
  const resolveImage = options.getImage === undefined ? undefined : createImageResolver(options.getImage, { onLookup: (r) => metrics.imageLookup(r) });
  let config;
  try {
    config = await createLiveConfig({
      trustPaths: options.trustPaths,
      policyPaths: options.policyPaths,
      pool,
      log,
      settings: {
        clock: systemClock,
        unmatched: options.unmatched,
        onIndeterminate: options.onIndeterminate,
        onCacheLookup: (hit) => metrics.cacheLookup(hit),
        ...(resolveImage === undefined ? {} : { resolveImage }),
      },
      onReload: (source, ok) => metrics.reload(source, ok),
      onRevisions: (trust, policy) => metrics.revisions(trust, policy),
    });
  } catch (error) {
    await pool?.close();
    throw error;
  }
  const live = config;

  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server: Server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    void handle({ current: () => live.current(), metrics, ready: () => !closing, closing: () => closing, log }, req, res);
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 45_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ConfigError(`cannot listen on port ${options.port}: ${error.message}`)));
    server.listen(options.port, options.host, resolve);
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  server.on('tlsClientError', () => undefined);

  const reloadTls = async (): Promise<void> => {
    let next;
    try {
      next = await readTls(options.tlsCert, options.tlsKey);
    } catch (error) {
      metrics.reload('tls', false);
      log(`TLS reload failed, keeping the current certificate: ${(error as Error).message}`);
      return;
    }
    if (next.cert.equals(tls.cert) && next.key.equals(tls.key)) return;
    server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
    tls = next;
    metrics.reload('tls', true);
    log('reloaded the TLS certificate');
  };
  const watches: Watch[] = [
    await watchPaths([...options.trustPaths, ...options.policyPaths], () => void live.reload(), { ...options.watch, log }),
    await watchPaths([options.tlsCert, options.tlsKey], () => void reloadTls(), { ...options.watch, log }),
  ];
  const port = (server.address() as AddressInfo).port;
  log(`serving on port ${port}: trust ${live.current().revisions.trust}, policies ${live.current().revisions.policy}, ${options.workers} judge worker(s)`);

  return {
    port,
    metrics,
    async close() {
      if (closing) return;
      closing = true;
      await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs ?? 0));
      for (const w of watches) w.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const grace = new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref());
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), grace]);
      }
      server.closeAllConnections();
      await stopped;
      await pool?.close();
      options.onClose?.();
      log('stopped');
    },
  };
}

/** Both files, checked to form a usable pair. Throws ConfigError. */
async function readTls(certPath: string, keyPath: string): Promise<{ cert: Buffer; key: Buffer }> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(certPath), readFile(keyPath)]);
  } catch (error) {
    throw new ConfigError(`TLS files: ${(error as Error).message}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(`--tls-cert ${certPath} / --tls-key ${keyPath}: ${(error as Error).message}`);
  }
  return { cert, key };
}
