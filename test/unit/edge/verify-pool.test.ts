/**
 * The audit's verification pool (the built one, dist/: its workers load dist/ modules): outcomes
 * from worker threads equal those of the main thread, in the order asked, and Images carrying the
 * same signature blob go to the same worker, whose engine cache then verifies the blob once.
 */
import { describe, expect, it } from 'vitest';
import { createVerifyPool, route } from '../../../dist/edge/audit/verify-pool.js';
import type { VerifyOutcome, VerifyTask } from '../../../dist/edge/audit/outcome.js';
import { readTrustSources } from '../../../src/edge/trust-input.js';
import { EXAMPLES_AT, EXAMPLES_TRUST, exampleImages, syntheticImages } from '../../helpers/audit-images.js';

const images = [...exampleImages(), ...syntheticImages(60)];
const tasks: VerifyTask[] = images.map((image, seq) => ({ seq, at: Date.parse(EXAMPLES_AT), image, source: 'test' }));

async function outcomes(workers: number): Promise<VerifyOutcome[]> {
  const trust = await readTrustSources([EXAMPLES_TRUST]);
  const pool = await createVerifyPool({ trust, identityRule: { type: 'matchRepoDigestOrExact' }, cache: true, write: true }, workers);
  try {
    const pending = tasks.map((task) => pool.verify(task));
    pool.flush();
    return await Promise.all(pending);
  } finally {
    await pool.close();
  }
}

describe('verification pool', () => {
  it('two worker threads answer exactly as the main thread, Image by Image', async () => {
    const [inline, threaded] = await Promise.all([outcomes(0), outcomes(2)]);
    expect(threaded.map((o) => o.seq)).toEqual(tasks.map((t) => t.seq));
    expect(threaded).toEqual(inline);
    // Write bodies exist for changed Images, and the verdicts are not all alike.
    expect(threaded.filter((o) => o.body !== undefined).length).toBeGreaterThan(0);
    expect(new Set(threaded.map((o) => (JSON.parse(o.line ?? '{}') as { verdict?: string }).verdict)).size).toBeGreaterThan(1);
  });

  it('routes equal signature blobs to one worker and spreads distinct ones', () => {
    const contentOf = (task: VerifyTask): unknown => ((task.image['signatures'] as { content?: unknown }[] | undefined)?.[0])?.content;
    const byContent = new Map<unknown, Set<number>>();
    for (const task of tasks) {
      const content = contentOf(task);
      if (typeof content !== 'string') continue;
      byContent.set(content, (byContent.get(content) ?? new Set()).add(route(task, 2)));
    }
    expect(byContent.size).toBeGreaterThan(1);
    for (const workers of byContent.values()) expect(workers.size).toBe(1);
    const spread = Array.from({ length: 2000 }, (_, i) => route({ seq: i, at: 0, source: 't', image: { signatures: [{ content: Buffer.from(`signature ${i} ${i * 7919}`).toString('base64') }] } }, 2));
    const first = spread.filter((w) => w === 0).length;
    expect(first).toBeGreaterThan(800);
    expect(first).toBeLessThan(1200);
  });
});
