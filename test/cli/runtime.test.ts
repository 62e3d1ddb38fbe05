import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

const NOW = ['--now', '2026-01-01T00:00:00Z'];
const request = (db: string, ...args: string[]) => mb(db, ...NOW, 'request', ...args);
const auditCount = async (db: string): Promise<number> => (JSON.parse((await mb(db, 'events', '--log', 'audit', '--json')).stdout) as unknown[]).length;

/** Scenario 08's machine: an application pinned to 1.1 under a 2.0 root, both in DefaultAppPool. */
async function pinned(db: string): Promise<void> {
  expect((await mb(db, 'init', '--profile', 'win2003-net20')).exit).toBe(0);
  expect((await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Old', '--path', 'C:\\Inetpub\\Old', '--app')).exit).toBe(0);
  expect((await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/Old')).exit).toBe(0);
}

describe('metabase request', () => {
  test('prints one line, the status first, and exits 0 whatever the status', async ({ db }) => {
    await pinned(db);
    expect(await request(db, 'http://localhost/default.aspx')).toEqual({ exit: 0, stdout: '200 served by ASP.NET 2.0.50727 in w3wp.exe (pool DefaultAppPool)\n', stderr: '' });
    expect(await request(db, 'http://localhost/Old/default.aspx')).toEqual({
      exit: 0,
      stdout: '503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 2.0.50727)\n',
      stderr: '',
    });
    expect(await request(db, 'http://localhost:81/')).toEqual({ exit: 0, stdout: '404 no site is bound to localhost:81\n', stderr: '' });
    expect((await request(db, 'http://localhost/x.aspx', '--verb', 'PUT')).stdout).toMatch(/^405 PUT is not allowed/);
  });

  test('event 1062 goes to the application log, as an Error from the refused version', async ({ db }) => {
    await pinned(db);
    await request(db, 'http://localhost/default.aspx');
    await request(db, 'http://localhost/Old/default.aspx');
    const events = JSON.parse((await mb(db, 'events', '--id', '1062', '--json')).stdout) as { source: string; type: string; text: string }[];
    expect(events).toEqual([
      expect.objectContaining({
        source: 'ASP.NET 1.1.4322.0',
        type: 'Error',
        text: 'It is not possible to run two different versions of ASP.NET in the same IIS process. Please use the IIS Administration Tool to reconfigure your server to run the application in a separate process.',
      }),
    ]);
  });

  test('--json gives every step', async ({ db }) => {
    await pinned(db);
    const got = await request(db, 'http://localhost/Old/x.aspx', '--json');
    expect(got.exit).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({
      status: '200',
      line: '200 served by ASP.NET 1.1.4322 in w3wp.exe (pool DefaultAppPool)',
      url: 'http://localhost/Old/x.aspx',
      verb: 'GET',
      site: '/LM/W3SVC/1',
      binding: ':80:',
      key: '/LM/W3SVC/1/ROOT/Old',
      file: 'x.aspx',
      application: '/LM/W3SVC/1/ROOT/Old',
      pool: 'DefaultAppPool',
      handler: 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll',
      clr: '1.1.4322',
      process: { id: 1, image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '1.1.4322' },
    });
  });

  test('a request that starts something is audited; one that finds everything running writes nothing', async ({ db }) => {
    await pinned(db);
    const before = await auditCount(db);
    await request(db, 'http://localhost/a.aspx');
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain('started w3wp.exe #1 (pool DefaultAppPool)');
    expect(audit).toContain('loaded CLR 2.0.50727 for /LM/W3SVC/1/ROOT');
    const after = await auditCount(db);
    expect(after).toBeGreaterThan(before);
    await request(db, 'http://localhost/b.aspx');
    expect(await auditCount(db)).toBe(after);
  });

  test('a malformed URL or verb is one line on stderr, exit 1, and changes nothing', async ({ db }) => {
    await pinned(db);
    const before = await auditCount(db);
    for (const args of [['localhost/x.aspx'], ['ftp://localhost/x.aspx'], ['http://localhost/x.aspx', '--verb', 'G ET'], ['http://localhost/', '--ip', '300.1.1.1']]) {
      const got = await request(db, ...args);
      expect(got.exit, args.join(' ')).toBe(1);
      expect(got.stdout).toBe('');
      expect(got.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await auditCount(db)).toBe(before);
    expect((await request(db, 'http://localhost/x.aspx', '--json')).stdout).toContain('"id": 1');
  });

  test('--ip picks the address a named host arrives on', async ({ db }) => {
    await mb(db, 'init');
    await mb(db, 'set', 'W3SVC/1', 'ServerBindings', '10.0.0.5:80:');
    expect((await request(db, 'http://intranet/x.aspx')).stdout).toBe('404 no site is bound to intranet:80\n');
    expect((await request(db, 'http://intranet/x.aspx', '--ip', '10.0.0.5')).stdout).toMatch(/^200 /);
  });
});

describe('metabase iisreset and recycle', () => {
  test('iisreset prints what the real one does and stops every worker process (scenario 08)', async ({ db }) => {
    await pinned(db);
    await request(db, 'http://localhost/default.aspx');
    expect(await mb(db, 'iisreset')).toEqual({
      exit: 0,
      stdout: 'Attempting stop...\nInternet services successfully stopped\nAttempting start...\nInternet services successfully restarted\n',
      stderr: '',
    });
    expect((await request(db, 'http://localhost/Old/default.aspx')).stdout).toBe('200 served by ASP.NET 1.1.4322 in w3wp.exe (pool DefaultAppPool)\n');
    expect((await request(db, 'http://localhost/default.aspx')).stdout).toMatch(/^503 /);
    expect((await mb(db, 'events', '--log', 'audit')).stdout).toContain('restart W3SVC: every worker process stopped');
  });

  test('recycle stops one pool\'s worker process only', async ({ db }) => {
    await pinned(db);
    await mb(db, 'pool', 'add', 'Legacy');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/Old', 'Legacy');
    await request(db, 'http://localhost/default.aspx');
    await request(db, 'http://localhost/Old/default.aspx');
    expect(await mb(db, 'recycle', 'legacy')).toEqual({ exit: 0, stdout: 'recycled application pool Legacy: stopped w3wp.exe #2 (CLR 1.1.4322, 1 AppDomain)\n', stderr: '' });
    expect((await request(db, 'http://localhost/default.aspx', '--json')).stdout).toContain('"id": 1');
    expect((await request(db, 'http://localhost/Old/default.aspx', '--json')).stdout).toContain('"id": 3');
    expect((await mb(db, 'recycle', 'Legacy')).stdout).toContain('stopped w3wp.exe #3');
    expect((await mb(db, 'recycle', 'Legacy')).stdout).toBe('recycled application pool Legacy: no worker process was running\n');
    expect((await mb(db, 'events', '--log', 'audit')).stdout).toContain('recycle pool Legacy: stopped w3wp.exe #2 (CLR 1.1.4322) with AppDomains /LM/W3SVC/1/ROOT/Old');
  });

  test('recycle refuses a pool that does not exist, IIS 5 isolation mode and IIS 5', async ({ db }) => {
    await mb(db, 'init');
    const before = await auditCount(db);
    const nope = await mb(db, 'recycle', 'Nope');
    expect(nope).toMatchObject({ exit: 1, stdout: '' });
    expect(nope.stderr).toContain('no application pool named Nope');
    expect(await auditCount(db)).toBe(before);
    await mb(db, 'mode', 'iis6-iis5-isolation');
    expect((await mb(db, 'recycle', 'DefaultAppPool')).stderr).toContain('IIS 5 isolation mode');
    await mb(db, 'init', '--profile', 'win2000', '--force');
    expect(await mb(db, 'recycle', 'DefaultAppPool')).toMatchObject({ exit: 1, stderr: expect.stringContaining('IIS 5 has no application pools') });
  });

  test('a tool run restarts (every worker stops); --what-if and read-only options do not', async ({ db }) => {
    await pinned(db);
    await request(db, 'http://localhost/default.aspx');
    await regiis(db, '-lk');
    await regiis(db, '--what-if', '--framework', '2.0', '-s', 'W3SVC/1/ROOT/Old');
    expect((await request(db, 'http://localhost/default.aspx', '--json')).stdout).toContain('"id": 1');
    await regiis(db, '--framework', '2.0', '-s', 'W3SVC/1/ROOT/Old');
    expect((await request(db, 'http://localhost/Old/default.aspx', '--json')).stdout).toContain('"id": 2');
  });

  test('-norestart keeps the worker process and its CLR; the changed application\'s AppDomain ends (scenario 09)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    await request(db, 'http://localhost/App/default.aspx');
    await request(db, 'http://localhost/default.aspx');
    expect((await regiis(db, '--framework', '1.1', '-norestart', '-s', 'W3SVC/1/ROOT/App')).exit).toBe(0);
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain('recycle changed applications: /LM/W3SVC/1/ROOT/App');
    expect((await request(db, 'http://localhost/App/default.aspx')).stdout).toBe('503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 2.0.50727)\n');
    // The root's AppDomain was not touched: serving it again starts nothing.
    const before = await auditCount(db);
    expect((await request(db, 'http://localhost/default.aspx')).stdout).toMatch(/^200 /);
    expect(await auditCount(db)).toBe(before);
  });
});
