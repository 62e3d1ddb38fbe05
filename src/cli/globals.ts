import { resolve } from 'node:path';
import { type Clock, fixedClock, systemClock } from '../app/clock.js';
import { badInput } from '../app/errors.js';
import type { Io } from './io.js';

/**
 * The text of an option that takes a value, as yargs hands it over: `--db` alone or `--no-db` come as
 * booleans, which would otherwise reach the program as `true`/`false` or fail deep inside it, and an option
 * given twice comes as a list (the last one wins, as in most command-line programs).
 */
export function optionText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') throw badInput(`--${name}: give a value (--${name} VALUE)`);
  if (Array.isArray(value)) return optionText(name, value[value.length - 1]);
  return String(value);
}

/** A boolean option; given twice (`--json --json`), yargs hands over a list: the last one wins. */
export function optionFlag(value: unknown): boolean {
  return Array.isArray(value) ? optionFlag(value[value.length - 1]) : value === true;
}

/** `--db` / `REGIIS_DB`: the machine file; `./metabase.db` by default. */
export const dbFile = (flag: string | undefined, io: Io): string => resolve(flag ?? io.env.REGIIS_DB ?? 'metabase.db');

/** `--now` / `REGIIS_NOW`: a fixed clock for reproducible output; the system clock otherwise. */
export function clockFrom(flag: string | undefined, io: Io): Clock {
  // An empty REGIIS_NOW counts as unset; an empty --now is a mistake worth reporting.
  if (flag !== undefined) return fixedClock(flag);
  const fixed = io.env.REGIIS_NOW;
  return fixed === undefined || fixed === '' ? systemClock : fixedClock(fixed);
}
