import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';
import { dump } from '../support/dump.js';

describe('metabase workshop (in-process, real SQLite file)', () => {
  test('init refuses to replace a machine without --force', async ({ db }) => {
    expect((await mb(db, 'init')).exit).toBe(0);
    const again = await mb(db, 'init', '--profile', 'win2000');
    expect(again.exit).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await regiis(db, '-lv')).stdout).toContain('C:\\WINDOWS');
    expect((await mb(db, 'init', '--profile', 'win2000', '--force')).exit).toBe(0);
    expect((await regiis(db, '-lv')).stdout).toContain('C:\\WINNT');
    expect((await mb(db, 'init', '--profile', 'nope')).stderr).toContain('no profile named nope');
  });

  test('profiles lists the five profiles, as text and JSON', async ({ db }) => {
    const rows = JSON.parse((await mb(db, 'profiles', '--json')).stdout) as { name: string }[];
    expect(rows.map((r) => r.name)).toEqual(['win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare']);
  });

  test('site add makes a server, its ROOT application and its home directory', async ({ db }) => {
    const out = await mb(db, 'site', 'add', 'Shop', '--bindings', ':80:shop.example.com,10.0.0.1:443:', '--path', 'C:\\Sites\\Shop');
    expect(out.stdout).toBe('added site W3SVC/2\n');
    expect((await mb(db, 'get', 'W3SVC/2', 'ServerBindings')).stdout).toBe(':80:shop.example.com\n10.0.0.1:443:\n');
    expect((await mb(db, 'get', 'W3SVC/2/ROOT', 'AppRoot')).stdout).toBe('/LM/W3SVC/2/ROOT\n');
    expect((await mb(db, 'files', 'C:\\Sites')).stdout).toBe('C:\\Sites\nC:\\Sites\\Shop\n');
    expect((await mb(db, 'site', 'add', 'Again', '--id', '2')).stderr).toContain('site 2 already exists');
    expect((await mb(db, 'site', 'add', 'Bad', '--bindings', 'nonsense')).stderr).toContain('IP:port:host');
  });

  test('vdir add, app create/delete, pool add/assign/list', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Legacy', '--path', 'C:\\Inetpub\\Legacy', '--app');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/Legacy');
    const pools = JSON.parse((await mb(db, 'pool', 'list', '--json')).stdout);
    expect(pools).toEqual([
      {
        pool: 'DefaultAppPool',
        applications: [
          { path: 'W3SVC/1/ROOT', version: '2.0.50727' },
          { path: 'W3SVC/1/ROOT/Legacy', version: '1.1.4322' },
        ],
        versions: ['2.0.50727', '1.1.4322'],
      },
    ]);
    await mb(db, 'pool', 'add', 'Legacy11');
    expect((await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/Legacy', 'Nope')).stderr).toContain('no application pool named Nope');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/Legacy', 'Legacy11');
    expect((await mb(db, 'pool', 'list')).stdout).toBe('DefaultAppPool\n  W3SVC/1/ROOT  2.0.50727\nLegacy11\n  W3SVC/1/ROOT/Legacy  1.1.4322\n');
    await mb(db, 'app', 'delete', 'W3SVC/1/ROOT/Legacy');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/Legacy', 'AppRoot')).stdout).toBe('/LM/W3SVC/1/ROOT\n');
    await mb(db, 'app', 'create', 'W3SVC/1/ROOT/Legacy', '--pool', 'Legacy11');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/Legacy', 'AppRoot')).stdout).toBe('/LM/W3SVC/1/ROOT/Legacy\n');
  });

  test('pools do not exist on IIS 5', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2000');
    const out = await mb(db, 'pool', 'add', 'P');
    expect(out).toMatchObject({ exit: 1, stderr: 'metabase: IIS 5 has no application pools\n' });
    expect((await mb(db, 'mode', 'iis6')).exit).toBe(1);
  });

  test('mode switches IIS 5 isolation on and off', async ({ db }) => {
    await mb(db, 'mode', 'iis6-iis5-isolation');
    expect((await mb(db, 'get', 'W3SVC', 'IIs5IsolationModeEnabled')).stdout).toBe('TRUE\n');
    await mb(db, 'mode', 'iis6');
    expect((await mb(db, 'get', 'W3SVC', 'IIs5IsolationModeEnabled')).stdout).toBe('FALSE\n');
    expect((await mb(db, 'mode', 'iis5')).exit).toBe(1);
  });

  test('framework install, list, break, uninstall', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0');
    let list = JSON.parse((await mb(db, 'framework', 'list', '--json')).stdout);
    expect(list).toEqual([
      { version: '1.1.4322.0', installed: true, registered: true, status: 'Valid (Root)', webServiceExtension: 'allowed' },
      { version: '2.0.50727.0', installed: true, registered: true, status: 'Valid', webServiceExtension: 'prohibited' },
    ]);
    expect((await mb(db, 'framework', 'install', '2.0')).stderr).toContain('already installed');
    await mb(db, 'framework', 'break', '1.1');
    expect((await regiis(db, '-lv')).stdout).toContain('1.1.4322.0\tInvalid\t\t');
    expect((await regiis(db, '--framework', '1.1', '-lk')).exit).toBe(0);
    await mb(db, 'framework', 'uninstall', '2.0');
    list = JSON.parse((await mb(db, 'framework', 'list', '--json')).stdout);
    expect(list[1]).toMatchObject({ version: '2.0.50727.0', installed: false, registered: false });
    expect((await mb(db, 'framework', 'uninstall', '4.0')).stderr).toContain('not installed');
    expect((await mb(db, 'framework', 'install', 'x')).stderr).toContain('unknown framework version x');
  });

  test('get marks inherited values; set takes one value per MULTISZ entry; delete and create', async ({ db }) => {
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App');
    const all = (await mb(db, 'get', 'W3SVC/1/ROOT/App')).stdout;
    expect(all).toContain('Path = C:\\Inetpub\\App\n');
    expect(all).toContain('AppPoolId = DefaultAppPool  (inherited from W3SVC/1/ROOT/)');
    expect(all).toContain('ScriptMaps  (inherited from W3SVC/)\n  .asp,');
    await mb(db, 'set', 'W3SVC/1/ROOT/App', 'ScriptMaps', '.foo,C:\\foo.dll,1', '.bar,C:\\bar.dll,5,GET');
    expect(JSON.parse((await mb(db, 'get', 'W3SVC/1/ROOT/App', 'ScriptMaps', '--json')).stdout)).toEqual(['.foo,C:\\foo.dll,1', '.bar,C:\\bar.dll,5,GET']);
    expect((await mb(db, 'set', 'W3SVC/1/ROOT/App', 'Path', 'a', 'b')).stderr).toContain('give exactly one value');
    await mb(db, 'set', 'W3SVC/1/ROOT/App', 'MyCustom', '0010');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App', 'MyCustom')).stdout).toBe('0010\n');
    await mb(db, 'delete', 'W3SVC/1/ROOT/App', 'ScriptMaps');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App', 'ScriptMaps')).stdout).toContain('.asp,');
    await mb(db, 'create', 'W3SVC/1/ROOT/App/images', '--type', 'IIsWebDirectory');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App/images', '--json')).exit).toBe(0);
    await mb(db, 'delete', 'W3SVC/1/ROOT/App');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App/images')).stderr).toContain('no such key');
    expect((await mb(db, 'delete', 'W3SVC')).exit).toBe(1);
  });

  test('files lists, makes and removes directories', async ({ db }) => {
    await mb(db, 'files', 'mkdir', 'C:\\Data\\Logs');
    expect((await mb(db, 'files', 'C:\\Data')).stdout).toBe('C:\\Data\nC:\\Data\\Logs\n');
    await mb(db, 'files', 'rm', 'C:\\Data');
    expect((await mb(db, 'files', 'C:\\Data')).exit).toBe(1);
    expect((await mb(db, 'files', 'rm', 'C:\\Nope')).stderr).toContain('no such directory');
  });

  test('events filters by log, source, id and time', async ({ db }) => {
    await regiis(db, '--now', '2026-01-01T00:00:00Z', '-sn', 'W3SVC/1/ROOT');
    await regiis(db, '--now', '2026-02-01T00:00:00Z', '-i');
    const all = JSON.parse((await mb(db, 'events', '--json')).stdout) as { event_id: number }[];
    expect(all.map((e) => e.event_id)).toEqual([1023, 1025, 1017, 1031, 1019, 1023, 1025]);
    expect((await mb(db, 'events', '--source', 'w3svc')).stdout.trim().split('\n')).toHaveLength(4);
    expect((await mb(db, 'events', '--since', '2026-01-15T00:00:00Z', '--id', '1023')).stdout.trim().split('\n')).toHaveLength(1);
    expect((await mb(db, 'events', '--since', 'nosuchsnapshot')).exit).toBe(1);
  });

  test('bad input changes nothing and says why in one line', async ({ db }) => {
    await mb(db, 'profiles');
    await regiis(db, '-lk');
    const before = dump(db);
    for (const args of [
      ['vdir', 'add', 'W3SVC/9/ROOT/X', '--path', 'C:\\x'],
      ['vdir', 'add', 'W3SVC/1/ROOT', '--path', 'C:\\x'],
      ['pool', 'assign', 'W3SVC/1/ROOT', 'Nope'],
      ['set', 'W3SVC/404', 'Path', 'x'],
      ['nonsense'],
      ['site'],
    ]) {
      const out = await mb(db, ...args);
      expect(out.exit, args.join(' ')).toBe(1);
      expect(out.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(dump(db)).toBe(before);
  });

  test('delete refuses a pool that applications still run in, as IIS Manager does', async ({ db }) => {
    await mb(db, 'pool', 'add', 'Shop');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Shop', '--path', 'C:\\Inetpub\\Shop', '--app', '--pool', 'Shop');
    const before = dump(db);
    const refused = await mb(db, 'delete', 'W3SVC/AppPools/Shop');
    expect(refused.exit).toBe(1);
    expect(refused.stderr).toBe('metabase: application pool Shop still has applications (W3SVC/1/ROOT/Shop): assign them another pool first\n');
    expect((await mb(db, 'delete', 'W3SVC/AppPools')).stderr).toContain('DefaultAppPool still has applications');
    expect(dump(db)).toBe(before);
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/Shop', 'DefaultAppPool');
    expect((await mb(db, 'delete', 'W3SVC/AppPools/Shop')).exit).toBe(0);
  });
});
