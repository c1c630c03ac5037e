/**
 * Property: for any interleaving of list pages (page size, continue tokens that expire into 410)
 * and write conflicts (another writer changing Images between our read and our write, up to three
 * times in a row), the conditions the audit leaves stored equal those of one clean audit, every
 * Image is reported exactly once, and no signature is ever damaged. The audit runs in-process
 * (`runAudit`, verification on the main thread) against the fake Image API.
 */
import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { runAudit, type AuditCommandOptions } from '../../src/edge/audit-command.js';
import type { CliIO } from '../../src/edge/cli.js';
import { createEngine } from '../../src/engine.js';
import { readTrustSources } from '../../src/edge/trust-input.js';
import { EXAMPLES_AT, EXAMPLES_TRUST, exampleImages, namesOf, syntheticImages } from '../helpers/audit-images.js';
import { FakeImageApi } from '../helpers/fake-image-api.js';

type Json = Record<string, unknown>;

const images = [...exampleImages(), ...syntheticImages(14, 'prop')];
const names = namesOf(images).sort();
let dir: string;
let clean: Map<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imagetrust-audit-prop-'));
  const engine = await createEngine({ trust: await readTrustSources([EXAMPLES_TRUST]), clock: () => new Date(EXAMPLES_AT) });
  clean = new Map(images.map((image) => [String((image['metadata'] as Json)['name']), (engine.verifyImage(image, { at: new Date(EXAMPLES_AT) }).image ?? image)['signatures']]));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function io(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdoutIsTTY: false, now: () => new Date(EXAMPLES_AT), version: 'test' };
}

const schedule = fc.record({
  pageSize: fc.integer({ min: 1, max: 8 }),
  expiry: fc.constantFrom(0, 0.25, 0.5),
  // For some Images, how many times in a row another writer gets in first (the audit retries up to 5 attempts).
  conflicts: fc.dictionary(fc.constantFrom(...names), fc.integer({ min: 1, max: 3 }), { maxKeys: 6 }),
  otherWriterTouchesConditions: fc.boolean(),
});

describe('audit write-back under interleavings', () => {
  test.prop([schedule], { numRuns: 12 })('the stored conditions equal one clean audit\'s', async ({ pageSize, expiry, conflicts, otherWriterTouchesConditions }) => {
    const server = await new FakeImageApi().start();
    try {
      for (const image of images) server.add(image);
      server.expireEvery = expiry;
      server.beforePut = (name, attempt) => {
        if (attempt > (conflicts[name] ?? 0)) return;
        server.modify(name, (image) => {
          const metadata = image['metadata'] as Json;
          metadata['labels'] = { ...(metadata['labels'] as Json | undefined), [`other-${attempt}`]: 'x' };
          // Another writer may also rewrite our conditions (say, an older imagetrust): ours must win.
          const sig = (image['signatures'] as Json[] | undefined)?.[0];
          if (otherWriterTouchesConditions && sig) sig['conditions'] = [{ type: 'Trusted', status: 'Unknown' }, { type: 'ForImage', status: 'Unknown' }];
        });
      };
      const options: AuditCommandOptions = {
        trust: [EXAMPLES_TRUST], kubeconfig: server.writeKubeconfig(dir), identityRule: 'matchRepoDigestOrExact', cache: true,
        at: new Date(EXAMPLES_AT), output: 'ndjson', concurrency: '0', pageSize: String(pageSize), writeConditions: true,
      };
      const out = io();
      const code = await runAudit([], options, out);
      expect(code, out.err.join('')).toBe(1);
      const reported = out.out.join('').trim().split('\n').map((line) => (JSON.parse(line) as { image: string }).image).sort();
      expect(reported).toEqual(names);
      expect(server.violations).toEqual([]);
      for (const name of names) expect(server.get(name)?.['signatures']).toEqual(clean.get(name));
      // A second, clean run finds nothing to write.
      const before = server.writes.length;
      server.beforePut = undefined;
      server.expireEvery = 0;
      expect(await runAudit([], options, io())).toBe(1);
      expect(server.writes.length).toBe(before);
    } finally {
      await server.close();
    }
  }, 120_000);
});
