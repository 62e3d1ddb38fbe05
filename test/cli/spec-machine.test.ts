import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

/** The fidelity audit of machine.md, the rules that need the store: §6 (the two logs) and §7 (a new file). */

const NOW = ['--now', '2026-01-02T03:04:05Z'];

const logs = async (db: string): Promise<{ application: unknown[]; audit: { kind: string; text: string }[] }> => ({
  application: JSON.parse((await mb(db, 'events', '--json')).stdout),
  audit: JSON.parse((await mb(db, 'events', '--log', 'audit', '--json')).stdout),
});

describe('machine.md §6 and §7: the logs of a machine', () => {
  test("a new file is the win2003 machine, its logs one audit entry naming the profile", async ({ db }) => {
    expect((await regiis(db, ...NOW, '-lk')).stdout).toBe('W3SVC/\t1.1.4322.0\n');
    const { application, audit } = await logs(db);
    expect(application).toEqual([]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: 'command', text: 'machine created from profile win2003' });
  });

  test('read-only, failed and --what-if runs write nothing to either log', async ({ db }) => {
    await regiis(db, ...NOW, '-lv');
    const before = await logs(db);
    expect((await regiis(db, ...NOW, '-lk')).exit).toBe(0);
    expect((await regiis(db, ...NOW, '-s', 'W3SVC/1/ROOT/Nope')).exit).toBe(1);
    expect((await regiis(db, ...NOW, '-s')).exit).toBe(1);
    expect((await regiis(db, ...NOW, '--what-if', '-i')).exit).toBe(0);
    expect((await mb(db, ...NOW, 'get', 'W3SVC', 'AppPoolId')).exit).toBe(0);
    expect(await logs(db)).toEqual(before);
  });

  test('a run of an option that can change the machine restarts W3SVC even when it changed nothing', async ({ db }) => {
    await regiis(db, ...NOW, '-lv');
    const out = await regiis(db, ...NOW, '-k', 'W3SVC/1/ROOT');
    expect(out.exit).toBe(0);
    const { application, audit } = await logs(db);
    expect(application.map((e) => (e as { event_id: number }).event_id)).toEqual([1023, 1025]);
    expect(audit.slice(1).map((e) => e.kind)).toEqual(['command', 'restart', 'recycle']);
    expect(audit[1]!.text).toBe('aspnet_regiis (1.1.4322) -k W3SVC/1/ROOT');
    expect(audit[3]!.text).toContain('recycle');
    expect(audit[3]!.text).toContain('/LM/W3SVC/1/ROOT');
  });

  test('-norestart: no 1023/1025 and no restart in the audit log', async ({ db }) => {
    await regiis(db, ...NOW, '-lv');
    await mb(db, ...NOW, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    const before = await logs(db);
    expect((await regiis(db, ...NOW, '-norestart', '-sn', 'W3SVC/1/ROOT/App')).exit).toBe(0);
    const after = await logs(db);
    expect(after.application).toEqual(before.application);
    expect(after.audit.slice(before.audit.length).map((e) => e.kind)).not.toContain('restart');
  });
});
