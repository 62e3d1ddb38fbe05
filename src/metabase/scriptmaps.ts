import { ASPNET_VERBS, compareVersions, extensionsOf, type FrameworkVersion } from '../regiis/frameworks.js';

/**
 * ScriptMaps entries (machine.md §2): `<extension>,<processor path>,<flags>[,<verbs>]`, verbs being everything
 * after the third comma (empty: all verbs).
 */
export interface ScriptMapEntry {
  readonly extension: string;
  readonly processor: string;
  readonly flags: string;
  /** Included verbs; undefined when the entry names none (all verbs). */
  readonly verbs: string | undefined;
}

export function parseEntry(text: string): ScriptMapEntry {
  const [extension = '', processor = '', flags = '', ...verbs] = text.split(',');
  return { extension, processor, flags, verbs: verbs.length > 0 ? verbs.join(',') : undefined };
}

export function formatEntry(entry: ScriptMapEntry): string {
  const head = `${entry.extension},${entry.processor},${entry.flags}`;
  return entry.verbs === undefined ? head : `${head},${entry.verbs}`;
}

/** The version an unrecognised ASP.NET processor folder counts as: lower than all (decided, machine.md §2). */
export const UNKNOWN_ASPNET_VERSION = '0.0.0';

/** An ASP.NET entry's processor file is `aspnet_isapi.dll`, whatever its folder. */
export function isAspNetEntry(entry: ScriptMapEntry): boolean {
  return fileName(entry.processor).toLowerCase() === 'aspnet_isapi.dll';
}

const ENTRY_VERSIONS = new WeakMap<ScriptMapEntry, string | null>();

/** The version named by the processor's folder (`...\v2.0.50727\aspnet_isapi.dll`); undefined if not ASP.NET. */
export function entryVersion(entry: ScriptMapEntry): string | undefined {
  if (!Object.isFrozen(entry)) return computeEntryVersion(entry);
  let version = ENTRY_VERSIONS.get(entry);
  if (version === undefined) ENTRY_VERSIONS.set(entry, (version = computeEntryVersion(entry) ?? null));
  return version ?? undefined;
}

function computeEntryVersion(entry: ScriptMapEntry): string | undefined {
  if (!isAspNetEntry(entry)) return undefined;
  const parts = entry.processor.split(/[\\/]/);
  const folder = parts[parts.length - 2] ?? '';
  const match = /^v(\d+)\.(\d+)\.(\d+)$/i.exec(folder);
  return match ? `${Number(match[1])}.${Number(match[2])}.${Number(match[3])}` : UNKNOWN_ASPNET_VERSION;
}

function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/**
 * Lists are values: a machine shares one frozen array between every key that holds the same list (the store
 * interns them, and the functions below return frozen results). What is computed about a frozen list is
 * cached by its identity, so that a server with 20 000 copies of a handful of lists parses each list once.
 * Mutable arrays are never cached: they could change after the call.
 */
function cached<T>(cache: WeakMap<readonly string[], T>, list: readonly string[], compute: () => T): T {
  if (!Object.isFrozen(list)) return compute();
  let value = cache.get(list);
  if (value === undefined) {
    value = compute();
    cache.set(list, value);
  }
  return value;
}

const ENTRIES = new WeakMap<readonly string[], readonly ScriptMapEntry[]>();
const VERSIONS = new WeakMap<readonly string[], readonly string[]>();
const HAS_ASPNET = new WeakMap<readonly string[], boolean>();
const MOVED = new WeakMap<readonly string[], Map<string, readonly string[]>>();
const REMOVED = new WeakMap<readonly string[], readonly string[]>();

/** A list's entries, parsed (once per shared list). */
export function parseEntries(list: readonly string[]): readonly ScriptMapEntry[] {
  return cached(ENTRIES, list, () => Object.freeze(list.map((text) => Object.freeze(parseEntry(text)))));
}

/** The distinct versions a list's ASP.NET entries name, in ascending order. */
export function listVersions(list: readonly string[]): string[] {
  const versions = cached(VERSIONS, list, () => {
    const found = new Set<string>();
    for (const entry of parseEntries(list)) {
      const v = entryVersion(entry);
      if (v !== undefined) found.add(v);
    }
    return [...found].sort(compareVersions);
  });
  return [...versions];
}

/** A list's version: that of its ASP.NET entries, the highest when mixed; undefined when it has none. */
export function listVersion(list: readonly string[]): string | undefined {
  const versions = listVersions(list);
  return versions[versions.length - 1];
}

export const hasAspNet = (list: readonly string[]): boolean =>
  cached(HAS_ASPNET, list, () => parseEntries(list).some(isAspNetEntry));

/** A list whose ASP.NET entries name two versions (possible after hand edits). */
export const isMixed = (list: readonly string[]): boolean => listVersions(list).length > 1;

/**
 * Moves a list to version `target` (machine.md §2, decided): ASP.NET entries W maps keep their place, flags
 * and verbs with W's processor; those W does not map are dropped, as are later duplicates of an extension;
 * W's extensions missing from the list are appended in W's order; every other entry stays where it is.
 */
export function moveList(list: readonly string[], target: FrameworkVersion, processor: string): readonly string[] {
  if (!Object.isFrozen(list)) return Object.freeze(computeMove(list, target, processor));
  let byTarget = MOVED.get(list);
  if (!byTarget) MOVED.set(list, (byTarget = new Map()));
  const id = `${target}\0${processor}`;
  let moved = byTarget.get(id);
  if (!moved) byTarget.set(id, (moved = Object.freeze(computeMove(list, target, processor))));
  return moved;
}

function computeMove(list: readonly string[], target: FrameworkVersion, processor: string): string[] {
  const targetExtensions = extensionsOf(target);
  const mapped = new Set(targetExtensions.map((e) => e.extension.toLowerCase()));
  const present = new Set<string>();
  const kept = new Set<string>();
  const moved: string[] = [];
  for (const text of list) {
    const entry = parseEntry(text);
    const ext = entry.extension.toLowerCase();
    present.add(ext);
    if (!isAspNetEntry(entry)) {
      moved.push(text);
    } else if (mapped.has(ext) && !kept.has(ext)) {
      kept.add(ext);
      moved.push(formatEntry({ ...entry, processor }));
    }
  }
  for (const e of targetExtensions) {
    if (!present.has(e.extension.toLowerCase())) moved.push(`${e.extension},${processor},${e.flag},${ASPNET_VERBS}`);
  }
  return moved;
}

/** Removing ASP.NET from a list drops its ASP.NET entries and keeps the rest (machine.md §2). */
export function removeAspNet(list: readonly string[]): readonly string[] {
  return cached(REMOVED, list, () => Object.freeze(list.filter((text) => !isAspNetEntry(parseEntry(text)))));
}

/** The entry that handles `extension` in a list, if any (extensions compare case-insensitively). */
export function entryFor(list: readonly string[], extension: string): ScriptMapEntry | undefined {
  const ext = extension.toLowerCase();
  return parseEntries(list).find((entry) => entry.extension.toLowerCase() === ext);
}

export const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a === b || (a.length === b.length && a.every((text, i) => text === b[i]));

/** What happened to a list's entries, matched by extension: moved (same extension, new text), added, dropped. */
export interface EntryDelta {
  readonly moved: readonly { readonly before: string; readonly after: string }[];
  readonly added: readonly string[];
  readonly dropped: readonly string[];
}

/**
 * Compares two lists entry by entry, matching entries by extension (case-insensitive). An extension that a
 * list names twice (a mixed list) is matched on its first entry; the later ones count as added or dropped.
 */
export function compareLists(before: readonly string[], after: readonly string[]): EntryDelta {
  // A server-wide run compares the same few pairs of shared lists thousands of times.
  if (!Object.isFrozen(before) || !Object.isFrozen(after)) return computeCompare(before, after);
  let byAfter = COMPARED.get(before);
  if (!byAfter) COMPARED.set(before, (byAfter = new WeakMap()));
  let delta = byAfter.get(after);
  if (!delta) byAfter.set(after, (delta = computeCompare(before, after)));
  return delta;
}

const COMPARED = new WeakMap<readonly string[], WeakMap<readonly string[], EntryDelta>>();

function computeCompare(before: readonly string[], after: readonly string[]): EntryDelta {
  // Only the extension matters here: cut it off rather than parse every entry (lists of tens of thousands of keys).
  const extensionOf = (text: string): string => {
    const comma = text.indexOf(',');
    return (comma < 0 ? text : text.slice(0, comma)).toLowerCase();
  };
  const firstBefore = new Map<string, string>();
  const dropped: string[] = [];
  for (const text of before) {
    const ext = extensionOf(text);
    if (firstBefore.has(ext)) dropped.push(text);
    else firstBefore.set(ext, text);
  }
  const moved: { before: string; after: string }[] = [];
  const added: string[] = [];
  const matched = new Set<string>();
  for (const text of after) {
    const ext = extensionOf(text);
    const old = matched.has(ext) ? undefined : firstBefore.get(ext);
    if (old === undefined) {
      added.push(text);
      continue;
    }
    matched.add(ext);
    if (old !== text) moved.push({ before: old, after: text });
  }
  for (const [ext, text] of firstBefore) if (!matched.has(ext)) dropped.push(text);
  // A duplicate kept as it was is neither added nor dropped.
  const same = new Set(added.filter((text) => dropped.includes(text)));
  return { moved, added: added.filter((t) => !same.has(t)), dropped: dropped.filter((t) => !same.has(t)) };
}
