import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { test as base, describe, expect } from 'vitest';
import { fixedClock } from '../../src/app/clock.js';
import { CommandError } from '../../src/app/errors.js';
import { exportMetabase, importMetabaseFile } from '../../src/app/import-export.js';
import { openMachine } from '../../src/app/machine-file.js';
import { loadMachine } from '../../src/store/machine-repo.js';
import * as sharedValues from '../../migrations/2026_11_22_003_shared_values.js';
import { loadRuntime, saveRuntime } from '../../src/store/runtime-repo.js';
import type { Store } from '../../src/store/open.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string): string => join(FIXTURES, name);
const clock = fixedClock('2026-11-22T10:00:00Z');

interface Machine {
  readonly dir: string;
  readonly file: string;
  open(): Promise<Store>;
}

/** A fresh win2003 machine in a temporary folder; each opened store is closed after the test. */
const test = base.extend<{ machine: Machine }>({
  machine: async ({ onTestFinished }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'regiis-xml-'));
    const file = join(dir, 'machine.db');
    const stores: Store[] = [];
    const open = async (): Promise<Store> => {
      const store = await openMachine(file, clock);
      stores.push(store);
      return store;
    };
    onTestFinished(async () => {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await (await open()).close();
    stores.length = 0;
    await use({ dir, file, open });
  },
});

async function exported(store: Store, request: Parameters<typeof exportMetabase>[1] = { inherited: false }): Promise<string> {
  let text = '';
  await exportMetabase(store, request, (chunk) => {
    text += chunk;
  });
  return text;
}

/** Every row of every table: what "nothing changed" compares. */
async function everything(store: Store): Promise<Record<string, unknown[]>> {
  const listed = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(store.db);
  const tables = listed.rows.map((row) => row.name);
  expect(tables).toContain('mb_property');
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) rows[table] = (await sql`select * from ${sql.table(table)} order by 1, 2`.execute(store.db)).rows;
  return rows;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the promise to reject');
  return error;
}

describe('a whole MetaBase.xml', () => {
  test('replaces the metabase and exports again byte for byte, after the file is reopened', async ({ machine }) => {
    const store = await machine.open();
    const result = await importMetabaseFile(store, fixture('iis6-full.xml'), {}, clock);
    expect(result).toMatchObject({ kind: 'whole', keys: 31, registered: ['2.0.50727', '4.0.30319'], droppedComments: 0 });
    await store.close();

    const again = await machine.open();
    expect(await exported(again)).toBe(readFileSync(fixture('iis6-full.xml'), 'utf8'));
  });

  test('registers the frameworks it names, creates its content folders and stops the worker processes', async ({ machine }) => {
    const store = await machine.open();
    await store.db.insertInto('worker_process').values({ image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '1.1.4322', started_at: clock.now() }).execute();
    await importMetabaseFile(store, fixture('iis6-full.xml'), {}, clock);
    const { state } = await loadMachine(store.db);
    expect([...state.frameworks.values()].filter((f) => f.registered).map((f) => f.version).sort()).toEqual(['1.1.4322', '2.0.50727', '4.0.30319']);
    expect(state.services.stateService).toBe('4.0.30319');
    expect(state.directories.get('d:\\sites\\reports')).toBe('D:\\Sites\\Reports');
    expect(await store.db.selectFrom('worker_process').selectAll().execute()).toEqual([]);
    expect(state.metabase.isApplication(state.metabase.get('/LM/W3SVC/1234567/ROOT/Reports')!)).toBe(true);
    expect(state.metabase.effective('/LM/W3SVC/1234567/ROOT/Reports/Archive', 'AppPoolId')?.property.value).toBe('AppPool_NET40');
    // aspnet_client is there already: the profile's -i installed the client scripts.
    const audit = await store.db.selectFrom('audit_entry').select('text').where('text', 'like', 'mkdir %').execute();
    expect(audit.map((a) => a.text)).toEqual(['mkdir 8 content folders: C:\\Inetpub\\ftproot, D:\\Sites, D:\\Sites\\Legacy, ...']);
  });

  test('unregisters a framework the new metabase does not name, and writes one audit entry', async ({ machine }) => {
    const store = await machine.open();
    await importMetabaseFile(store, fixture('iis6-small-ns.xml'), {}, clock);
    await importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), { at: 'W3SVC/2' }, clock);
    const audit = await store.db.selectFrom('audit_entry').selectAll().orderBy('seq').execute();
    const runs = new Set(audit.map((a) => a.run));
    expect(runs.size).toBe(3);
    expect(audit.filter((a) => a.kind === 'command').map((a) => a.text)).toEqual([
      'machine created from profile win2003',
      `metabase import ${fixture('iis6-small-ns.xml')}`,
      `metabase import ${fixture('iis6-fragment-intranet.xml')} --at W3SVC/2`,
    ]);
    expect(audit.some((a) => a.text.startsWith(`the metabase was replaced by ${fixture('iis6-small-ns.xml')}: 6 keys, 9 properties`))).toBe(true);
  });

  test('keeps the namespace it came with', async ({ machine }) => {
    const store = await machine.open();
    await importMetabaseFile(store, fixture('iis6-small-ns.xml'), {}, clock);
    const text = await exported(store, { inherited: false, eol: '\n' });
    expect(text).toBe(readFileSync(fixture('iis6-small-ns.xml'), 'utf8'));
    expect(text).toContain('xmlns="urn:microsoft-catalog:XML_Metabase_V60_0"');
  });

  test('with --at is refused', async ({ machine }) => {
    const store = await machine.open();
    const error = await rejection(importMetabaseFile(store, fixture('iis6-full.xml'), { at: 'W3SVC/5' }, clock));
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toMatch(/whole MetaBase.xml/);
  });
});

describe('a malformed or hostile file changes nothing', () => {
  test.for([
    ['hostile/truncated.xml', /line 146, column \d+: .*nothing was imported/],
    ['hostile/billion-laughs.xml', /line 2, column 1: a DOCTYPE is not accepted/],
    ['hostile/external-entity.xml', /line 2, column 1: a DOCTYPE is not accepted/],
    ['hostile/invalid-utf8.xml', /line 46, column 35: invalid UTF-8/],
    ['hostile/undeclared-entity.xml', /line 8, column 28: undefined entity/],
    ['hostile/mismatched-tag.xml', /line 10, column \d+/],
  ] as const)('%s', async ([name, message], { machine }) => {
    const store = await machine.open();
    const before = await everything(store);
    const error = await rejection(importMetabaseFile(store, fixture(name), {}, clock));
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toContain(fixture(name));
    expect(error.message).toMatch(message);
    expect(await everything(store)).toEqual(before);
  });

  test('a file that does not exist', async ({ machine }) => {
    const store = await machine.open();
    const error = await rejection(importMetabaseFile(store, join(machine.dir, 'nope.xml'), {}, clock));
    expect(error).toMatchObject({ code: 'not-found' });
  });

  test('a fragment whose --at has no parent', async ({ machine }) => {
    const store = await machine.open();
    const before = await everything(store);
    const error = await rejection(importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), { at: 'W3SVC/5/ROOT' }, clock));
    expect(error.message).toMatch(/parent \/LM\/W3SVC\/5 does not exist/);
    expect(await everything(store)).toEqual(before);
  });
});

describe('a fragment', () => {
  test('lands at --at with its applications, and exports again as it came, moved', async ({ machine }) => {
    const store = await machine.open();
    const result = await importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), { at: 'w3svc/5' }, clock);
    expect(result).toMatchObject({ kind: 'fragment', path: '/LM/W3SVC/5', keys: 4, registered: ['2.0.50727'] });
    const { state } = await loadMachine(store.db);
    expect(state.metabase.isApplication(state.metabase.get('/LM/W3SVC/5/ROOT/Reports')!)).toBe(true);
    expect(state.directories.has('d:\\sites\\intranet')).toBe(true);
    const original = readFileSync(fixture('iis6-fragment-intranet.xml'), 'utf8');
    expect(await exported(store, { path: 'W3SVC/5', inherited: false, eol: '\n' })).toBe(original.replaceAll('/LM/W3SVC/1234567', '/LM/W3SVC/5'));
  });

  test('ends the AppDomains of the applications it replaces; their worker keeps its CLR', async ({ machine }) => {
    const store = await machine.open();
    const domain = (application: string) => ({ application, clr: '1.1.4322', startedAt: clock.now() });
    await store.write(() =>
      saveRuntime(store.db, {
        lastId: 1,
        workers: [
          {
            id: 1,
            image: 'w3wp.exe',
            pool: 'DefaultAppPool',
            clr: '1.1.4322',
            startedAt: clock.now(),
            appDomains: [domain('/LM/W3SVC/1/ROOT'), domain('/LM/W3SVC/1/ROOT/Reports'), domain('/LM/W3SVC/2/ROOT')],
            outdated: [],
          },
        ],
      }),
    );
    await importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), { at: 'W3SVC/1' }, clock);
    const [worker] = (await loadRuntime(store.db)).workers;
    expect(worker?.clr).toBe('1.1.4322');
    expect(worker?.appDomains.map((d) => d.application)).toEqual(['/LM/W3SVC/2/ROOT']);
    const audit = await store.db.selectFrom('audit_entry').select('text').where('kind', '=', 'recycle').execute();
    expect(audit.map((a) => a.text)).toEqual(['recycle imported applications: /LM/W3SVC/1/ROOT, /LM/W3SVC/1/ROOT/Reports']);
  });

  test('without --at goes back where it came from', async ({ machine }) => {
    const store = await machine.open();
    const result = await importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), {}, clock);
    expect(result.path).toBe('/LM/W3SVC/1234567');
  });

  test('replaces the key it lands on and everything below it, which keeps its place among its siblings', async ({ machine }) => {
    const store = await machine.open();
    const siblings = async () => (await loadMachine(store.db)).state.metabase.childrenOf('/LM/W3SVC').map((k) => k.path);
    const order = await siblings();
    expect(order).toEqual(['/LM/W3SVC/AppPools', '/LM/W3SVC/Filters', '/LM/W3SVC/1']);
    const other = join(machine.dir, 'other.xml');
    writeFileSync(other, readFileSync(fixture('iis6-fragment-intranet.xml'), 'utf8').replaceAll('/LM/W3SVC/1234567', '/LM/W3SVC/7'));
    await importMetabaseFile(store, other, {}, clock);
    await importMetabaseFile(store, fixture('iis6-fragment-intranet.xml'), { at: 'W3SVC/1' }, clock);
    expect(await siblings()).toEqual([...order, '/LM/W3SVC/7']);
    const below = await store.db.selectFrom('mb_key').select('path').where('path_lc', 'like', '/lm/w3svc/1/%').orderBy('ord').execute();
    expect(below.map((r) => r.path)).toEqual(['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/Reports', '/LM/W3SVC/1/ROOT/Reports/Archive']);
    const { state } = await loadMachine(store.db);
    expect(state.metabase.get('/LM/W3SVC/1')?.properties.get('servercomment')?.value).toBe('Intranet');
    expect(state.metabase.get('/LM/W3SVC/7/ROOT')).toBeDefined();
  });
});

describe('export', () => {
  test('of a machine the program built: known properties as attributes, PATH and below', async ({ machine }) => {
    const store = await machine.open();
    const text = await exported(store, { path: 'W3SVC/1', inherited: false, eol: '\n' });
    expect(text).toContain('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerComment="Default Web Site"\n\t\tServerBindings=":80:"\n\t>\n</IIsWebServer>\n');
    expect(text).not.toContain('/LM/W3SVC/AppPools');
  });

  test('--inherited writes the inherited values at the exported key', async ({ machine }) => {
    const store = await machine.open();
    const text = await exported(store, { path: 'W3SVC/1/ROOT', inherited: true, eol: '\n' });
    expect(text).toMatch(/\t\tDefaultDoc="[^"]*Default.aspx"\n/);
    expect(text).toContain('\t\tScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE\n\t\t\t.cer,');
  });

  test('of a key that does not exist is an error', async ({ machine }) => {
    const store = await machine.open();
    expect(await rejection(exported(store, { path: 'W3SVC/42', inherited: false }))).toMatchObject({ code: 'not-found' });
  });

  test('reports progress in keys', async ({ machine }) => {
    const store = await machine.open();
    const progress: [number, number][] = [];
    await exportMetabase(store, { inherited: false, onProgress: (n, total) => progress.push([n, total]) }, () => undefined);
    // win2003: /LM, W3SVC, AppPools, DefaultAppPool, Filters, the 1.1 filter, site 1 and its ROOT
    expect(progress.at(-1)).toEqual([8, 8]);
  });
});

test('a machine file from before MetaBase.xml support is brought up to date and imports', async ({ machine }) => {
  // Make the file what the schema before MetaBase.xml support left: no XML columns, those migrations not recorded.
  const old = await machine.open();
  await sharedValues.down(old.db);
  await sql`alter table mb_property drop column xml_form`.execute(old.db);
  await sql`alter table mb_key drop column xml_comments`.execute(old.db);
  await sql`alter table machine drop column xml_namespace`.execute(old.db);
  await sql`alter table snapshot_property drop column xml_form`.execute(old.db);
  await sql`alter table snapshot_key drop column xml_comments`.execute(old.db);
  await sql`alter table snapshot drop column xml_namespace`.execute(old.db);
  await sql`delete from kysely_migration where name >= '2026_11_22_001_metabase_xml'`.execute(old.db);
  await old.close();

  const store = await machine.open();
  await importMetabaseFile(store, fixture('iis6-small-ns.xml'), {}, clock);
  expect(await exported(store, { inherited: false, eol: '\n' })).toBe(readFileSync(fixture('iis6-small-ns.xml'), 'utf8'));
});
