/**
 * `imagetrust serve` end to end: the built CLI (dist/bin.js) spawned with the example trust roots,
 * the admission test policies and the test-only TLS fixtures, on loopback, with a fake Image API
 * (test/helpers/fake-image-api.ts: HTTPS, bearer token) for Pod lookups. Assertions are on HTTP statuses, AdmissionReview fields,
 * reason codes, metric samples and certificate subjects: never on message wording or timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_IMAGES, examplesByDigest, imageReview, pinned, podReview, type Json } from '../helpers/admission-reviews.js';
import { FakeImageApi } from '../helpers/fake-image-api.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const TLS = join(ROOT, 'test', 'fixtures', 'tls');
const CA = readFileSync(join(TLS, 'ca.crt'));

interface Serve {
  readonly child: ChildProcess;
  readonly port: number;
  stderr(): string;
}

function startServe(args: readonly string[]): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving on port (\d+)/.exec(stderr);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

interface Reply {
  readonly status: number;
  readonly body: string;
  json(): Json;
}

function call(port: number, method: string, path: string, body?: string | Buffer, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, method, path, ca: CA, agent: agent ?? false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) as Json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const review = async (port: number, endpoint: 'images' | 'pods', body: unknown, query = '?timeout=10s'): Promise<Json> => {
  const reply = await call(port, 'POST', `/validate/${endpoint}${query}`, JSON.stringify(body));
  expect(reply.status).toBe(200);
  const answer = reply.json();
  expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' });
  return answer['response'] as Json;
};

/** The subject CN of the certificate a new TLS connection gets. */
function peerCommonName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(String(cn));
    });
    socket.on('error', reject);
  });
}

/** One sample of a metric from the exposition text, 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('imagetrust serve', () => {
  let dir: string;
  let api: FakeImageApi;
  let serve: Serve;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'imagetrust-serve-'));
    copyFileSync(join(TLS, 'server-a.crt'), join(dir, 'tls.crt'));
    copyFileSync(join(TLS, 'server-a.key'), join(dir, 'tls.key'));
    cpSync(join(ROOT, 'test', 'fixtures', 'admission', 'policies'), join(dir, 'policies'), { recursive: true });
    api = await new FakeImageApi().start();
    for (const image of examplesByDigest().values()) api.add(image);
    const kubeconfig = api.writeKubeconfig(dir);
    serve = await startServe([
      '--trust', join(ROOT, 'examples', 'trust'), '--policy', join(dir, 'policies'),
      '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'),
      '--port', '0', '--host', '127.0.0.1', '--kubeconfig', kubeconfig, '--workers', '1',
    ]);
    await until(async () => ((await call(serve.port, 'GET', '/readyz')).status === 200 ? true : undefined), 'readiness');
  });

  afterAll(async () => {
    if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the probes', async () => {
    expect((await call(serve.port, 'GET', '/healthz')).status).toBe(200);
    expect((await call(serve.port, 'GET', '/readyz')).status).toBe(200);
    expect((await call(serve.port, 'GET', '/nope')).status).toBe(404);
    expect((await call(serve.port, 'GET', '/validate/images')).status).toBe(405);
  });

  it('allows a trusted Image, echoing the uid', async () => {
    const response = await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.frontend(), { uid: 'uid-allowed' }));
    expect(response).toMatchObject({ uid: 'uid-allowed', allowed: true, auditAnnotations: { decision: 'Allowed' } });
    expect(response['warnings']).toBeUndefined();
  });

  it('denies an Image whose signature is for another manifest, with 403 and the reason codes', async () => {
    const response = await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.tampered()));
    expect(response['allowed']).toBe(false);
    expect(response['status']).toMatchObject({ code: 403, reason: 'Unsigned' });
    expect(String(response['auditAnnotations']['reasons']).split(',')).toContain('DigestMismatch');
  });

  it('allows with a warning when only a Warn policy fails', async () => {
    const response = await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.backend()));
    expect(response['allowed']).toBe(true);
    expect(response['warnings']).toHaveLength(1);
  });

  it('judges the images of a Pod through the Image API: tags are TagNotPinned unless a policy allows them', async () => {
    const allowed = await review(serve.port, 'pods', podReview([pinned('frontend'), 'registry.example.com/tools/debug:1'], { init: [pinned('backend')] }));
    expect(allowed['allowed']).toBe(true);
    const denied = await review(serve.port, 'pods', podReview([pinned('frontend'), 'registry.example.com/shop/proxy:1.0']));
    expect(denied).toMatchObject({ allowed: false, status: { code: 403, reason: 'TagNotPinned' } });
    const unknown = await review(serve.port, 'pods', podReview([`registry.example.com/shop/x@sha256:${'e'.repeat(64)}`]));
    expect(unknown['status']['reason']).toBe('ImageNotFound');
    expect(api.requests.some((r) => r.method === 'GET' && decodeURIComponent(r.path).endsWith(String(EXAMPLE_IMAGES.backend()['metadata']['name'])))).toBe(true);
  });

  it('answers Indeterminate when the deadline has passed, and the judgement still warms the cache', async () => {
    const metricsBefore = (await call(serve.port, 'GET', '/metrics')).body;
    const image = EXAMPLE_IMAGES.catalog();
    const late = await review(serve.port, 'images', imageReview(image), '?timeout=1ms');
    expect(late).toMatchObject({ allowed: false, status: { code: 403, reason: 'Indeterminate' }, auditAnnotations: { decision: 'Indeterminate' } });
    const hitsBefore = sample(metricsBefore, 'imagetrust_decision_cache_lookups_total', { result: 'hit' });
    const retry = await until(async () => {
      const response = await review(serve.port, 'images', imageReview(image));
      return response['auditAnnotations']['cache'] === 'hit' ? response : undefined;
    }, 'the warmed decision');
    expect(retry['allowed']).toBe(true);
    const hitsAfter = sample((await call(serve.port, 'GET', '/metrics')).body, 'imagetrust_decision_cache_lookups_total', { result: 'hit' });
    expect(hitsAfter).toBeGreaterThan(hitsBefore);
  });

  it('answers any body with a well-formed review, but refuses bodies over 3 MiB with 413', async () => {
    const garbage = await call(serve.port, 'POST', '/validate/images', 'this is not JSON');
    expect(garbage.status).toBe(200);
    expect(garbage.json()['response']).toMatchObject({ uid: '', allowed: false, status: { code: 400, reason: 'MalformedReview' } });
    const huge = await call(serve.port, 'POST', '/validate/images', Buffer.alloc(3 * 1024 * 1024 + 1, 0x20));
    expect(huge.status).toBe(413);
    expect((await call(serve.port, 'GET', '/healthz')).status).toBe(200);
  });

  it('counts decisions by endpoint, result and reason, and latency', async () => {
    const before = (await call(serve.port, 'GET', '/metrics')).body;
    await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.unsigned()));
    await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.unsigned()));
    const after = (await call(serve.port, 'GET', '/metrics')).body;
    const labels = { endpoint: 'images', result: 'denied', reason: 'Unsigned' };
    expect(sample(after, 'imagetrust_admission_decisions_total', labels) - sample(before, 'imagetrust_admission_decisions_total', labels)).toBe(2);
    expect(sample(after, 'imagetrust_admission_review_duration_seconds_count', { endpoint: 'images' })).toBeGreaterThan(sample(before, 'imagetrust_admission_review_duration_seconds_count', { endpoint: 'images' }));
    expect(after).toMatch(/^imagetrust_decision_cache_hit_ratio \d/m);
    expect(sample(after, 'imagetrust_image_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
  });

  it('reloads the TLS certificate without stopping: new connections get the new one, open ones keep working', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: CA });
    expect((await call(serve.port, 'GET', '/healthz', undefined, keepAlive)).status).toBe(200);
    expect(await peerCommonName(serve.port)).toBe('server-a');
    copyFileSync(join(TLS, 'server-b.key'), join(dir, 'tls.key.tmp'));
    copyFileSync(join(TLS, 'server-b.crt'), join(dir, 'tls.crt.tmp'));
    // Replace both files (as a Secret volume update does, near enough): renames are atomic.
    renameSync(join(dir, 'tls.key.tmp'), join(dir, 'tls.key'));
    renameSync(join(dir, 'tls.crt.tmp'), join(dir, 'tls.crt'));
    await until(async () => ((await peerCommonName(serve.port)) === 'server-b' ? true : undefined), 'the new certificate');
    expect((await call(serve.port, 'GET', '/healthz', undefined, keepAlive)).status).toBe(200);
    keepAlive.destroy();
    expect(serve.child.exitCode).toBeNull();
    const metrics = (await call(serve.port, 'GET', '/metrics')).body;
    expect(sample(metrics, 'imagetrust_reloads_total', { source: 'tls', result: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('reloads policies when their files change: a new revision, never an old cached answer', async () => {
    const before = await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.backend()));
    expect(before['warnings']).toHaveLength(1);
    rmSync(join(dir, 'policies', 'prefer-release-key.yaml'));
    const after = await until(async () => {
      const response = await review(serve.port, 'images', imageReview(EXAMPLE_IMAGES.backend()));
      return response['auditAnnotations']['policy-revision'] !== before['auditAnnotations']['policy-revision'] ? response : undefined;
    }, 'the policy reload');
    expect(after['allowed']).toBe(true);
    expect(after['warnings']).toBeUndefined();
    expect(after['auditAnnotations']['cache']).toBe('miss');
  });

  it('shuts down gracefully on SIGTERM with exit status 0', async () => {
    const exited = new Promise<number | null>((resolve) => serve.child.once('exit', (code) => resolve(code)));
    serve.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(serve.stderr()).toMatch(/stopped/);
  });
});

describe('imagetrust serve configuration errors', () => {
  it('exits 2 with one line when the TLS key does not match the certificate', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--trust', join(ROOT, 'examples', 'trust'), '--policy', join(ROOT, 'test', 'fixtures', 'admission', 'policies'),
      '--tls-cert', join(TLS, 'server-a.crt'), '--tls-key', join(TLS, 'server-b.key'), '--port', '0', '--workers', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^imagetrust: /);
  });
});
