import type { MachineDiff } from '../../machine/diff.js';
import type { AppEvent } from '../../machine/events.js';
import { toolPath } from '../../metabase/paths.js';
import { diffLines } from './diff.js';

/** What `--what-if` prints: the diff a real run would make, then its restart, recycles and events. */
export interface PlanView {
  readonly title: string;
  readonly exitCode: number;
  /** What the tool would print when the run fails (its error lines). */
  readonly stdout: readonly string[];
  readonly diff: MachineDiff;
  readonly changed: boolean;
  readonly restarted: boolean;
  readonly recycled: readonly string[];
  readonly events: readonly AppEvent[];
}

/** The plan as text; `verbose` lists every moved, added and dropped script map entry. */
export function planLines(plan: PlanView, verbose = false): string[] {
  const lines = [`What-if: ${plan.title}`];
  if (plan.exitCode !== 0) lines.push(`The run would fail (exit ${plan.exitCode}):`, ...plan.stdout.map((l) => `  ${l}`));
  lines.push(...diffLines(plan.diff, verbose));
  if (plan.restarted) lines.push('Restart:', '  W3SVC restarts: every worker process stops');
  if (plan.recycled.length > 0) {
    lines.push(`Recycle: the AppDomains of ${plan.recycled.length} application${plan.recycled.length === 1 ? '' : 's'}`);
    lines.push(...plan.recycled.map((p) => `  ${toolPath(p)}/`));
  }
  if (plan.events.length > 0) lines.push('Events:', ...plan.events.map((e) => `  ${e.eventId} ${e.type} (${e.source}): ${e.text}`));
  lines.push(plan.changed ? `Result: the machine would change (${changeCount(plan.diff)})` : 'Result: no change to the machine');
  return lines;
}

function changeCount(diff: MachineDiff): string {
  const parts: string[] = [];
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (diff.keys.length > 0) parts.push(plural(diff.keys.length, 'key'));
  if (diff.frameworks.length > 0) parts.push(plural(diff.frameworks.length, 'framework'));
  const dirs = diff.directories.added.length + diff.directories.removed.length;
  if (dirs > 0) parts.push(plural(dirs, 'directory').replace('directorys', 'directories'));
  const grants = diff.grants.added.length + diff.grants.removed.length;
  if (grants > 0) parts.push(plural(grants, 'grant'));
  if (diff.services) parts.push('shared services');
  if (diff.machine.length > 0) parts.push('machine facts');
  return parts.join(', ');
}
