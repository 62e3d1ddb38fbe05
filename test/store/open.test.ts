import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { APPLICATION_ID, openStore } from '../../src/store/open.js';
import { StoreError } from '../../src/store/errors.js';
import { openMachine } from '../../src/app/machine-file.js';
import { fixedClock } from '../../src/app/clock.js';
import { loadMachine } from '../../src/store/machine-repo.js';
import { test } from '../support/fixtures.js';
import { regiis } from '../support/fixtures.js';

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const clock = fixedClock('2026-01-01T00:00:00Z');

describe('the machine file', () => {
  test('is created with the default profile, WAL, and our application id', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      const { state } = await loadMachine(store.db);
      expect(state.profile).toBe('win2003');
      expect(state.metabase.has('/LM/W3SVC/1/ROOT')).toBe(true);
    } finally {
      await store.close();
    }
    const raw = new BetterSqlite3(db, { readonly: true });
    expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  test('refuses another program’s SQLite file and leaves it byte-identical', async ({ db }) => {
    const other = new BetterSqlite3(db);
    other.exec('create table notes(id integer primary key, text text); insert into notes(text) values (\'hello\')');
    other.close();
    const before = hash(db);
    await expect(openStore(db)).rejects.toThrow(/not a regiis-sim machine/);
    const out = await regiis(db, '-lv');
    expect(out.exit).toBe(1);
    expect(out.stderr).toMatch(/^aspnet_regiis: .*not a regiis-sim machine.*\n$/);
    expect(hash(db)).toBe(before);
  });

  test('refuses random bytes and an empty file, unchanged', async ({ db }) => {
    writeFileSync(db, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const before = hash(db);
    await expect(openStore(db)).rejects.toBeInstanceOf(StoreError);
    expect(hash(db)).toBe(before);
    writeFileSync(db, '');
    await expect(openStore(db)).rejects.toThrow(/empty/);
  });

  test('refuses a file written by a newer schema, unchanged', async ({ db }) => {
    (await openMachine(db, clock)).close();
    const raw = new BetterSqlite3(db);
    raw.prepare('insert into kysely_migration(name, timestamp) values (?, ?)').run('2099_01_01_001_future', '2099-01-01');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = hash(db);
    await expect(openStore(db)).rejects.toThrow(/newer version of regiis-sim/);
    expect(hash(db)).toBe(before);
  });

  test('refuses a path in a missing folder without creating anything', async ({ db }) => {
    const file = join(db, '..', 'missing', 'machine.db');
    await expect(openStore(file)).rejects.toThrow(/does not exist/);
    expect(existsSync(file)).toBe(false);
  });

  test('a failed write transaction leaves nothing behind', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      await expect(
        store.write(async () => {
          await store.db.deleteFrom('mb_key').execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const { state } = await loadMachine(store.db);
      expect(state.metabase.has('/LM/W3SVC/1/ROOT')).toBe(true);
    } finally {
      await store.close();
    }
  });
});
