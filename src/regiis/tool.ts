import { ROOT_PATH, asList, property } from '../metabase/metabase.js';
import { selfAndAncestors, toKeyPath, toolPath } from '../metabase/paths.js';
import { hasAspNet, listVersion, moveList, removeAspNet } from '../metabase/scriptmaps.js';
import { type Draft, processorPath, registeredVersions } from '../machine/machine.js';
import { type AppEvent, type AuditNote, appEvent, strippedNote } from '../machine/events.js';
import { RESTARTING, type ToolCommand } from './args.js';
import { FRAMEWORK_VERSIONS, type FrameworkVersion, compareVersions, compatible, fourPart, highest } from './frameworks.js';
import * as text from './messages.js';
import { type ExtensionSwitch, installClientScripts, register, removeClientScripts, unregister } from './registration.js';
import { usage } from './usage.js';

/** What one run of the tool did: its console, its log entries, and whether it restarted W3SVC. */
export interface ToolOutcome {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly exitCode: 0 | 1;
  readonly events: readonly AppEvent[];
  readonly notes: readonly AuditNote[];
  readonly restarted: boolean;
  /** Structured results of the listing options, for `--json`. */
  readonly data?: unknown;
}

/** The version of the list a key holds or inherits (`undefined`: no ASP.NET entry). */
export function effectiveVersion(d: Pick<Draft, 'metabase'>, path: string): string | undefined {
  return listVersion(asList(d.metabase.effective(path, 'ScriptMaps')?.property.value));
}

/** The version mapped at the root, `/LM/W3SVC` (its explicit list). */
export function rootVersion(d: Pick<Draft, 'metabase'>): string | undefined {
  return listVersion(asList(d.metabase.explicit(ROOT_PATH, 'ScriptMaps')?.value));
}

/** Maps a key to `version`: its list, or the list it inherits, moved to that version (machine.md §2). */
export function mapKey(d: Draft, path: string, version: FrameworkVersion): void {
  const list = asList(d.metabase.effective(path, 'ScriptMaps')?.property.value);
  d.setProperty(path, property('ScriptMaps', moveList(list, version, processorPath(d.state, version))));
}

/** Keys at or below `path` that hold an explicit ScriptMaps list with ASP.NET entries, in tree order. */
export function mappedKeys(d: Pick<Draft, 'metabase'>, path: string = '/'): { path: string; list: readonly string[] }[] {
  const found: { path: string; list: readonly string[] }[] = [];
  for (const key of d.metabase.walk(path)) {
    const list = asList(key.properties.get('scriptmaps')?.value);
    if (hasAspNet(list)) found.push({ path: key.path, list });
  }
  return found;
}

/** Moves every explicit list at or below `path` whose version is lower than `version` (the `-i` / `-s` rule). */
function upgradeLower(d: Draft, path: string, version: FrameworkVersion, skip?: string): void {
  for (const key of mappedKeys(d, path)) {
    if (key.path === skip) continue;
    if (compareVersions(listVersion(key.list)!, version) < 0) mapKey(d, key.path, version);
  }
}

/** Settles the root's version and reports it (event 1031). */
const rootEvent = (d: Draft, source: string): AppEvent =>
  appEvent(source, 1031, 'Information', text.EVENT_TEXT[1031](fourPart(rootVersion(d) ?? '0.0.0')));

/**
 * Plays one option of the tool against a machine (aspnet_regiis.md, "The options"). Pure: it changes the
 * draft in memory and returns what the run printed and logged.
 */
export function runTool(d: Draft, command: ToolCommand, tool: FrameworkVersion): ToolOutcome {
  const stdout: string[] = [...text.banner(tool)];
  const stderr: string[] = [];
  const events: AppEvent[] = [];
  const notes: AuditNote[] = [];
  const source = `ASP.NET ${fourPart(tool)}`;
  const argument = command.argument ?? '';
  const done = (exitCode: 0 | 1, restarted: boolean, data?: unknown): ToolOutcome => {
    if (restarted) {
      events.push(appEvent('W3SVC', 1023, 'Information', text.EVENT_TEXT[1023]()));
      events.push(appEvent('W3SVC', 1025, 'Information', text.EVENT_TEXT[1025]()));
    }
    return { stdout, stderr, exitCode, events, notes, restarted, data };
  };
  const restarts = RESTARTING.has(command.action) && !command.norestart;
  const registered = (): boolean => d.state.frameworks.get(tool)?.registered ?? false;
  const logPath = (): string => text.setupLogPath(d.state.setupLogCounter);
  const failSetup = (): ToolOutcome => {
    stdout.push(text.setupErrors(d.nextSetupLog()));
    return done(1, restarts);
  };

  switch (command.action) {
    case '?':
      stdout.push(...usage(tool));
      return done(0, false);

    case 'lv': {
      const root = rootVersion(d);
      const rows = [...d.state.frameworks.values()]
        .filter((f) => f.registered)
        .sort((a, b) => compareVersions(a.version, b.version))
        .map((f) => {
          const status = !f.installed || !f.isapiPresent ? 'Invalid' : f.version === root ? 'Valid (Root)' : 'Valid';
          return { version: fourPart(f.version), status, path: processorPath(d.state, f.version) };
        });
      if (rows.length === 0) stdout.push(text.NOTHING_REGISTERED);
      for (const row of rows) stdout.push(`${row.version}\t${row.status}${row.status === 'Valid (Root)' ? '\t' : '\t\t'}${row.path}`);
      return done(0, false, rows);
    }

    case 'lk': {
      const rows = mappedKeys(d).map((k) => ({ path: `${toolPath(k.path)}/`, version: fourPart(listVersion(k.list)!) }));
      for (const row of rows) stdout.push(`${row.path}\t${row.version}`);
      return done(0, false, rows);
    }

    case 'i':
    case 'ir':
    case 'iru':
    case 'r': {
      // -iru takes the -ir form when ASP.NET is already mapped anywhere, the -i form (without client scripts) otherwise (decided).
      const form = command.action === 'iru' ? (mappedKeys(d).length > 0 ? 'ir' : 'i') : command.action;
      const lines = text.progressLines(form, tool, argument);
      stdout.push(lines.start, text.dots(command.action)!);
      events.push(appEvent(source, 1017, 'Information', text.EVENT_TEXT[1017](tool, `-${command.action}`)));
      const withScripts = command.action === 'i' || command.action === 'r';
      const missingHomes = register(d, tool, { clientScripts: withScripts, extension: command.extension as ExtensionSwitch });
      if (form === 'i') installScriptMaps(d, tool, events, source);
      if (form === 'r') {
        mapKey(d, ROOT_PATH, tool);
        for (const key of mappedKeys(d)) mapKey(d, key.path, tool);
      }
      events.push(rootEvent(d, source));
      events.push(appEvent(source, 1019, 'Information', text.EVENT_TEXT[1019](tool, logPath())));
      if (missingHomes.length > 0) return failSetup();
      stdout.push(lines.finish);
      return done(0, restarts);
    }

    case 's':
    case 'sn':
    case 'k':
    case 'kn': {
      const lines = text.progressLines(command.action, tool, argument);
      stdout.push(lines.start);
      const key = d.metabase.get(toKeyPath(argument));
      if (!key) {
        stdout.push(text.PATH_NOT_FOUND, text.pathInvalid(argument));
        const near = nearestExisting(d, toKeyPath(argument));
        if (near) stderr.push(`hint: the nearest existing key is ${toolPath(near)}`);
        return done(1, false);
      }
      if (command.action === 's' || command.action === 'sn') {
        if (!registered()) {
          stdout.push(text.UNSPECIFIED_ERROR, text.MUST_REGISTER_FIRST);
          stderr.push(`hint: register ${tool} first, for instance with: aspnet_regiis --framework ${tool} -ir`);
          return done(1, false);
        }
        mapKey(d, key.path, tool);
        if (command.action === 's') upgradeLower(d, key.path, tool, key.path);
      } else {
        const targets = command.action === 'k' ? mappedKeys(d, key.path) : mappedKeys(d, key.path).filter((k) => k.path === key.path);
        for (const target of targets) {
          d.setProperty(target.path, property('ScriptMaps', removeAspNet(target.list)));
          notes.push(strippedNote(target.path, `${command.typed} ${argument} removed its ASP.NET entries; IIS serves ASP.NET files there as plain text`));
        }
        if (!key.properties.has('scriptmaps') && effectiveVersion(d, key.path) !== undefined) {
          const from = d.metabase.effective(key.path, 'ScriptMaps')!.from;
          stderr.push(`${toolPath(key.path)} inherits its script maps from ${toolPath(from)}/ and was not changed: ASP.NET still runs there.`);
        }
      }
      stdout.push(lines.finish);
      return done(0, restarts);
    }

    case 'u':
    case 'ua': {
      const lines = text.progressLines(command.action, tool, argument);
      stdout.push(lines.start, text.dots(command.action)!);
      if (command.action === 'u') {
        if (registered()) {
          events.push(appEvent(source, 1027, 'Information', text.EVENT_TEXT[1027](tool)));
          uninstallScriptMaps(d, tool, stderr, notes);
          unregister(d, tool);
          events.push(rootEvent(d, source));
          events.push(appEvent(source, 1029, 'Information', text.EVENT_TEXT[1029](tool, logPath())));
        }
      } else {
        events.push(appEvent(source, 1027, 'Information', text.EVENT_TEXT[1027](tool)));
        for (const key of mappedKeys(d)) {
          d.setProperty(key.path, property('ScriptMaps', removeAspNet(key.list)));
          notes.push(strippedNote(key.path, `${command.typed} removed its ASP.NET entries; IIS serves ASP.NET files there as plain text`));
        }
        for (const version of registeredVersions(d.state)) unregister(d, version);
        removeClientScripts(d, FRAMEWORK_VERSIONS);
        events.push(rootEvent(d, source));
        events.push(appEvent(source, 1029, 'Information', text.EVENT_TEXT[1029](tool, logPath())));
      }
      stdout.push(lines.finish);
      return done(0, restarts);
    }

    case 'c': {
      const lines = text.progressLines('c', tool, argument);
      stdout.push(lines.start);
      if (!registered()) {
        stdout.push(text.UNSPECIFIED_ERROR, text.MUST_REGISTER_FIRST);
        return done(1, false);
      }
      stdout.push(text.dots('c')!);
      if (installClientScripts(d, tool).length > 0) return failSetup();
      stdout.push(lines.finish);
      return done(0, false);
    }

    case 'e':
    case 'ea': {
      const lines = text.progressLines(command.action, tool, argument);
      stdout.push(lines.start, text.dots(command.action)!);
      removeClientScripts(d, command.action === 'e' ? [tool] : FRAMEWORK_VERSIONS);
      stdout.push(lines.finish);
      return done(0, false);
    }

    case 'ga': {
      const lines = text.progressLines('ga', tool, argument);
      stdout.push(lines.start);
      d.grant(argument, tool);
      notes.push({ kind: 'grant', text: `granted ${argument} access to the IIS metabase and the directories ASP.NET ${tool} uses` });
      stdout.push(lines.finish);
      return done(0, false);
    }
  }
}

/**
 * `-i` script maps (aspnet_regiis.md): nothing when the root is on a higher version (event 1032); otherwise
 * the root and every explicit list of a lower version move to the tool's.
 *
 * The 4.0 tool too, against aspnet_regiis.md ("4.0 tool: the root only"): Microsoft's page for the 4.0 tool
 * (k6h9cz8h, .NET Framework 4) says that on Windows XP and Server 2003 "the tool works the same as in version
 * 3.5 and earlier", whose -i "updates the script maps at the IIS metabase root and below" for applications
 * mapped to an earlier version. On IIS 6 this is how a 4.0 -i moves 2.0 applications into 4.0 beside 2.0
 * ones in the same pool (event 1062).
 */
function installScriptMaps(d: Draft, tool: FrameworkVersion, events: AppEvent[], source: string): void {
  const root = rootVersion(d);
  if (root !== undefined && compareVersions(root, tool) > 0) {
    events.push(appEvent(source, 1032, 'Warning', text.EVENT_TEXT[1032](tool)));
    return;
  }
  mapKey(d, ROOT_PATH, tool);
  upgradeLower(d, '/', tool, ROOT_PATH);
}

/**
 * `-u` script maps: every list on the tool's version moves to the highest remaining registered version
 * compatible with it; with none left its ASP.NET entries go, and IIS serves those files as text.
 */
function uninstallScriptMaps(d: Draft, tool: FrameworkVersion, stderr: string[], notes: AuditNote[]): void {
  const fallback = highest(registeredVersions(d.state).filter((v) => v !== tool && compatible(v, tool)));
  for (const key of mappedKeys(d)) {
    if (listVersion(key.list) !== tool) continue;
    if (fallback) {
      mapKey(d, key.path, fallback);
    } else {
      d.setProperty(key.path, property('ScriptMaps', removeAspNet(key.list)));
      const warning = `${toolPath(key.path)}: no registered version compatible with ${tool} is left; its ASP.NET entries were removed and IIS will serve .aspx and other ASP.NET files there as plain text.`;
      stderr.push(warning);
      notes.push(strippedNote(key.path, warning));
    }
  }
}

function nearestExisting(d: Draft, path: string): string | undefined {
  const found = selfAndAncestors(path).find((p) => p !== '/' && p !== '/LM' && d.metabase.has(p));
  return found === undefined ? undefined : d.metabase.canonical(found);
}
