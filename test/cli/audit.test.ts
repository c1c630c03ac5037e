/**
 * `imagetrust audit` end to end (contract section 9): the built CLI spawned against the in-process
 * fake Image API (test/helpers/fake-image-api.ts) through a kubeconfig, as a CronJob would run it.
 * Checked: every Image audited exactly once across pages, expiring continue tokens and shards; only
 * changed Images written, once, with `fieldManager=imagetrust`, and never again on a rerun; a 409
 * loses neither writer's change; a killed run resumes and audits everything once; `--dry-run`
 * stores nothing; 429/5xx are retried; 401/403 stop with exit 2. Assertions are on exit codes,
 * report fields and what the server stored, never on message wording.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { readTrustSources } from '../../src/edge/trust-input.js';
import { EXAMPLES_AT, EXAMPLES_TRUST, ROOT, exampleImages, namesOf, syntheticImages } from '../helpers/audit-images.js';
import { FakeImageApi } from '../helpers/fake-image-api.js';
import { parseXml } from './xml.js';

const BIN = join(ROOT, 'dist', 'bin.js');

type Json = Record<string, unknown>;
interface Item {
  readonly image: string;
  readonly verdict: string;
  readonly changed: boolean;
  readonly written?: boolean;
  readonly writeError?: string;
  readonly signatures: readonly { readonly reason: string; readonly keyID?: string; readonly fingerprint?: string }[];
}
interface Report {
  readonly kind: string;
  readonly evaluationTime: string;
  readonly shard?: string;
  readonly consistentSnapshot: boolean;
  readonly summary: { images: number; written: number; changed: number; conflicts: number; writeFailures: number; errors: number; verdicts: Record<string, number> };
  readonly signers: readonly { readonly fingerprint?: string; readonly keyIDs: readonly string[]; readonly known: boolean }[];
  readonly items: readonly Item[];
}
interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let server: FakeImageApi;
const all = [...exampleImages(), ...syntheticImages(40)];
const allNames = namesOf(all).sort();
/** Images with signatures: their conditions change on a first audit, so it writes them. */
const signedNames = namesOf(all.filter((i) => Array.isArray(i['signatures']) && i['signatures'].length > 0)).sort();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imagetrust-audit-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server.close();
});

async function startServer(images: readonly Json[] = all, options: ConstructorParameters<typeof FakeImageApi>[0] = {}): Promise<string> {
  server = await new FakeImageApi(options).start();
  for (const image of images) server.add(image);
  return server.writeKubeconfig(dir);
}

function runCli(args: readonly string[], onStart?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

function audit(kubeconfig: string, ...extra: string[]): Promise<Run> {
  return runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', EXAMPLES_AT, '-o', 'json', ...extra]);
}

function report(run: Run): Report {
  return JSON.parse(run.stdout) as Report;
}

function itemNames(r: Report): string[] {
  return r.items.map((i) => i.image).sort();
}

/** What one clean audit stores: the engine's Image for each original (conditions at EXAMPLES_AT). */
async function expectedSignatures(images: readonly Json[]): Promise<Map<string, unknown>> {
  const engine = await createEngine({ trust: await readTrustSources([EXAMPLES_TRUST]), clock: () => new Date(EXAMPLES_AT) });
  const out = new Map<string, unknown>();
  for (const image of images) {
    const result = engine.verifyImage(image, { at: new Date(EXAMPLES_AT) });
    out.set(String((image['metadata'] as Json)['name']), (result.image ?? image)['signatures']);
  }
  return out;
}

function storedSignatures(name: string): unknown {
  return server.get(name)?.['signatures'];
}

describe('imagetrust audit against the Image API', () => {
  it('audits every Image exactly once across pages, also when a continue token expires (410)', async () => {
    const kubeconfig = await startServer();
    server.beforeList = (page) => {
      if (page === 3) server.expireTokens();
    };
    const run = await audit(kubeconfig, '--page-size', '7');
    expect(run.code).toBe(1);
    const r = report(run);
    expect(r.kind).toBe('AuditReport');
    expect(itemNames(r)).toEqual(allNames);
    expect(r.summary.images).toBe(all.length);
    expect(r.consistentSnapshot).toBe(false);
    const lists = server.requests.filter((q) => q.path.endsWith('/images') && q.method === 'GET');
    expect(lists.every((q) => q.query.get('limit') === '7')).toBe(true);
    expect(server.writes).toEqual([]);
    // The examples' verdicts (examples/README.md) come through the cluster source unchanged.
    const byName = new Map(r.items.map((i) => [i.image, i]));
    expect(byName.get('sha256:603600d2915bed6f2faef0339536e886eb3b7d70039a28ad38c316ebf4d63310')?.verdict).toBe('Trusted');
    expect(byName.get('sha256:39ab0e3257b9246d3e956f91d49a026627d342888fda5bd3e3fd40d5d182ce73')?.signatures[0]?.reason).toBe('DigestMismatch');
    expect(r.signers.some((s) => !s.known && s.keyIDs.includes('E06632A731839D20'))).toBe(true);
  });

  it('writes only changed Images, once each, with fieldManager=imagetrust; a rerun writes nothing', async () => {
    const kubeconfig = await startServer();
    const first = await audit(kubeconfig, '--write-conditions', '--page-size', '10');
    expect(first.code).toBe(1);
    const r1 = report(first);
    const changed = r1.items.filter((i) => i.changed).map((i) => i.image).sort();
    expect(changed.length).toBeGreaterThan(0);
    expect(r1.items.filter((i) => i.written === true).map((i) => i.image).sort()).toEqual(changed);
    expect(server.writes.map((w) => w.name).sort()).toEqual(changed);
    expect(server.writes.every((w) => w.fieldManager === 'imagetrust' && !w.dryRun)).toBe(true);
    expect(server.violations).toEqual([]);
    const expected = await expectedSignatures(all);
    for (const name of allNames) expect(storedSignatures(name)).toEqual(expected.get(name));

    const again = await audit(kubeconfig, '--write-conditions');
    expect(again.code).toBe(1);
    const r2 = report(again);
    expect(server.writes).toHaveLength(changed.length);
    expect(r2.summary.written).toBe(0);
    expect(r2.items.every((i) => !i.changed && i.written === false)).toBe(true);
    // A later evaluation time changes only lastProbeTime: still nothing to write.
    const later = await runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', '2026-06-02T00:00:00Z', '-o', 'json', '--write-conditions']);
    expect(report(later).summary.written).toBe(0);
    expect(server.writes).toHaveLength(changed.length);
  });

  it('--dry-run sends dryRun=All and stores nothing', async () => {
    const kubeconfig = await startServer();
    const before = new Map(allNames.map((n) => [n, JSON.stringify(server.get(n))]));
    const run = await audit(kubeconfig, '--write-conditions', '--dry-run');
    const r = report(run);
    expect(r.summary.written).toBe(r.summary.changed);
    expect(server.writes.length).toBe(r.summary.changed);
    expect(server.writes.every((w) => w.dryRun)).toBe(true);
    for (const name of allNames) expect(JSON.stringify(server.get(name))).toBe(before.get(name));
  });

  it('a 409 conflict mid-run loses neither the other writer\'s change nor ours', async () => {
    const kubeconfig = await startServer();
    const victims = new Set(allNames.filter((_, i) => i % 9 === 0));
    server.beforePut = (name, attempt) => {
      // Another writer changes the Image between our read and our write, twice for some.
      if (victims.has(name) && attempt <= (name < allNames[20]! ? 2 : 1)) {
        server.modify(name, (image) => {
          const metadata = image['metadata'] as Json;
          metadata['annotations'] = { ...(metadata['annotations'] as Json | undefined), [`other-writer/${attempt}`]: 'yes' };
        });
      }
    };
    const run = await audit(kubeconfig, '--write-conditions', '--page-size', '5');
    const r = report(run);
    expect(r.summary.writeFailures).toBe(0);
    expect(r.summary.conflicts).toBeGreaterThan(0);
    expect(server.violations).toEqual([]);
    const expected = await expectedSignatures(all);
    for (const name of allNames) {
      expect(storedSignatures(name)).toEqual(expected.get(name));
      if (victims.has(name) && r.items.find((i) => i.image === name)?.changed) {
        expect((server.get(name)?.['metadata'] as Json)['annotations']).toHaveProperty('other-writer/1', 'yes');
      }
    }
  });

  it('shards cover every Image exactly once, and report merge joins them', async () => {
    const kubeconfig = await startServer();
    const files: string[] = [];
    const seen: string[] = [];
    for (let k = 0; k < 3; k++) {
      const file = join(dir, `shard-${k}.json`);
      const run = await audit(kubeconfig, '--shard', `${k}/3`, '--page-size', '9', '--report', file, '-o', 'ndjson');
      const lines = run.stdout.trim().split('\n').filter((l) => l !== '');
      const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expect(r.shard).toBe(`${k}/3`);
      expect(lines).toHaveLength(r.items.length);
      seen.push(...r.items.map((i) => i.image));
      files.push(file);
    }
    expect(seen.sort()).toEqual(allNames);
    const merged = await runCli(['report', 'merge', ...files, '-o', 'json']);
    expect(merged.code).toBe(1);
    const m = report(merged);
    expect(itemNames(m)).toEqual(allNames);
    expect(m.summary.images).toBe(all.length);
    const partial = await runCli(['report', 'merge', files[0]!, files[2]!, '-o', 'json']);
    expect(partial.code).toBe(2);
  });

  it('a run killed after its first checkpoint resumes and audits every Image once, writing none twice', async () => {
    const kubeconfig = await startServer();
    const resume = join(dir, 'resume-a.json');
    let child: ChildProcess | undefined;
    let killed = false;
    server.beforeList = async (page) => {
      if (page !== 4 || killed) return;
      for (let i = 0; i < 200 && !checkpointPages(resume); i++) await sleep(25);
      killed = true;
      child?.kill('SIGKILL');
      await sleep(50);
    };
    const first = await runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', EXAMPLES_AT, '-o', 'json', '--write-conditions', '--page-size', '5', '--resume', resume], (c) => (child = c));
    expect(first.code).toBeNull();
    expect(killed).toBe(true);
    expect(checkpointPages(resume)).toBeGreaterThan(0);
    const writesBefore = server.writes.length;
    expect(writesBefore).toBeGreaterThan(0);

    const second = await audit(kubeconfig, '--write-conditions', '--page-size', '5', '--resume', resume);
    expect(second.code).toBe(1);
    const r = report(second);
    expect(r.evaluationTime).toBe(EXAMPLES_AT);
    expect(itemNames(r)).toEqual(allNames);
    const writes = server.writes.map((w) => w.name);
    expect(new Set(writes).size).toBe(writes.length);
    const expected = await expectedSignatures(all);
    for (const name of allNames) expect(storedSignatures(name)).toEqual(expected.get(name));
    expect(existsSync(resume)).toBe(false);
  });

  it('a run killed after some writes resumes and writes each changed Image exactly once', async () => {
    const kubeconfig = await startServer();
    const resume = join(dir, 'resume-b.json');
    let child: ChildProcess | undefined;
    server.beforePut = () => {
      if (server.writes.length === 7) child?.kill('SIGKILL');
    };
    const first = await runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', EXAMPLES_AT, '-o', 'ndjson', '--write-conditions', '--page-size', '4', '--resume', resume], (c) => (child = c));
    expect(first.code).toBeNull();
    server.beforePut = undefined;
    const second = await audit(kubeconfig, '--write-conditions', '--page-size', '4', '--resume', resume);
    const r = report(second);
    expect(itemNames(r)).toEqual(allNames);
    const writes = server.writes.map((w) => w.name);
    expect(new Set(writes).size).toBe(writes.length);
    const expected = await expectedSignatures(all);
    for (const name of allNames) expect(storedSignatures(name)).toEqual(expected.get(name));
  });

  it('retries 429 (Retry-After) and 5xx on lists, reads and writes', async () => {
    const kubeconfig = await startServer();
    server.faults.push(
      { verb: 'list', page: 1, status: 429, retryAfter: 0, times: 2 },
      { verb: 'list', page: 2, status: 503, times: 1 },
      { verb: 'update', name: signedNames[3]!, status: 500, times: 1 },
      { verb: 'update', name: signedNames[5]!, status: 429, retryAfter: 0, times: 1 },
    );
    const run = await audit(kubeconfig, '--write-conditions', '--page-size', '20');
    const r = report(run);
    expect(run.code).toBe(1);
    expect(itemNames(r)).toEqual(allNames);
    expect(r.summary.writeFailures).toBe(0);
    expect(server.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('stops with exit 2 on 401 and on 403, naming the RBAC verb', async () => {
    let kubeconfig = await startServer(all, { forbid: ['update'] });
    let run = await audit(kubeconfig, '--write-conditions');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^imagetrust: .*"update"/);
    expect(server.writes).toEqual([]);
    await server.close();

    kubeconfig = await startServer(all, { forbid: ['list'] });
    run = await audit(kubeconfig);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^imagetrust: .*"list"/);
    await server.close();

    await startServer();
    run = await audit(server.writeKubeconfig(dir, { token: 'wrong' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^imagetrust: .*401/);
  });

  it('authenticates with a client certificate from the kubeconfig', async () => {
    await startServer(exampleImages());
    const run = await audit(server.writeKubeconfig(dir, 'certificate'));
    expect(run.code).toBe(1);
    expect(report(run).summary.images).toBe(exampleImages().length);
  });

  it('sends --selector as labelSelector', async () => {
    const kubeconfig = await startServer();
    const run = await audit(kubeconfig, '--selector', 'team=a');
    const r = report(run);
    const teamA = all.filter((i) => ((i['metadata'] as Json)['labels'] as Json | undefined)?.['team'] === 'a');
    expect(itemNames(r)).toEqual(namesOf(teamA).sort());
    expect(server.requests.some((q) => q.query.get('labelSelector') === 'team=a')).toBe(true);
  });
});

describe('imagetrust audit reports', () => {
  it('writes ndjson on stdout and html, junit and json report files in one run', async () => {
    const kubeconfig = await startServer();
    const html = join(dir, 'report.html');
    const junit = join(dir, 'report.xml');
    const run = await runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', EXAMPLES_AT, '-o', 'ndjson', '--report', html]);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(all.length);
    expect(lines.map((l) => (JSON.parse(l) as Item).image).sort()).toEqual(allNames);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.match(/<tr data-v=/g)).toHaveLength(all.length);
    expect(page).not.toMatch(/<(?:link|img|iframe)\b|src=/);
    await runCli(['audit', '--kubeconfig', kubeconfig, '--trust', EXAMPLES_TRUST, '--at', EXAMPLES_AT, '-o', 'table', '--report', junit]);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    const suite = xml.children[0]!;
    expect(xml.attributes['tests']).toBe(String(all.length));
    expect(suite.children.filter((c) => c.name === 'testcase')).toHaveLength(all.length);
    const failures = suite.children.filter((c) => c.children.some((x) => x.name === 'failure'));
    const r = report(await audit(kubeconfig));
    expect(failures).toHaveLength(r.items.filter((i) => i.verdict !== 'Trusted').length);
  });

  it('audits files as verify reads them; write-back needs a cluster', async () => {
    const run = await runCli(['audit', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'json']);
    expect(run.code).toBe(1);
    const r = report(run);
    const verify = JSON.parse((await runCli(['verify', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'json'])).stdout) as { items: { image: string; verdict: string }[] };
    expect(r.items.map((i) => [i.image, i.verdict])).toEqual(verify.items.map((i) => [i.image, i.verdict]));
    const table = await runCli(['audit', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'table']);
    expect(table.code).toBe(1);
    expect(table.stdout.split('\n')[0]).toMatch(/^IMAGE\s+VERDICT/);
    const bad = await runCli(['audit', 'examples/images', '--trust', 'examples/trust', '--write-conditions']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    server = await new FakeImageApi().start(); // for afterEach
  });

  it('--policy decides the exit status; policy problems are exit 2 with file:line:col', async () => {
    const args = ['audit', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'json'];
    const run = await runCli([...args, '--policy', 'policies/require-trusted-signature.yaml']);
    const r = JSON.parse(run.stdout) as { policyRevision?: string; unmatched?: string; items: { verdict: string; decision?: string; policies?: unknown[] }[]; summary: { decisions?: Record<string, number> } };
    expect(r.policyRevision).toMatch(/\S/);
    expect(r.unmatched).toBe('deny');
    expect(r.items.every((i) => i.decision === (i.verdict === 'Trusted' ? 'Allowed' : 'Denied') && Array.isArray(i.policies))).toBe(true);
    expect(run.code).toBe(r.items.every((i) => i.decision === 'Allowed') ? 0 : 1);
    expect(r.summary.decisions?.['Denied']).toBe(r.items.filter((i) => i.decision === 'Denied').length);
    const bad = join(dir, 'bad-policy.yaml');
    writeFileSync(bad, 'apiVersion: imagetrust.io/v1alpha1\nkind: ImagePolicy\nmetadata: {name: bad}\nspec:\n  validations:\n    - expression: "size(("\n');
    const broken = await runCli([...args, '--policy', bad]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^imagetrust: .*bad-policy\.yaml:\d+:\d+: /);
    server = await new FakeImageApi().start();
  });

  it('stops quietly with exit 2 when the reader of its output goes away (| head)', async () => {
    const run = await runCli(['audit', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'ndjson'], (child) => {
      // Closed before the child has started: its first write meets a closed pipe.
      child.stdout?.destroy();
    });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
    // A report rendered at the end is spooled to a temporary directory, removed even on this exit.
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const spooled = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'audit', 'examples/images', '--trust', 'examples/trust', '--at', EXAMPLES_AT, '-o', 'json'], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } });
      child.stdout.destroy();
      child.on('close', resolve);
    });
    expect(spooled).toBe(2);
    expect(readdirSync(tmp)).toEqual([]);
    server = await new FakeImageApi().start();
  });

  it('a resumed file audit with a different setting is refused', async () => {
    const resume = join(dir, 'resume-c.json');
    writeFileSync(resume, JSON.stringify({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'AuditCheckpoint' }));
    const run = await runCli(['audit', 'examples/images', '--trust', 'examples/trust', '--resume', resume]);
    expect(run.code).toBe(2);
    server = await new FakeImageApi().start();
  });
});

function checkpointPages(path: string): number {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { pages: number }).pages;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
