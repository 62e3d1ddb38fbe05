import type { Draft, MachineState } from '../machine/machine.js';
import type { Property } from '../metabase/metabase.js';
import { parentPath, toKeyPath, toolPath } from '../metabase/paths.js';
import { createApplication, createRaw, deleteApplication, deleteRaw, setRaw } from './admin.js';

/**
 * `cscript adsutil.vbs VERB PATH ...` as batch playbooks call it (metabase-cli.md, "Playbooks"), played with the
 * same administration functions as the `metabase` commands. Pure: reads take the machine, writes take a draft;
 * both return what adsutil prints. The console texts imitate adsutil.vbs's.
 */
export const ADSUTIL_VERBS = ['GET', 'SET', 'DELETE', 'CREATE', 'CREATE_VDIR', 'CREATE_VSERV', 'ENUM', 'APPCREATEPOOLPROC', 'APPDELETE'] as const;
export type AdsutilVerb = (typeof ADSUTIL_VERBS)[number];

export interface AdsutilCommand {
  readonly verb: AdsutilVerb;
  /** The path as typed (`W3SVC/1/ROOT/ScriptMaps`). */
  readonly path: string;
  readonly args: readonly string[];
}

export interface AdsutilOutcome {
  readonly stdout: readonly string[];
  readonly exitCode: 0 | 1;
}

/** Reads the verb and its path; an unknown verb or a missing path is refused with adsutil's kind of message. */
export function parseAdsutil(words: readonly string[]): { ok: true; command: AdsutilCommand } | { ok: false; message: string } {
  const [typedVerb, path, ...args] = words;
  if (typedVerb === undefined) return { ok: false, message: 'adsutil.vbs: name a command (GET, SET, DELETE, CREATE, ENUM, ...)' };
  const verb = typedVerb.toUpperCase() as AdsutilVerb;
  if (!ADSUTIL_VERBS.includes(verb)) return { ok: false, message: `adsutil.vbs ${typedVerb}: not emulated (emulated: ${ADSUTIL_VERBS.join(', ')})` };
  if (path === undefined || path.trim() === '') return { ok: false, message: `adsutil.vbs ${verb}: give a path` };
  if (verb === 'SET' && args.length === 0) return { ok: false, message: 'adsutil.vbs SET: give a value' };
  return { ok: true, command: { verb, path, args } };
}

export const isRead = (command: AdsutilCommand): boolean => command.verb === 'GET' || command.verb === 'ENUM';

/** `W3SVC/1/ROOT/ScriptMaps` -> the key `/LM/W3SVC/1/ROOT` and the property `ScriptMaps`. */
function splitPropertyPath(typed: string): { key: string; property: string } {
  const path = toKeyPath(typed);
  return { key: parentPath(path) ?? '/', property: path.slice(path.lastIndexOf('/') + 1) };
}

const notFound = (verb: string, typed: string): AdsutilOutcome => ({
  stdout: ['ErrNumber: -2147024893 (0x80070003)', `Error Trying To ${verb} the Object (GetObject Failed): ${typed}`],
  exitCode: 1,
});

/** One property as adsutil prints it: the name in a 32-column field, the type, the value. */
export function propertyLines(prop: Property): string[] {
  const name = prop.name.padEnd(32);
  if (typeof prop.value !== 'string') return [`${name}: (LIST) (${prop.value.length} Items)`, ...prop.value.map((e) => `  "${e}"`)];
  if (prop.dataType === 'DWORD') {
    if (/^(true|false)$/i.test(prop.value)) return [`${name}: (BOOLEAN) ${/^true$/i.test(prop.value) ? 'True' : 'False'}`];
    return [`${name}: (INTEGER) ${prop.value}`];
  }
  return [`${name}: (${prop.dataType === 'EXPANDSZ' ? 'EXPANDSZ' : 'STRING'}) "${prop.value}"`];
}

/** GET and ENUM. */
export function readAdsutil(state: Pick<MachineState, 'metabase'>, command: AdsutilCommand): AdsutilOutcome {
  const { metabase } = state;
  if (command.verb === 'GET') {
    const { key, property } = splitPropertyPath(command.path);
    if (!metabase.has(key)) return notFound('GET', command.path);
    const found = metabase.effective(key, property);
    if (!found) return { stdout: [`The parameter "${property}" is not set at this node.`], exitCode: 1 };
    return { stdout: propertyLines(found.property), exitCode: 0 };
  }
  const key = metabase.get(toKeyPath(command.path));
  if (!key) return notFound('ENUM', command.path);
  const pathsOnly = command.args.some((a) => a.toUpperCase() === '/P');
  const props = pathsOnly ? [] : [...key.properties.values()].flatMap(propertyLines);
  const children = metabase.childrenOf(key.path).map((child) => `[/${toolPath(child.path)}]`);
  return { stdout: [...props, ...(props.length > 0 && children.length > 0 ? [''] : []), ...children], exitCode: 0 };
}

/** The writing verbs, on a draft; a refusal of the admin functions is thrown as their `AdminError`. */
export function writeAdsutil(d: Draft, command: AdsutilCommand): AdsutilOutcome {
  const typed = command.path;
  switch (command.verb) {
    case 'SET': {
      const { key, property } = splitPropertyPath(typed);
      if (!d.metabase.has(key)) return notFound('SET', typed);
      const path = setRaw(d, key, property, command.args);
      return { stdout: propertyLines(d.metabase.explicit(path, property)!), exitCode: 0 };
    }
    case 'DELETE': {
      // A path naming a key deletes the key; otherwise its last part is a property of the key above it.
      if (d.metabase.has(toKeyPath(typed))) {
        deleteRaw(d, typed, undefined);
        return { stdout: [`deleted path "${typed}"`], exitCode: 0 };
      }
      const { key, property } = splitPropertyPath(typed);
      if (!d.metabase.has(key)) return notFound('DELETE', typed);
      if (!d.metabase.explicit(key, property)) return { stdout: [`The parameter "${property}" is not set at this node.`], exitCode: 1 };
      deleteRaw(d, key, property);
      return { stdout: [`deleted property "${property}"`], exitCode: 0 };
    }
    case 'CREATE':
    case 'CREATE_VDIR':
    case 'CREATE_VSERV': {
      const type = command.verb === 'CREATE_VDIR' ? 'IIsWebVirtualDir' : command.verb === 'CREATE_VSERV' ? 'IIsWebServer' : (command.args[0] ?? 'IIsObject');
      createRaw(d, typed, type);
      return { stdout: [`created "${typed}"`], exitCode: 0 };
    }
    case 'APPCREATEPOOLPROC':
      if (!d.metabase.has(toKeyPath(typed))) return notFound('APPCREATEPOOLPROC', typed);
      createApplication(d, typed, undefined);
      return { stdout: ['Application created.'], exitCode: 0 };
    case 'APPDELETE':
      if (!d.metabase.has(toKeyPath(typed))) return notFound('APPDELETE', typed);
      deleteApplication(d, typed);
      return { stdout: ['Application deleted.'], exitCode: 0 };
    case 'GET':
    case 'ENUM':
      return readAdsutil(d.state, command);
  }
}
