import { ROOT_PATH } from '../metabase/metabase.js';
import { listVersion } from '../metabase/scriptmaps.js';
import type { Draft } from '../machine/machine.js';
import { type AppEvent, appEvent } from '../machine/events.js';
import { type FrameworkVersion, compareVersions, compatible, fourPart } from './frameworks.js';
import { EVENT_TEXT, setupLogPath } from './messages.js';
import { register } from './registration.js';
import { mapKey, mappedKeys, rootVersion, runTool } from './tool.js';

/** What a framework's setup program did: its log entries (setup restarts W3SVC as the tool does). */
export interface SetupOutcome {
  readonly events: readonly AppEvent[];
  readonly restarted: true;
}

/**
 * `metabase framework install V` (machine.md §8): put V's files on the machine, register it, and map script
 * maps the way setup does: the root when no ASP.NET entry exists anywhere, else only lists on an older
 * compatible version; `--noaspupgrade` never remaps. The new Web Service Extension starts prohibited.
 */
export function installFramework(d: Draft, version: FrameworkVersion, noAspUpgrade: boolean): SetupOutcome {
  const source = `ASP.NET ${fourPart(version)}`;
  const events: AppEvent[] = [appEvent(source, 1017, 'Information', EVENT_TEXT[1017](version, '-i'))];
  d.setFramework({ version, installed: true, registered: d.state.frameworks.get(version)?.registered ?? false, isapiPresent: true });
  register(d, version, { clientScripts: !noAspUpgrade, extension: undefined });
  if (!noAspUpgrade) {
    const mapped = mappedKeys(d);
    if (mapped.length === 0) {
      if (d.metabase.has(ROOT_PATH)) mapKey(d, ROOT_PATH, version);
    } else {
      for (const key of mapped) {
        const current = listVersion(key.list)!;
        if (compareVersions(current, version) < 0 && compatible(current, version)) mapKey(d, key.path, version);
      }
    }
  }
  events.push(appEvent(source, 1031, 'Information', EVENT_TEXT[1031](fourPart(rootVersion(d) ?? '0.0.0'))));
  events.push(appEvent(source, 1019, 'Information', EVENT_TEXT[1019](version, setupLogPath(d.state.setupLogCounter))));
  events.push(appEvent('W3SVC', 1023, 'Information', EVENT_TEXT[1023]()));
  events.push(appEvent('W3SVC', 1025, 'Information', EVENT_TEXT[1025]()));
  return { events, restarted: true };
}

/** `metabase framework uninstall V`: the tool's `-u` for V, then its files go. */
export function uninstallFramework(d: Draft, version: FrameworkVersion) {
  const outcome = runTool(d, { action: 'u', typed: '-u', argument: undefined, extension: undefined, norestart: false }, version);
  const state = d.state.frameworks.get(version);
  if (state) d.setFramework({ ...state, installed: false, isapiPresent: false });
  return outcome;
}

/** `metabase framework break V`: its aspnet_isapi.dll is deleted; `-lv` shows it Invalid, its tool still runs. */
export function breakFramework(d: Draft, version: FrameworkVersion): void {
  const state = d.state.frameworks.get(version);
  if (state) d.setFramework({ ...state, isapiPresent: false });
}
