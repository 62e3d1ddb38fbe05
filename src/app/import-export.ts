import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Change, Draft } from '../machine/machine.js';
import {
  ImportError,
  contentFolders,
  frameworksNamed,
  isWholeMetabase,
  metabaseOf,
  placeAt,
  registerImported,
  windirNamed,
  relocateFragment,
  withAncestors,
} from '../machine/metabase-import.js';
import { Metabase, type MetabaseKey } from '../metabase/metabase.js';
import { isAtOrBelow, toKeyPath, toolPath } from '../metabase/paths.js';
import { MetabaseXmlError, type MetabaseXml, readMetabaseXml } from '../metabase/xml/read.js';
import { XmlWriteError, metabaseXml } from '../metabase/xml/write.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import { appendAudit } from '../store/log-repo.js';
import { applyChanges, loadMachine, readXmlNamespace, replaceMetabase, replaceSubtree, writeXmlNamespace } from '../store/machine-repo.js';
import type { Store } from '../store/open.js';
import { loadRuntime, saveRuntime } from '../store/runtime-repo.js';
import { poolOf } from '../iis/admin.js';
import { recycleApplications, restart } from '../iis/runtime.js';
import type { Clock } from './clock.js';
import { describeChange } from './commit.js';
import { CommandError, badInput, notFound } from './errors.js';

export interface ImportRequest {
  /** Where a fragment goes (its top key becomes this key); a fragment without it goes back where it came from. */
  readonly at?: string | undefined;
  /** Bytes read so far and the file's size, while the file is read. */
  readonly onProgress?: ((read: number, total: number) => void) | undefined;
  /** The command line the audit log names; `metabase import FILE [--at PATH]` by default. */
  readonly command?: string | undefined;
}

export interface ImportResult {
  readonly kind: 'whole' | 'fragment';
  /** The key a fragment was put at. */
  readonly path: string | undefined;
  readonly keys: number;
  readonly properties: number;
  /** Frameworks the import made installed and registered. */
  readonly registered: readonly FrameworkVersion[];
  /** Comments the file had where the metabase keeps none (metabase/xml/read.ts). */
  readonly droppedComments: number;
}

/**
 * `metabase import FILE [--at PATH]`: a whole MetaBase.xml replaces the metabase; a fragment replaces the key
 * it lands on and everything below it. The file is read first, so a malformed one changes nothing; then the
 * keys, the frameworks it names, the content folders, the worker processes and the audit log are written in
 * one transaction.
 */
export async function importMetabaseFile(store: Store, file: string, request: ImportRequest, clock: Clock): Promise<ImportResult> {
  const xml = await readXmlFile(file, request.onProgress);
  const whole = isWholeMetabase(xml.keys);
  if (whole && request.at !== undefined) {
    throw badInput(`${file} is a whole MetaBase.xml (it holds /LM): import it without --at, or export the key you want as a fragment`);
  }
  return store.write(async () => {
    const loaded = await loadMachine(store.sqlite);
    const draft = new Draft(loaded.state);
    const time = clock.now();
    const command = request.command ?? `metabase import ${file}${request.at === undefined ? '' : ` --at ${request.at}`}`;
    try {
      if (whole) {
        const metabase = metabaseOf(xml.keys);
        const keys = [...metabase.all()];
        const windir = windirNamed(keys);
        if (windir !== undefined) draft.setWindir(windir);
        const registered = newlyRegistered(draft, () => registerImported(draft, frameworksNamed(keys), true));
        for (const folder of contentFolders(keys)) draft.mkdir(folder);
        await replaceMetabase(store.sqlite, metabase);
        await writeXmlNamespace(store.sqlite, xml.namespace);
        await applyChanges(store.sqlite, loaded, draft.changes);
        await saveRuntime(store.sqlite, restart(await loadRuntime(store.sqlite)));
        const properties = countProperties(keys);
        await appendAudit(
          store.sqlite,
          [
            { kind: 'command', text: command },
            { kind: 'note', text: `the metabase was replaced by ${file}: ${keys.length} keys, ${properties} properties` },
            ...describeImport(draft.changes),
            { kind: 'restart', text: 'restart W3SVC: every worker process stopped (a new metabase was loaded)' },
          ],
          time,
        );
        return { kind: 'whole', path: undefined, keys: keys.length, properties, registered, droppedComments: xml.droppedComments };
      }

      const before = loaded.state.metabase;
      const top = xml.keys.find((key) => key.path !== '.');
      if (!top) throw new ImportError('the file holds no keys');
      const at = placeAt(before, request.at === undefined ? top.path : toKeyPath(request.at));
      const moved = new Metabase(withAncestors(relocateFragment(xml.keys, at), (path) => !isAtOrBelow(path, at)));
      const keys = [...moved.walk(at)];
      const registered = newlyRegistered(draft, () => registerImported(draft, frameworksNamed(keys), false));
      for (const folder of contentFolders(keys)) draft.mkdir(folder);
      const replaced = before.has(at) ? [...before.walk(at)] : [];
      const recycled = [...new Set([...replaced, ...keys].filter((key) => isApplication(before, moved, key)).map((key) => key.path))];
      await replaceSubtree(store.sqlite, at, keys);
      await applyChanges(store.sqlite, loaded, draft.changes);
      // The applications' AppDomains end; their worker processes keep the CLR they loaded (machine.md §5).
      // Their pools are those of the metabase as imported: the loaded one, brought up to date in memory.
      const after = before;
      if (after.has(at)) after.remove(at);
      for (const key of keys) after.put(key);
      const running = await loadRuntime(store.sqlite);
      const next = recycleApplications(running, recycled, { command, time, poolOf: (app) => poolOf(after, app)?.name });
      if (next !== running) await saveRuntime(store.sqlite, next);
      const properties = countProperties(keys);
      await appendAudit(
        store.sqlite,
        [
          { kind: 'command', text: command },
          {
            kind: 'note',
            text: `imported ${file} at ${toolPath(at)}: ${keys.length} keys, ${properties} properties${replaced.length > 0 ? ` (replacing ${replaced.length} keys at and below it)` : ''}`,
          },
          ...describeImport(draft.changes),
          ...(recycled.length > 0 ? [{ kind: 'recycle', text: `recycle imported applications: ${recycled.join(', ')}` }] : []),
        ],
        time,
      );
      return { kind: 'fragment', path: at, keys: keys.length, properties, registered, droppedComments: xml.droppedComments };
    } catch (error) {
      if (error instanceof ImportError) throw badInput(`${file}: ${error.message}`);
      throw error;
    }
  });
}

/** Audit lines for an import's changes besides its keys: the content folders in one line, there can be thousands. */
function describeImport(changes: readonly Change[]): { kind: string; text: string }[] {
  const folders = changes.flatMap((c) => (c.kind === 'mkdir' ? [c.path] : []));
  const lines = changes.filter((c) => c.kind !== 'mkdir').map(describeChange);
  if (folders.length > 0) {
    const shown = folders.slice(0, 3).join(', ') + (folders.length > 3 ? ', ...' : '');
    lines.push({ kind: 'change', text: `mkdir ${folders.length} content ${folders.length === 1 ? 'folder' : 'folders'}: ${shown}` });
  }
  return lines;
}

/** The frameworks that `register` made registered. */
function newlyRegistered(draft: Draft, register: () => void): FrameworkVersion[] {
  const start = draft.changes.length;
  register();
  return draft.changes.slice(start).flatMap((c) => (c.kind === 'framework' && c.after.registered && !c.before?.registered ? [c.after.version] : []));
}

const isApplication = (before: Metabase, after: Metabase, key: MetabaseKey): boolean =>
  (before.get(key.path) === key && before.isApplication(key)) || (after.get(key.path) === key && after.isApplication(key));

const countProperties = (keys: readonly MetabaseKey[]): number => keys.reduce((n, key) => n + key.properties.size, 0);

async function readXmlFile(file: string, onProgress: ImportRequest['onProgress']): Promise<MetabaseXml> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw badInput(`${file}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw notFound(`${file}: no such file`);
  }
  try {
    return await readMetabaseXml(createReadStream(file, { highWaterMark: 1 << 20 }), {
      onProgress: onProgress && ((read) => onProgress(read, size)),
    });
  } catch (error) {
    if (error instanceof MetabaseXmlError) throw badInput(`${file}: ${error.message}; nothing was imported`);
    if (error instanceof Error && 'code' in error) throw badInput(`${file}: cannot be read (${error.message})`);
    throw error;
  }
}

export interface ExportRequest {
  /** The key to export with everything below it; the whole metabase when undefined. */
  readonly path?: string | undefined;
  /** Write at the exported key the inheritable values it takes from above (`--inherited`). */
  readonly inherited: boolean;
  readonly eol?: '\r\n' | '\n' | undefined;
  /** Keys written so far and the number to write. */
  readonly onProgress?: ((written: number, total: number) => void) | undefined;
}

/** Where exported text goes; a returned promise is awaited before the next chunk (backpressure). */
export type Sink = (text: string) => void | Promise<void>;

/** `metabase export [PATH] [--inherited]`: MetaBase.xml as IIS 6 writes it, chunk by chunk into `sink`. */
export async function exportMetabase(store: Store, request: ExportRequest, sink: Sink): Promise<{ readonly keys: number }> {
  return store.read(async () => {
    const { state } = await loadMachine(store.sqlite, { lazy: true });
    const namespace = await readXmlNamespace(store.sqlite);
    const path = request.path === undefined ? undefined : toKeyPath(request.path);
    if (path !== undefined && !state.metabase.has(path)) throw notFound(`${request.path}: no such key in the metabase`);
    const total = path === undefined ? state.metabase.size : [...state.metabase.walk(path)].length;
    let keys = 0;
    try {
      const chunks = metabaseXml(state.metabase, {
        path,
        inherited: request.inherited,
        namespace,
        eol: request.eol,
        onKey: (written) => {
          keys = written;
          request.onProgress?.(written, total);
        },
      });
      for (const chunk of chunks) await sink(chunk);
    } catch (error) {
      if (error instanceof XmlWriteError) throw badInput(error.message);
      throw error;
    }
    return { keys };
  });
}
