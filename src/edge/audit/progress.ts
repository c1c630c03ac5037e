/**
 * Progress on a terminal's standard error: Images done, rate and, when the API server says how many
 * remain, an ETA. Redrawn at most every 250 ms on one line; silent when stderr is not a terminal,
 * and never written to standard output.
 */

export interface Progress {
  /** `done` Images so far; `total` when known. */
  update(done: number, total: number | undefined): void;
  /** Clears the line. */
  finish(): void;
}

export const silentProgress: Progress = { update: () => undefined, finish: () => undefined };

export function terminalProgress(write: (text: string) => void, now: () => number = Date.now): Progress {
  // The rate counts from the first Image done, so start-up time does not distort the ETA.
  let start: { time: number; done: number } | undefined;
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      start ??= { time: t, done };
      if (t - last < 250) return;
      last = t;
      const seconds = (t - start.time) / 1000;
      const rate = seconds > 0.5 ? (done - start.done) / seconds : 0;
      let text = `imagetrust audit: ${done.toLocaleString('en-US')}${total !== undefined ? ` of ~${total.toLocaleString('en-US')}` : ''} images`;
      if (rate > 0) text += `, ${Math.round(rate).toLocaleString('en-US')}/s`;
      if (total !== undefined && rate > 0 && total > done) text += `, ETA ${clock((total - done) / rate)}`;
      write(`\r\u001b[K${text}`);
      drawn = true;
    },
    finish() {
      if (drawn) write('\r\u001b[K');
      drawn = false;
    },
  };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
