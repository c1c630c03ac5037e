import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../../src/edge/audit/progress.js';

describe('terminal progress', () => {
  it('redraws one line at most every 250 ms with count, rate and ETA, and clears it at the end', () => {
    let t = 0;
    const out: string[] = [];
    const p = terminalProgress((s) => out.push(s), () => t);
    p.update(1, 1000);
    for (let i = 1; i <= 20; i++) {
      t = i * 100;
      p.update(1 + i * 10, 1000);
    }
    expect(out.length).toBeLessThanOrEqual(9);
    expect(out.every((s) => s.startsWith('\r\u001b[K'))).toBe(true);
    expect(out.at(-1)).toMatch(/181 of ~1,000 images, 100\/s, ETA 0:08$/);
    p.finish();
    expect(out.at(-1)).toBe('\r\u001b[K');
  });
});
