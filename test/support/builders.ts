import { Draft } from '../../src/machine/machine.js';
import { type ProfileName, buildProfile } from '../../src/machine/profiles.js';
import { property } from '../../src/metabase/metabase.js';
import { asList } from '../../src/metabase/metabase.js';
import { listVersion } from '../../src/metabase/scriptmaps.js';
import { parseToolArgs } from '../../src/regiis/args.js';
import { type FrameworkVersion } from '../../src/regiis/frameworks.js';
import { type ToolOutcome, mappedKeys, runTool } from '../../src/regiis/tool.js';
import { iisMode } from '../../src/machine/machine.js';

/** A draft of a profile's machine, ready for pure tests. */
export const machine = (profile: ProfileName = 'win2003'): Draft => new Draft(buildProfile(profile));

/** Adds an application key (a virtual directory) below an existing key. */
export function app(d: Draft, path: string): Draft {
  d.createKey(path, 'IIsWebVirtualDir');
  d.setProperty(path, property('AppRoot', path));
  return d;
}

/** Adds a plain directory key. */
export function dir(d: Draft, path: string): Draft {
  d.createKey(path, 'IIsWebDirectory');
  return d;
}

/** Runs the tool's options (as typed) on a draft, as the given tool version. */
export function tool(d: Draft, version: FrameworkVersion, ...words: string[]): ToolOutcome {
  const parsed = parseToolArgs(words, version, iisMode(d.state) === 'iis5');
  if (!parsed.ok) throw new Error(`parse failed: ${JSON.stringify(parsed.error)}`);
  return runTool(d, parsed.command, version);
}

/** `-lk` as data: key path -> version of its explicit list. */
export const lk = (d: Draft): Record<string, string> =>
  Object.fromEntries(mappedKeys(d).map((k) => [k.path, listVersion(k.list)!]));

export const explicitList = (d: Draft, path: string): readonly string[] => asList(d.metabase.explicit(path, 'ScriptMaps')?.value);

export const fresh = (d: Draft): Draft => new Draft(d.state);
