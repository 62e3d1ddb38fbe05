/**
 * A progress bar for long imports and exports, drawn on stderr when it is a terminal, and only once the work
 * has taken long enough to be worth watching: pipes, logs and quick runs never see one.
 */

/** How long work runs before its bar appears (ms). */
export const PROGRESS_DELAY_MS = 500;
/** The least time between two redraws (ms). */
const REDRAW_MS = 100;
const WIDTH = 30;

export type Unit = 'bytes' | 'keys';

const amount = (n: number, unit: Unit): string =>
  unit === 'bytes' ? `${(n / 1_000_000).toFixed(1)} MB` : `${n.toLocaleString('en-US')} keys`;

/** One frame of the bar: `import  [#########.....................]  31%  8.4 MB / 27.1 MB`. */
export function progressLine(label: string, done: number, total: number, unit: Unit): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * WIDTH);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `${label}  [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}  ${amount(done, unit)} / ${amount(total, unit)}`;
}

export interface Progress {
  readonly update: (done: number, total: number) => void;
  /** Clears the bar, if one was drawn. */
  readonly finish: () => void;
}

/** A bar on `write` (stderr) when `tty`; nothing at all otherwise. `now` is the clock, in ms. */
export function progress(label: string, unit: Unit, tty: boolean, write: (text: string) => void, now: () => number = Date.now): Progress {
  if (!tty) return { update: () => undefined, finish: () => undefined };
  const start = now();
  let drawn = false;
  let last = 0;
  return {
    update: (done, total) => {
      const time = now();
      if (time - start < PROGRESS_DELAY_MS || time - last < REDRAW_MS) return;
      last = time;
      drawn = true;
      write(`\r${progressLine(label, done, total, unit)}\x1b[K`);
    },
    finish: () => {
      if (drawn) write('\r\x1b[K');
    },
  };
}
