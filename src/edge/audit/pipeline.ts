/**
 * The audit pipeline: pages → shard filter → verification (worker pool, batched) → write-back →
 * items in input order. A bounded window of Images in flight gives back-pressure from verification
 * and writing to paging, so memory stays flat. A page is complete when every Image on it (and on
 * every page before it) is verified, written if needed and handed to `onItem`; `onPage` then
 * checkpoints it.
 */
import type { AuditError, AuditItem } from '../../audit/model.js';
import { MAX_KEPT_ERRORS } from '../../audit/checkpoint.js';
import { inShard, type Shard } from '../../audit/shard.js';
import type { SummaryBuilder } from '../../audit/summary.js';
import type { JsonObject } from '../../types.js';
import type { Progress } from './progress.js';
import type { ImageSource } from './sources.js';
import { itemOf } from './outcome.js';
import type { VerifyPool } from './verify-pool.js';
import type { VerifyOutcome } from './outcome.js';
import type { Writer } from './writer.js';

/**
 * Images in flight at most (verifying, writing, or waiting for an earlier Image to finish), or one
 * page when `--page-size` is larger: the next page is taken only when it fits.
 */
export const MAX_IN_FLIGHT = 1024;

export interface PipelineState {
  readonly summary: SummaryBuilder;
  /** The first `MAX_KEPT_ERRORS` errors (the summary counts all). */
  readonly errors: AuditError[];
  consistentSnapshot: boolean;
  /** Pages completed, including those of a run this one resumes. */
  pages: number;
}

export interface Pipeline {
  readonly source: ImageSource;
  /** Where to start: '' or the `next` of the last completed page. */
  readonly from: string;
  /** The run's evaluation time, milliseconds since the epoch. */
  readonly at: number;
  readonly pool: VerifyPool;
  readonly writer?: Writer;
  readonly shard?: Shard;
  readonly progress: Progress;
  /** Each finished Image, in input order, with its JSON line. */
  readonly onItem: (line: string, item: AuditItem) => void;
  /** A page is complete; `next` is where the following page starts, `last` when there is none. */
  readonly onPage: (next: string, last: boolean) => Promise<void>;
}

/** What flows from paging to the report, in input order: an Image's outcome, or the end of a page. */
type Entry =
  | { readonly kind: 'image'; readonly item?: AuditItem; readonly line?: string; readonly errors: readonly AuditError[]; readonly conflicts: number }
  | { readonly kind: 'page'; readonly next: string };

/** Runs to the end of the source. Rejects with AuditStop (or a worker failure) when the run cannot go on. */
export async function runPipeline(p: Pipeline, state: PipelineState): Promise<void> {
  const queue: Promise<Entry>[] = [];
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let producing = true;
  let failed = false;
  let aborted = false;
  let seq = 0;
  let done = state.summary.summary().images;
  let listed = done;
  let total: number | undefined;

  const push = (entry: Promise<Entry>): void => {
    entry.catch(() => undefined); // awaited in order by the consumer; a failure there stops the run
    queue.push(entry);
    wakeConsumer?.();
  };
  // Only the name and source are kept while the Image is verified: the Image itself is let go once a
  // worker has it, so pages die young instead of filling the old generation (peak memory, GC time).
  const audit = async (verifying: Promise<VerifyOutcome>, name: string, source: string, n: number): Promise<Entry> => {
    const outcome = await verifying;
    const { body, line } = outcome;
    const item = itemOf(outcome);
    if (p.writer && item && body !== undefined) {
      const written = await p.writer.write(name, source, n, p.at, item, { ...outcome, body });
      return { kind: 'image', item: written.item, errors: outcome.errors, conflicts: written.conflicts };
    }
    if (item && p.writer && item.written === undefined) return { kind: 'image', item: { ...item, written: false }, errors: outcome.errors, conflicts: 0 };
    return { kind: 'image', ...(item ? { item } : {}), ...(line !== undefined ? { line } : {}), errors: outcome.errors, conflicts: 0 };
  };

  // The consumer takes entries in input order: counts, report lines, checkpoints at page ends.
  const consume = async (): Promise<void> => {
    try {
      for (;;) {
        if (aborted) return;
        const head = queue[0];
        if (head === undefined) {
          if (!producing) return;
          await new Promise<void>((resolve) => (wakeConsumer = resolve));
          wakeConsumer = undefined;
          continue;
        }
        const entry = await head;
        if (aborted) return;
        void queue.shift(); // `head`, already settled
        wakeProducer?.();
        if (entry.kind === 'page') {
          state.pages++;
          await p.onPage(entry.next, entry.next === '');
          continue;
        }
        if (entry.item) {
          state.summary.add(entry.item);
          p.onItem(`${entry.line ?? JSON.stringify(entry.item)}\n`, entry.item);
          done++;
        }
        for (const error of entry.errors) if (state.errors.length < MAX_KEPT_ERRORS) state.errors.push(error);
        state.summary.addErrors(entry.errors.length);
        state.summary.addConflicts(entry.conflicts);
        p.progress.update(done, total);
      }
    } catch (error) {
      failed = true;
      wakeProducer?.();
      throw error;
    }
  };
  const consumer = consume();
  consumer.catch(() => undefined);

  try {
    for await (const page of p.source.pages(p.from)) {
      if (failed) break;
      if (page.inconsistent) state.consistentSnapshot = false;
      listed += page.items.length;
      if (page.remaining !== undefined) total = Math.round((listed + page.remaining) / (p.shard?.count ?? 1));
      if (page.errors.length > 0) push(Promise.resolve({ kind: 'image', errors: page.errors, conflicts: 0 }));
      const next = page.next;
      // The whole page goes to the workers at once and is let go (see `audit`): its Images die young
      // instead of outliving collections while they wait their turn, which kept the old generation
      // growing with the run.
      const items = page.items.splice(0);
      for (const item of items) {
        const name = nameOf(item.image);
        if (!inShard(name, p.shard)) continue;
        const n = seq++;
        push(audit(p.pool.verify({ seq: n, at: p.at, image: item.image, source: item.source }), name, item.source, n));
      }
      push(Promise.resolve({ kind: 'page', next }));
      p.pool.flush();
      // Room for a page like this one (pages are alike but the last) before the next is taken and parsed.
      const room = MAX_IN_FLIGHT - items.length;
      while (queue.length > 0 && queue.length > room && !failed) {
        await new Promise<void>((resolve) => (wakeProducer = resolve));
        wakeProducer = undefined;
      }
    }
  } catch (error) {
    // The source failed (credentials, RBAC, an API server that keeps failing): stop consuming too.
    aborted = true;
    throw error;
  } finally {
    producing = false;
    wakeConsumer?.();
    if (aborted) p.progress.finish();
  }
  try {
    await consumer;
  } finally {
    p.progress.finish();
  }
}

function nameOf(image: JsonObject): string {
  const metadata = image['metadata'];
  const name = typeof metadata === 'object' && metadata !== null ? (metadata as JsonObject)['name'] : undefined;
  return typeof name === 'string' ? name : '';
}
