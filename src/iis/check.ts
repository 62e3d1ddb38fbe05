import { asList } from '../metabase/metabase.js';
import { pathKey, selfAndAncestors, toolPath } from '../metabase/paths.js';
import { entryVersion, hasAspNet, isMixed, listVersion, listVersions, parseEntries } from '../metabase/scriptmaps.js';
import { type MachineState, hasIis6, iisMode, registeredVersions } from '../machine/machine.js';
import { compareVersions, compatible, highest, isFrameworkVersion, majorOf } from '../regiis/frameworks.js';
import { poolMembers } from './admin.js';
import { extensionVerdict } from './extensions.js';
import type { Runtime } from './runtime.js';

/**
 * `metabase check` (metabase-cli.md): what on this server will break or already misbehaves, each finding with
 * the keys, pools and versions involved and what to do. Pure: the machine, its running worker processes and
 * the keys the audit log says were stripped come in; findings come out, errors first.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** A short, stable name of the rule. */
  readonly code: string;
  readonly text: string;
  /** What to do about it. */
  readonly fix: string;
  /** Keys involved, in the tool's form (`W3SVC/1/ROOT/App`). */
  readonly keys: readonly string[];
  readonly pools: readonly string[];
  readonly versions: readonly string[];
}

/** A key whose list lost its ASP.NET entries, as the audit log recorded it (`strippedNote`). */
export interface StrippedRecord {
  readonly path: string;
  /** The command line of the run that stripped it. */
  readonly command: string;
  readonly time: string;
}

export interface CheckInput {
  readonly state: MachineState;
  readonly runtime: Runtime;
  readonly stripped: readonly StrippedRecord[];
}

/** `X and Y`, `X, Y and Z`. */
const and = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

interface Application {
  readonly path: string;
  readonly tool: string;
  readonly list: readonly string[];
  /** The list's version (the highest when mixed); undefined without ASP.NET entries. */
  readonly version: string | undefined;
}

function applicationsOf(state: MachineState): Application[] {
  return [...state.metabase.applications()].map((app) => {
    const list = asList(state.metabase.effective(app.path, 'ScriptMaps')?.property.value);
    return { path: app.path, tool: toolPath(app.path), list, version: listVersion(list) };
  });
}

/** Every finding on the machine: errors first, then warnings, then information (the rules are listed so). */
export function checkMachine(input: CheckInput): Finding[] {
  const apps = applicationsOf(input.state);
  return [
    ...poolConflicts(input.state),
    ...versionProblems(input.state, apps),
    ...aspNet10InWorkerIsolation(input.state, apps),
    ...nesting(apps),
    ...strippedKeys(input.state, input.stripped),
    ...mixedLists(input.state),
    ...outdatedWorkers(input.state, input.runtime),
  ];
}

/** `check` fails (exit 1) on an error finding; with `--strict`, on a warning too. */
export function checkFails(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
}

/** IIS 6 worker process isolation: one w3wp.exe per pool loads one CLR, so a pool on two versions is event 1062. */
function poolConflicts(state: MachineState): Finding[] {
  if (iisMode(state) !== 'iis6') return [];
  const findings: Finding[] = [];
  for (const [pool, members] of poolMembers(state)) {
    const onAspNet = members.filter((m) => m.version !== undefined);
    const versions = [...new Set(onAspNet.map((m) => m.version!))].sort(compareVersions);
    if (versions.length < 2) continue;
    findings.push({
      severity: 'error',
      code: 'pool-clr-conflict',
      text: `pool ${pool}: applications on CLR ${and(versions)} (event 1062 waiting to happen): ${onAspNet.map((m) => `${toolPath(m.path)} (${m.version})`).join(', ')}`,
      fix: 'give the applications of each CLR a pool of their own (metabase pool add NAME, then metabase pool assign APP NAME), or map them to one version (aspnet_regiis -s)',
      keys: onAspNet.map((m) => toolPath(m.path)),
      pools: [pool],
      versions,
    });
  }
  return findings;
}

/** The processor an application's list names for a version (the first such entry). */
function processorFor(list: readonly string[], version: string): string | undefined {
  return parseEntries(list).find((entry) => entryVersion(entry) === version)?.processor;
}

/** Applications mapped to a version that is not registered, whose files are missing, or whose extension is prohibited. */
function versionProblems(state: MachineState, apps: readonly Application[]): Finding[] {
  const registered = registeredVersions(state);
  const findings: Finding[] = [];
  for (const app of apps) {
    for (const version of listVersions(app.list)) {
      const framework = isFrameworkVersion(version) ? state.frameworks.get(version) : undefined;
      const base = { keys: [app.tool], pools: [], versions: [version] };
      if (!framework?.registered) {
        const other = highest(registered.filter((v) => compatible(v, version))) ?? highest(registered);
        findings.push({
          ...base,
          severity: 'error',
          code: 'version-not-registered',
          text: `${app.tool} is mapped to ASP.NET ${version}, which is not registered with IIS (aspnet_regiis -lv does not list it)`,
          fix: other
            ? `map it to a registered version (aspnet_regiis --framework ${other} -s ${app.tool})${framework?.installed ? `, or register ${version} (aspnet_regiis --framework ${version} -ir)` : ''}`
            : framework?.installed
              ? `register ${version} (aspnet_regiis --framework ${version} -ir)`
              : `install a framework (metabase framework install V) and map the application to it`,
        });
        continue;
      }
      if (!framework.installed || !framework.isapiPresent) {
        findings.push({
          ...base,
          severity: 'error',
          code: 'version-files-missing',
          text: `${app.tool} is mapped to ASP.NET ${version}, whose files are missing (aspnet_regiis -lv shows it Invalid): its requests get 500`,
          fix: `repair .NET Framework ${version} (metabase framework uninstall ${version}, then install ${version}), or map the application to another version`,
        });
      }
      const processor = processorFor(app.list, version);
      if (hasIis6(state) && processor !== undefined) {
        const verdict = extensionVerdict(state.metabase, processor);
        if (!verdict.allowed) {
          findings.push({
            ...base,
            severity: 'error',
            code: 'extension-prohibited',
            text: `${app.tool} runs on ASP.NET ${version}, whose Web Service Extension ${verdict.name} is prohibited: its requests get HTTP 404.2`,
            fix:
              majorOf(version) >= 2
                ? `allow it (aspnet_regiis --framework ${version} -ir -enable, or IIS Manager, Web Service Extensions)`
                : 'allow it in IIS Manager (Web Service Extensions), or set its WebSvcExtRestrictionList entry at W3SVC to start with 1 (the 1.x tool has no -enable)',
          });
        }
      }
    }
  }
  return findings;
}

/** ASP.NET 1.0 runs on IIS 6 only in IIS 5 isolation mode (machine.md §5). */
function aspNet10InWorkerIsolation(state: MachineState, apps: readonly Application[]): Finding[] {
  if (iisMode(state) !== 'iis6') return [];
  return apps
    .filter((app) => listVersions(app.list).includes('1.0.3705'))
    .map((app) => ({
      severity: 'error' as const,
      code: 'aspnet10-worker-isolation',
      text: `${app.tool} runs on ASP.NET 1.0.3705, which IIS 6 runs only in IIS 5 isolation mode: its requests get 503`,
      fix: `map it to 1.1 (aspnet_regiis --framework 1.1 -s ${app.tool}), or switch IIS to IIS 5 isolation mode (metabase mode iis6-iis5-isolation)`,
      keys: [app.tool],
      pools: [],
      versions: ['1.0.3705'],
    }));
}

/**
 * An application inherits the web.config files of the applications above it. One on an older version cannot
 * read a newer one's; a 4.0 one under a 2.0 one gets the 2.0 section declarations twice. Each application is
 * reported once, against the nearest application above it that causes either.
 */
function nesting(apps: readonly Application[]): Finding[] {
  const byPath = new Map(apps.map((app) => [pathKey(app.path), app]));
  const findings: Finding[] = [];
  for (const app of apps) {
    if (app.version === undefined) continue;
    for (const path of selfAndAncestors(app.path).slice(1)) {
      const parent = byPath.get(pathKey(path));
      if (parent?.version === undefined) continue;
      const base = { keys: [app.tool, parent.tool], pools: [], versions: [app.version, parent.version] };
      if (majorOf(app.version) === 4 && majorOf(parent.version) === 2) {
        findings.push({
          ...base,
          severity: 'warning',
          code: 'v4-under-v2',
          text: `${app.tool} (ASP.NET ${app.version}) is nested under ${parent.tool} (ASP.NET ${parent.version}): it inherits the 2.0 application's web.config, whose section declarations 4.0 makes itself (duplicate section errors)`,
          fix: `wrap the parent's settings in <location path="." inheritInChildApplications="false">, or move ${app.tool} out from under ${parent.tool}`,
        });
        break;
      }
      if (compareVersions(app.version, parent.version) < 0) {
        findings.push({
          ...base,
          severity: 'warning',
          code: 'older-under-newer',
          text: `${app.tool} (ASP.NET ${app.version}) is nested under ${parent.tool} (ASP.NET ${parent.version}): it inherits a web.config it cannot read`,
          fix: `map it to ${parent.version} (aspnet_regiis --framework ${parent.version} -s ${app.tool}), or move it out from under ${parent.tool}`,
        });
        break;
      }
    }
  }
  return findings;
}

/** Keys the audit log says lost their ASP.NET entries, where ASP.NET files are still served as text now. */
function strippedKeys(state: MachineState, stripped: readonly StrippedRecord[]): Finding[] {
  const latest = new Map<string, StrippedRecord>();
  for (const record of stripped) latest.set(pathKey(record.path), record);
  const top = highest(registeredVersions(state));
  const findings: Finding[] = [];
  for (const record of latest.values()) {
    const key = state.metabase.get(record.path);
    if (!key || hasAspNet(asList(state.metabase.effective(key.path, 'ScriptMaps')?.property.value))) continue;
    const tool = toolPath(key.path);
    findings.push({
      severity: 'warning',
      code: 'stripped-served-as-text',
      text: `${tool} lost its ASP.NET entries (${record.command}, ${record.time}): IIS serves .aspx and other ASP.NET files there as plain text (source code exposed)`,
      fix: top
        ? `map a version there (aspnet_regiis --framework ${top} -s ${tool}), or take the ASP.NET files off it`
        : `register a version and map it there (aspnet_regiis --framework V -i), or take the ASP.NET files off it`,
      keys: [tool],
      pools: [],
      versions: [],
    });
  }
  return findings;
}

/** Lists whose ASP.NET entries name two versions (hand edits): they count as the highest. */
function mixedLists(state: MachineState): Finding[] {
  const findings: Finding[] = [];
  for (const key of state.metabase.all()) {
    const list = asList(key.properties.get('scriptmaps')?.value);
    if (!isMixed(list)) continue;
    const versions = listVersions(list);
    const top = versions[versions.length - 1]!;
    const tool = toolPath(key.path);
    findings.push({
      severity: 'warning',
      code: 'mixed-scriptmaps',
      text: `${tool}: its ScriptMaps name ASP.NET ${and(versions)} in one list; it counts as ${top}, but each extension runs on the version its entry names`,
      fix: isFrameworkVersion(top) ? `map the key to one version (aspnet_regiis --framework ${top} -sn ${tool})` : `map the key to one version (aspnet_regiis -sn ${tool})`,
      keys: [tool],
      pools: [],
      versions,
    });
  }
  return findings;
}

/** Worker processes that loaded their CLR before a change without a restart touched an application of their pool. */
function outdatedWorkers(state: MachineState, runtime: Runtime): Finding[] {
  return runtime.workers
    .filter((w) => w.outdated.length > 0 && w.clr !== undefined)
    .map((w) => {
      const changes = w.outdated.map((o) => {
        const now = listVersion(asList(state.metabase.effective(o.application, 'ScriptMaps')?.property.value));
        return { ...o, tool: toolPath(o.application), now, clash: now !== undefined && now !== w.clr };
      });
      const described = changes.map((c) => `${c.command} changed ${c.tool} (now ${c.now === undefined ? 'no ASP.NET' : `ASP.NET ${c.now}`})`);
      const clashes = changes.filter((c) => c.clash);
      return {
        severity: 'info' as const,
        code: 'outdated-worker',
        text:
          `${w.image} #${w.id} of pool ${w.pool} (started ${w.startedAt}) still runs CLR ${w.clr}, loaded before a change made without a restart (-norestart): ${described.join('; ')}` +
          (clashes.length > 0 ? `; requests to ${and(clashes.map((c) => c.tool))} will get 503 and event 1062 until it stops` : ''),
        fix: `recycle the pool (metabase recycle ${w.pool}) or restart IIS (metabase iisreset) so that the next request loads the new mapping`,
        keys: changes.map((c) => c.tool),
        pools: w.pool === undefined ? [] : [w.pool],
        versions: [...new Set([w.clr!, ...changes.flatMap((c) => (c.now === undefined ? [] : [c.now]))])],
      };
    });
}
