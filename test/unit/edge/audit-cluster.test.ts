/**
 * The audit's cluster edge in-process: kubeconfig and in-cluster access (resolved by
 * @kubernetes/client-node) against the fake Image API, the Image API client's retries and status
 * handling over a scripted transport, and the paging source's 410 handling.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import type { HttpResponse, HttpTransport } from '../../../src/edge/audit/http.js';
import { createTransport } from '../../../src/edge/audit/http.js';
import { AuditStop, createImageApi, ListExpired, type ImageApi } from '../../../src/edge/audit/image-api.js';
import { loadClusterAccess } from '../../../src/edge/audit/kube-config.js';
import { clusterSource } from '../../../src/edge/audit/sources.js';
import { exampleImages } from '../../helpers/audit-images.js';
import { FakeImageApi } from '../../helpers/fake-image-api.js';
import { fixture } from '../../helpers/images.js';

let server: FakeImageApi;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imagetrust-cluster-'));
  server = await new FakeImageApi().start();
  for (const image of exampleImages()) server.add(image);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `f` with environment variables set (undefined: unset), then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await f();
  } finally {
    apply(saved);
  }
}

async function listAll(api: ImageApi): Promise<number> {
  let count = 0;
  for await (const page of clusterSource(api, { pageSize: 2 }).pages('')) count += page.items.length;
  return count;
}

describe('cluster access', () => {
  it('--in-cluster: the service account token and CA, the server from KUBERNETES_SERVICE_*', async () => {
    const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), server.token);
    copyFileSync(fixture('tls/ca.crt'), join(sa, 'ca.crt'));
    writeFileSync(join(sa, 'namespace'), 'imagetrust');
    const access = await withEnv({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(server.url).port }, () => loadClusterAccess({ inCluster: true, serviceAccountPrefix: dir }));
    expect(access.server).toBe(server.url);
    expect(await access.headers()).toHaveProperty('Authorization', `Bearer ${server.token}`);
    const transport = createTransport(access);
    expect(await listAll(createImageApi(transport, { who: access.description }))).toBe(exampleImages().length);
    transport.close();
  });

  it('--in-cluster outside a pod is a configuration error', async () => {
    await expect(withEnv({ KUBERNETES_SERVICE_HOST: undefined, KUBERNETES_SERVICE_PORT: undefined }, () => loadClusterAccess({ inCluster: true }))).rejects.toThrow(ConfigError);
    await expect(withEnv({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }, () => loadClusterAccess({ inCluster: true, serviceAccountPrefix: join(dir, 'nowhere') }))).rejects.toThrow(ConfigError);
  });

  it('a kubeconfig with insecure-skip-tls-verify needs no CA', async () => {
    const path = join(dir, 'insecure');
    writeFileSync(path, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server.url}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: ${server.token}}}]
contexts: [{name: x, context: {cluster: c, user: u}}, {name: y, context: {cluster: c, user: u}}]
current-context: x
`);
    const access = await loadClusterAccess({ kubeconfig: path, context: 'y' });
    expect(access.tls.rejectUnauthorized).toBe(false);
    expect(access.description).toBe('context y');
    const transport = createTransport(access);
    expect(await listAll(createImageApi(transport, { who: access.description }))).toBe(exampleImages().length);
    transport.close();
  });

  it('without the CA the server certificate is refused', async () => {
    const path = join(dir, 'no-ca');
    writeFileSync(path, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server.url}"}}]
users: [{name: u, user: {token: ${server.token}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`);
    const access = await loadClusterAccess({ kubeconfig: path });
    const transport = createTransport(access);
    const api = createImageApi(transport, { who: 'test', sleep: () => Promise.resolve() });
    await expect(api.list({ limit: 1 }).then((r) => r.parse())).rejects.toThrow(AuditStop);
    transport.close();
  });

  it('refuses a missing kubeconfig, an unknown context and proxy-url', async () => {
    await expect(loadClusterAccess({ kubeconfig: join(dir, 'missing') })).rejects.toThrow(ConfigError);
    const path = server.writeKubeconfig(dir);
    await expect(loadClusterAccess({ kubeconfig: path, context: 'nope' })).rejects.toThrow(ConfigError);
    const proxied = join(dir, 'proxied');
    writeFileSync(proxied, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server.url}", proxy-url: "http://proxy:3128"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`);
    await expect(loadClusterAccess({ kubeconfig: proxied })).rejects.toThrow(ConfigError);
  });
});

/** A transport that answers from a script. */
function scripted(...answers: [number, unknown, Record<string, string>?][]): HttpTransport & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    request(method, path) {
      calls.push(`${method} ${path}`);
      const next = answers.shift();
      if (!next) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      const [status, body, headers] = next;
      return Promise.resolve<HttpResponse>({ status, headers: headers ?? {}, body: Buffer.from(JSON.stringify(body)) });
    },
    close: () => undefined,
  };
}

describe('Image API client', () => {
  const list = { kind: 'ImageList', metadata: { continue: 'next', remainingItemCount: 3 }, items: [{ metadata: { name: 'sha256:a' } }] };

  it('retries 429 (no sooner than Retry-After) and 5xx with bounded backoff, then answers', async () => {
    const waits: number[] = [];
    const transport = scripted([503, {}], [429, {}, { 'retry-after': '2' }], [500, {}], [200, list]);
    const api = createImageApi(transport, { who: 'test', random: () => 0.5, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    const page = (await api.list({ limit: 10, labelSelector: 'a=b' })).parse();
    expect(page).toEqual({ items: [{ metadata: { name: 'sha256:a' }, kind: 'Image', apiVersion: 'image.openshift.io/v1' }], continue: 'next', remainingItemCount: 3 });
    expect(waits).toHaveLength(3);
    expect(waits[1]).toBeGreaterThanOrEqual(2000);
    expect(transport.calls[0]).toBe('GET /apis/image.openshift.io/v1/images?limit=10&labelSelector=a%3Db');
  });

  it('gives up after the bounded attempts', async () => {
    const transport = scripted(...Array.from({ length: 10 }, (): [number, unknown] => [503, {}]));
    const api = createImageApi(transport, { who: 'test', sleep: () => Promise.resolve() });
    await expect(api.list({ limit: 1 }).then((r) => r.parse())).rejects.toThrow(AuditStop);
    expect(transport.calls).toHaveLength(6);
  });

  it('stops on 401 and 403', async () => {
    await expect(createImageApi(scripted([401, {}]), { who: 'test' }).list({ limit: 1 }).then((r) => r.parse())).rejects.toThrow(AuditStop);
    await expect(createImageApi(scripted([403, { message: 'forbidden' }]), { who: 'test' }).replace('sha256:a', '{}', false)).rejects.toThrow(/"update"/);
  });

  it('a 410 carries the fresh continue token', async () => {
    const api = createImageApi(scripted([410, { kind: 'Status', code: 410, reason: 'Expired', metadata: { continue: 'fresh' } }]), { who: 'test' });
    const error = await api.list({ limit: 1, continue: 'old' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListExpired);
    expect((error as ListExpired).continueToken).toBe('fresh');
  });

  it('replace: PUT with fieldManager (and dryRun=All); 409 conflict, 404 gone, 422 failed', async () => {
    const transport = scripted([200, {}], [409, {}], [404, {}], [422, { message: 'invalid' }]);
    const api = createImageApi(transport, { who: 'test' });
    expect(await api.replace('sha256:a', '{}', true)).toEqual({ kind: 'ok' });
    expect(transport.calls[0]).toBe('PUT /apis/image.openshift.io/v1/images/sha256%3Aa?fieldManager=imagetrust&dryRun=All');
    expect(await api.replace('sha256:a', '{}', false)).toEqual({ kind: 'conflict' });
    expect(await api.replace('sha256:a', '{}', false)).toEqual({ kind: 'gone' });
    expect((await api.replace('sha256:a', '{}', false)).kind).toBe('failed');
  });
});

describe('cluster paging', () => {
  function stubApi(pages: (() => unknown)[]): ImageApi {
    const list: ImageApi['list'] = () => {
      const next = pages.shift();
      if (!next) throw new Error('no more pages');
      const value = next();
      if (value instanceof Error) return Promise.reject(value);
      return Promise.resolve({ parse: () => value as never });
    };
    return {
      list,
      get: () => Promise.resolve(null),
      replace: () => Promise.resolve({ kind: 'ok' }),
    };
  }

  it('continues after a 410 with the fresh token and marks the snapshot inconsistent', async () => {
    const api = stubApi([
      () => ({ items: [{ metadata: { name: 'a' } }], continue: 't1' }),
      () => new ListExpired('t2'),
      () => ({ items: [{ metadata: { name: 'b' } }], continue: '' }),
    ]);
    const pages = [];
    for await (const page of clusterSource(api, { pageSize: 1 }).pages('')) pages.push(page);
    expect(pages.map((p) => [p.items.length, p.next, p.inconsistent])).toEqual([[1, 't1', false], [1, '', true]]);
  });

  it('stops when a 410 carries no fresh token', async () => {
    const api = stubApi([() => new ListExpired(undefined)]);
    const run = async (): Promise<void> => {
      for await (const page of clusterSource(api, { pageSize: 1 }).pages('t')) void page;
    };
    await expect(run()).rejects.toThrow(AuditStop);
  });
});
