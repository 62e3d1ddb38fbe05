import type { Store } from '../store/open.js';
import type { Clock } from './clock.js';
import { mutate } from './session.js';

/** What iisreset prints for a restart. */
export const IISRESET_OUTPUT = [
  'Attempting stop...',
  'Internet services successfully stopped',
  'Attempting start...',
  'Internet services successfully restarted',
];

/**
 * `iisreset`: restarts IIS, which stops every worker process and so ends every AppDomain (machine.md §5). The
 * metabase is untouched; the audit log records the restart. Shared by batch playbooks and the workshop.
 */
export async function resetIis(store: Store, clock: Clock, commandLine: string): Promise<readonly string[]> {
  await mutate(store, clock, commandLine, () => ({ result: undefined, restarted: true }));
  return IISRESET_OUTPUT;
}
