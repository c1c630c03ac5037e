import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { formatShard, inShard, parseShard, shardOf } from '../../../src/audit/shard.js';

describe('--shard K/N', () => {
  it('parses K/N with 0 <= K < N', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(formatShard(parseShard(' 2/10 '))).toBe('2/10');
  });

  it.each(['4/4', '1/0', '-1/3', '1', 'a/b', '1/2/3', '0/10001', ''])('refuses %j', (value) => {
    expect(() => parseShard(value)).toThrow(ConfigError);
  });

  it('hashes the name with SHA-256, first four bytes big-endian, modulo N', () => {
    // The first four bytes of sha256("sha256:000…0") are 3784424474 (big-endian): pinned, so the
    // documented hash cannot drift between versions (shards of one run may run different builds).
    const name = `sha256:${'0'.repeat(64)}`;
    expect(shardOf(name, 1)).toBe(0);
    expect(shardOf(name, 1000)).toBe(3784424474 % 1000);
    expect(shardOf('', 7)).toBeGreaterThanOrEqual(0);
  });

  test.prop([fc.string(), fc.integer({ min: 1, max: 64 })])('every name is in exactly one shard of N', (name, n) => {
    const owners = Array.from({ length: n }, (_, k) => inShard(name, { index: k, count: n })).filter(Boolean);
    expect(owners).toHaveLength(1);
    expect(inShard(name, undefined)).toBe(true);
  });

  it('spreads names evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`sha256:${i}`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
});
