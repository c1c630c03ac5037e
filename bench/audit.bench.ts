/**
 * `npm run bench`: `imagetrust audit` (the built CLI, dist/bin.js) over Images served by the fake
 * Image API (test/helpers/fake-image-api.ts, HTTPS on loopback, pages of 500), measured in one run
 * against a baseline:
 *   ceiling   node:crypto.verify of the same 10,000 signatures (RSA-2048 and Ed25519 alternating,
 *             one distinct signature per Image) on two threads: the 2-core raw crypto ceiling
 *   audit     the whole audit of those 10,000 Images: paging, JSON, worker threads, engine, report
 *             (ndjson to /dev/null), process start included
 *   audit 2×  the same over 20,000 Images (another 10,000 distinct signatures): the 10,000 more cost
 *             (20k - 10k) seconds, which leaves out what a run pays once (process start, loading the
 *             kubeconfig library and the engine in every thread, and V8 compiling the hot code in
 *             each of the three isolates): the steady per-Image rate
 *   start     an audit of an empty cluster: the fixed cost on its own
 * vitest prints the ratios. Afterwards it prints the peak RSS (and the live heap after a full GC) of
 * the audit process at 1,000, 10,000, 100,000 and 300,000 Images, and the writes of a second
 * `--write-conditions` run over unchanged Images. Images beyond the first 20,000 reuse the
 * signatures of the first 1,000 (making 100,000 signatures would take minutes): such a copy is for
 * another digest (DigestMismatch), and since equal blobs go to the same worker it is answered from
 * that worker's verification cache, which the 100,000 run's rate shows. The fake server runs in this
 * process and shares the two cores with the audit.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { FakeImageApi } from '../test/helpers/fake-image-api.js';
import { AUDIT_AT, benchSignatures, benchTrust, digestOf, rawCheck, referenceOf, type RawCheck } from './support/audit-fixtures.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'dist/bin.js');
const TRUST = ['rsa2048', 'ed25519'].flatMap((k) => ['--trust', join(ROOT, `test/fixtures/pgp/keys/${k}.asc`)]);
const N = 10_000;
/** The main thread's heap bound that deploy/audit/*.yaml sets through NODE_OPTIONS. */
const DEPLOYED_HEAP = '--max-old-space-size=192';
const DOUBLE = 2 * N;

const signatures = await benchSignatures(DOUBLE);
const trust = await benchTrust();
const checks = signatures.slice(0, N).map((s) => rawCheck(Buffer.from(s, 'base64'), trust));
const dir = mkdtempSync(join(tmpdir(), 'imagetrust-bench-'));
const figures: string[] = [];

function image(i: number): Record<string, unknown> {
  const digest = digestOf(i);
  return {
    metadata: { name: digest },
    dockerImageReference: referenceOf(i),
    signatures: [{ metadata: { name: `${digest}@${String(i).padStart(32, '0')}` }, type: 'atomic', content: signatures[i < DOUBLE ? i : i % 1000] }],
  };
}

async function serve(count: number): Promise<{ server: FakeImageApi; kubeconfig: string }> {
  const server = await new FakeImageApi().start();
  for (let i = 0; i < count; i++) server.add(image(i));
  return { server, kubeconfig: server.writeKubeconfig(dir) };
}

// On exit: the process's peak RSS (KiB, worker threads included), and the main thread's live heap
// after a full GC (what the run retains; peak RSS also holds garbage V8 had not yet collected).
const PEAK = `data:text/javascript,process.on('exit',()=>{globalThis.gc();process.stderr.write('\\npeak-rss-kib '+process.resourceUsage().maxRSS+' live-heap-kib '+(process.memoryUsage().heapUsed>>10)+'\\n')})`;

interface AuditRun {
  readonly ms: number;
  readonly peakKiB: number;
  readonly liveKiB: number;
  readonly code: number | null;
}

function audit(kubeconfig: string, extra: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<AuditRun> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, '--expose-gc', '--import', PEAK, BIN, 'audit', '--kubeconfig', kubeconfig, ...TRUST, '--at', AUDIT_AT, '-o', 'ndjson', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const peak = /peak-rss-kib (\d+) live-heap-kib (\d+)/.exec(stderr);
      if (code !== 0 && code !== 1) throw new Error(`audit failed (${code}): ${stderr}`);
      resolve({ ms: performance.now() - start, peakKiB: Number(peak?.[1] ?? 0), liveKiB: Number(peak?.[2] ?? 0), code });
    });
  });
}

const CEILING_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { verify, createHash } = require('node:crypto');
parentPort.on('message', () => {
  let ok = 0;
  for (const c of workerData) {
    const good = c.algorithm === 'rsa'
      ? verify(c.hash, c.data, c.key, c.signature)
      : verify(null, createHash(c.hash).update(c.data).digest(), c.key, c.signature);
    if (good) ok++;
  }
  parentPort.postMessage(ok);
});`;

/** node:crypto.verify of every signature, split over two threads (both cores). */
function ceilingThreads(all: readonly RawCheck[]): { run: () => Promise<void>; close: () => Promise<void> } {
  const halves = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2 === 1)];
  const workers = halves.map((half) => new Worker(CEILING_WORKER, { eval: true, workerData: half }));
  return {
    run: async () => {
      const counts = await Promise.all(workers.map((w) => new Promise<number>((resolve) => {
        w.once('message', resolve);
        w.postMessage('go');
      })));
      if (counts.reduce((a, b) => a + b, 0) !== all.length) throw new Error('a ceiling signature did not verify');
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

let tenK: { server: FakeImageApi; kubeconfig: string };
let twentyK: { server: FakeImageApi; kubeconfig: string };
let empty: { server: FakeImageApi; kubeconfig: string };
let ceiling: ReturnType<typeof ceilingThreads>;
const auditTimes: number[] = [];
const doubleTimes: number[] = [];
const ceilingTimes: number[] = [];
const startTimes: number[] = [];

beforeAll(async () => {
  tenK = await serve(N);
  twentyK = await serve(DOUBLE);
  empty = await serve(0);
  ceiling = ceilingThreads(checks);
}, 300_000);

afterAll(async () => {
  await ceiling.close();
  await tenK.server.close();
  await twentyK.server.close();
  await empty.server.close();
  const best = (xs: number[]): number => Math.min(...xs);
  if (auditTimes.length > 0 && doubleTimes.length > 0 && ceilingTimes.length > 0 && startTimes.length > 0) {
    const ceilingRate = N / (best(ceilingTimes) / 1000);
    const wholeRate = N / (best(auditTimes) / 1000);
    const steadyRate = (DOUBLE - N) / ((best(doubleTimes) - best(auditTimes)) / 1000);
    const percent = (rate: number): string => `${((rate / ceilingRate) * 100).toFixed(0)} %`;
    figures.unshift(
      `2-core node:crypto.verify ceiling: ${Math.round(ceilingRate)} signatures/s (best of ${ceilingTimes.length})`,
      `audit, steady per-Image rate (the 10,000 Images of a 20,000 run beyond a 10,000 one): ${Math.round(steadyRate)} Images/s = ${percent(steadyRate)} of the ceiling`,
      `audit, whole run of 10,000 Images (${Math.round(best(auditTimes))} ms): ${Math.round(wholeRate)} Images/s = ${percent(wholeRate)} of the ceiling; an empty cluster's run takes ${Math.round(best(startTimes))} ms`,
    );
  }

  // Peak memory as the Image count grows 300-fold: as V8 sizes the main thread's heap by itself, and
  // with the bound deploy/audit sets (NODE_OPTIONS), under which the garbage is collected sooner.
  for (const count of [1_000, 10_000, 100_000, 300_000]) {
    const { server, kubeconfig } = await serve(count);
    const run = await audit(kubeconfig);
    const bounded = await audit(kubeconfig, [], [DEPLOYED_HEAP]);
    figures.push(`${count.toLocaleString('en-US').padStart(7)} Images: peak RSS ${(run.peakKiB / 1024).toFixed(0)} MiB (${DEPLOYED_HEAP}: ${(bounded.peakKiB / 1024).toFixed(0)} MiB), live heap after GC ${(run.liveKiB / 1024).toFixed(0)} MiB (${Math.round(count / (run.ms / 1000))} Images/s)`);
    await server.close();
  }

  // Writes: a first --write-conditions run writes every Image; a second, over unchanged Images, none.
  const { server, kubeconfig } = await serve(N);
  await audit(kubeconfig, ['--write-conditions']);
  const first = server.writes.length;
  const again = await audit(kubeconfig, ['--write-conditions']);
  figures.push(`writes: first run ${first}, second unchanged run ${server.writes.length - first} (${Math.round(N / (again.ms / 1000))} Images/s)`);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nimagetrust audit bench (${availableParallelism()} cores):\n  ${figures.join('\n  ')}\n`);
}, 900_000);

describe(`audit of ${N.toLocaleString('en-US')} Images vs the 2-core crypto ceiling`, () => {
  bench('ceiling: node:crypto.verify on 2 threads', async () => {
    const t = performance.now();
    await ceiling.run();
    ceilingTimes.push(performance.now() - t);
  }, { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 });

  bench('imagetrust audit (fake Image API, 2 workers)', async () => {
    const run = await audit(tenK.kubeconfig);
    auditTimes.push(run.ms);
  }, { iterations: 3, warmupIterations: 0, time: 0, warmupTime: 0 });

  bench('imagetrust audit of 20,000 Images', async () => {
    const run = await audit(twentyK.kubeconfig);
    doubleTimes.push(run.ms);
  }, { iterations: 3, warmupIterations: 0, time: 0, warmupTime: 0 });

  bench('start: imagetrust audit of an empty cluster', async () => {
    const run = await audit(empty.kubeconfig);
    startTimes.push(run.ms);
  }, { iterations: 3, warmupIterations: 0, time: 0, warmupTime: 0 });
});
