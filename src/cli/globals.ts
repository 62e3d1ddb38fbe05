import { resolve } from 'node:path';
import { type Clock, fixedClock, systemClock } from '../app/clock.js';
import type { Io } from './io.js';

/** `--db` / `REGIIS_DB`: the machine file; `./metabase.db` by default. */
export const dbFile = (flag: string | undefined, io: Io): string => resolve(flag ?? io.env.REGIIS_DB ?? 'metabase.db');

/** `--now` / `REGIIS_NOW`: a fixed clock for reproducible output; the system clock otherwise. */
export function clockFrom(flag: string | undefined, io: Io): Clock {
  const fixed = flag ?? io.env.REGIIS_NOW;
  return fixed === undefined || fixed === '' ? systemClock : fixedClock(fixed);
}
