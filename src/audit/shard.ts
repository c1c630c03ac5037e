/**
 * `--shard K/N`: an Image belongs to shard `K` of `N` when the first four bytes of the SHA-256 of its
 * `metadata.name` (UTF-8), read as a big-endian unsigned 32-bit integer, are `K` modulo `N`.
 * Stable across runs, machines and page sizes, and independent of list order.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../codes.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Largest shard count accepted. */
export const MAX_SHARDS = 10_000;

/** Parses `K/N` (0 ≤ K < N ≤ 10000). Throws ConfigError otherwise. */
export function parseShard(value: string): Shard {
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new ConfigError(`--shard ${JSON.stringify(value)}: expected K/N with 0 <= K < N <= ${MAX_SHARDS}, e.g. 0/4`);
  }
  return { index, count };
}

/** The shard (0..count-1) an Image name hashes to. */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return digest.readUInt32BE(0) % count;
}

/** Whether the Image name belongs to `shard`; every name belongs to the whole (no shard). */
export function inShard(name: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(name, shard.count) === shard.index;
}

/** `K/N`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
