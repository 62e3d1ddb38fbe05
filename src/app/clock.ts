import { badInput } from './errors.js';

/** Where time comes from: the real clock, or a fixed one (`--now`, `REGIIS_NOW`) for reproducible output. */
export interface Clock {
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

export function fixedClock(iso: string): Clock {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw badInput(`--now: not an ISO 8601 time: ${iso}`);
  const text = time.toISOString();
  return { now: () => text };
}
