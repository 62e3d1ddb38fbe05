import { Draft, cloneState, iisMode, installedVersions } from '../machine/machine.js';
import type { Change, MachineState } from '../machine/machine.js';
import { type MachineDiff, diffMachines, isEmptyDiff, scopeOf } from '../machine/diff.js';
import { type ParseError, RESTARTING, mayChangeMachine, parseToolArgs } from '../regiis/args.js';
import { recycledApplications } from '../iis/recycle.js';
import { type FrameworkVersion, highest, parseFrameworkVersion } from '../regiis/frameworks.js';
import * as text from '../regiis/messages.js';
import { type ToolOutcome, runTool } from '../regiis/tool.js';
import type { Store } from '../store/open.js';
import { loadMachine } from '../store/machine-repo.js';
import { commitRun } from './commit.js';
import { CommandError } from './errors.js';
import type { Clock } from './clock.js';

export interface RegiisRequest {
  /** The real tool's options (`-s`, `W3SVC/1/ROOT`, ...). */
  readonly words: readonly string[];
  /** `--framework` as typed; default: the highest installed version. */
  readonly framework: string | undefined;
  readonly whatIf: boolean;
  readonly clock: Clock;
  /**
   * False: the caller shows neither the plan nor whether the machine changed (no --what-if, --json or
   * --detailed-exitcode), so the run skips copying the machine and diffing it: `diff` is then empty and
   * `changed` says whether the run recorded a change. Default true.
   */
  readonly plan?: boolean;
}

export interface RegiisResult {
  readonly tool: FrameworkVersion;
  readonly outcome: ToolOutcome;
  readonly changes: readonly Change[];
  /** The machine before the run against after it (or, with --what-if, after it would be): the plan. */
  readonly diff: MachineDiff;
  /** A change is any difference in the persisted machine; a restart alone is not one (aspnet_regiis.md). */
  readonly changed: boolean;
  /** AppDomains recycled (or, with --what-if, that would be). */
  readonly recycled: readonly string[];
  readonly written: boolean;
}

/** Nothing differs: the plan of a run that did not touch the machine. */
export const NO_DIFF: MachineDiff = {
  machine: [],
  keys: [],
  frameworks: [],
  services: null,
  directories: { added: [], removed: [] },
  grants: { added: [], removed: [] },
  pools: [],
};

/** The plan of a run: the copy taken before it against the draft after it. */
function planOf(before: MachineState | undefined, draft: Draft): { diff: MachineDiff; changed: boolean } {
  if (before === undefined || !draft.changed) return { diff: NO_DIFF, changed: false };
  const diff = diffMachines(before, draft.state, scopeOf(before, draft.changes));
  return { diff, changed: !isEmptyDiff(diff) };
}

/** A parse error as the real tool prints it (on stdout, exit 1). */
function parseErrorOutcome(error: ParseError, tool: FrameworkVersion): ToolOutcome {
  if (error.kind === 'not-emulated') {
    throw new CommandError('not-emulated', `${error.typed}: the configuration encryption options are not emulated by regiis-sim`);
  }
  const line =
    error.kind === 'invalid-arguments' ? text.INVALID_ARGUMENTS : error.kind === 'duplicate' ? text.duplicateOption(error.typed) : text.INCOMPATIBLE;
  return { stdout: [...text.banner(tool), line], stderr: [], exitCode: 1, events: [], notes: [], restarted: false };
}

/** The tool a run uses: `--framework`, else the highest installed. A framework that is not installed has no tool. */
function chooseTool(typed: string | undefined, installed: readonly FrameworkVersion[]): FrameworkVersion {
  if (typed === undefined) {
    const top = highest(installed);
    if (!top) throw new CommandError('no-tool', 'no .NET Framework is installed on this machine, so there is no aspnet_regiis to run (metabase framework install V)');
    return top;
  }
  if (typed.trim() === '') throw new CommandError('bad-input', '--framework: give a version (1.0, 1.1, 2.0, 3.5, 4.0 ... 4.8, or v2.0.50727)');
  const version = parseFrameworkVersion(typed);
  if (!version) throw new CommandError('bad-input', `--framework: unknown version ${typed} (use 1.0, 1.1, 2.0, 3.5, 4.0 ... 4.8, or v2.0.50727)`);
  if (!installed.includes(version)) {
    throw new CommandError('no-tool', `--framework ${typed}: .NET Framework ${version} is not installed on this machine, so it has no aspnet_regiis`);
  }
  return version;
}

/**
 * One run of `aspnet_regiis`: load, plan (pure), and write changes, events and audit in one transaction.
 * With `whatIf`, or when the run fails before changing anything, nothing is written: `--what-if` takes this
 * very path and stops short of the write, so its plan is what a real run does.
 */
export async function runAspnetRegiis(store: Store, request: RegiisRequest): Promise<RegiisResult> {
  const transaction = !request.whatIf && mayChangeMachine(request.words) ? store.write : store.read;
  return transaction(async () => {
    // Lazy: the tool reads what it needs before anything is written, and writes only through commitRun.
    const loaded = await loadMachine(store.sqlite, { lazy: true });
    const tool = chooseTool(request.framework, installedVersions(loaded.state));
    const parsed = parseToolArgs(request.words, tool, iisMode(loaded.state) === 'iis5');
    if (!parsed.ok) return { tool, outcome: parseErrorOutcome(parsed.error, tool), changes: [], diff: NO_DIFF, changed: false, recycled: [], written: false };
    // Only the options that can change the machine need the "before" copy the plan is made against, and only
    // when someone looks at the plan.
    const planned = request.plan !== false;
    const before = planned && mayChangeMachine(request.words) ? cloneState(loaded.state) : undefined;
    const draft = new Draft(loaded.state);
    const outcome = runTool(draft, parsed.command, tool);
    const plan = planned ? planOf(before, draft) : { diff: NO_DIFF, changed: draft.changed };
    const failedCleanly = outcome.exitCode !== 0 && !draft.changed && !outcome.restarted;
    const readOnly = !RESTARTING.has(parsed.command.action) && !draft.changed;
    if (request.whatIf || failedCleanly || readOnly) {
      const recycled = request.whatIf ? recycledApplications(draft, outcome.restarted) : [];
      return { tool, outcome, changes: draft.changes, ...plan, recycled, written: false };
    }
    const command = `aspnet_regiis (${tool}) ${request.words.join(' ')}`;
    const recycled = await commitRun(store, loaded, draft, { command, ...outcome }, request.clock.now());
    return { tool, outcome, changes: draft.changes, ...plan, recycled, written: true };
  });
}
