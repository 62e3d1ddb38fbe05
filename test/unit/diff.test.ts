import { describe, expect, it } from 'vitest';
import { Draft, cloneState } from '../../src/machine/machine.js';
import { comparePaths, diffMachines, diffWorkers, isEmptyDiff, scopeOf } from '../../src/machine/diff.js';
import { buildProfile } from '../../src/machine/profiles.js';
import { compareLists } from '../../src/metabase/scriptmaps.js';
import { snapshotNameProblem } from '../../src/machine/snapshot-name.js';
import { addPool, addVirtualDirectory, assignPool } from '../../src/iis/admin.js';
import { runTool } from '../../src/regiis/tool.js';
import { property } from '../../src/metabase/metabase.js';

const v11 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll';
const v20 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll';

describe('comparing lists entry by entry', () => {
  it('matches by extension: moved, added, dropped', () => {
    const before = ['.asp,asp.dll,5', `.aspx,${v11},1,GET`, `.asax,${v11},5`];
    const after = ['.asp,asp.dll,5', `.aspx,${v20},1,GET`, `.master,${v20},5`];
    expect(compareLists(before, after)).toEqual({
      moved: [{ before: `.aspx,${v11},1,GET`, after: `.aspx,${v20},1,GET` }],
      added: [`.master,${v20},5`],
      dropped: [`.asax,${v11},5`],
    });
  });

  it('a duplicate kept as it was is neither added nor dropped; a duplicate that goes is dropped', () => {
    const mixed = [`.aspx,${v11},1`, `.aspx,${v20},1`];
    expect(compareLists(mixed, mixed)).toEqual({ moved: [], added: [], dropped: [] });
    expect(compareLists(mixed, [`.aspx,${v11},1`])).toEqual({ moved: [], added: [], dropped: [`.aspx,${v20},1`] });
  });
});

describe('diffing machines', () => {
  it('orders paths by segment, parents first', () => {
    expect(['/LM/W3SVC/1/ROOT-x', '/LM/W3SVC/1/ROOT/App', '/LM/W3SVC/1/ROOT'].sort(comparePaths)).toEqual([
      '/LM/W3SVC/1/ROOT',
      '/LM/W3SVC/1/ROOT/App',
      '/LM/W3SVC/1/ROOT-x',
    ]);
  });

  it("scoped to a run's changes, it finds what the whole comparison finds (keys removed with their subtree, files)", () => {
    const state = buildProfile('win2003-net20');
    const setup = new Draft(state);
    addVirtualDirectory(setup, 'W3SVC/1/ROOT/App', 'C:\\App', true, undefined);
    addVirtualDirectory(setup, 'W3SVC/1/ROOT/App/Sub', 'C:\\App\\Sub', true, undefined);
    const before = cloneState(state);
    const d = new Draft(state);
    d.deleteKey('/LM/W3SVC/1/ROOT/App');
    runTool(d, { action: 'u', typed: '-u', argument: undefined, extension: undefined, norestart: false }, '2.0.50727');
    const scope = scopeOf(before, d.changes);
    expect(scope.keys.has('/lm/w3svc/1/root/app/sub')).toBe(true);
    const scoped = diffMachines(before, state, scope);
    expect(scoped).toEqual(diffMachines(before, state));
    expect(scoped.keys.map((k) => [k.path, k.change])).toContainEqual(['/LM/W3SVC/1/ROOT/App/Sub', 'removed']);
    expect(scoped.directories.removed.length).toBeGreaterThan(0);
  });

  it('a machine against its copy differs in nothing', () => {
    const state = buildProfile('win2003-net40');
    expect(isEmptyDiff(diffMachines(cloneState(state), state))).toBe(true);
  });

  it('a key pinned to an older version: its effective versions before and after, its entries, and its pool', () => {
    const state = buildProfile('win2003-net20');
    const d0 = new Draft(state);
    addVirtualDirectory(d0, 'W3SVC/1/ROOT/App', 'C:\\App', true, undefined);
    const before = cloneState(state);
    const d = new Draft(state);
    addPool(d, 'Legacy');
    assignPool(d, 'W3SVC/1/ROOT/App', 'Legacy');
    runTool(d, { action: 'sn', typed: '-sn', argument: 'W3SVC/1/ROOT/App', extension: undefined, norestart: false }, '1.1.4322');
    const diff = diffMachines(before, state);
    expect(diff.keys.map((k) => [k.path, k.change])).toEqual([
      ['/LM/W3SVC/1/ROOT/App', 'changed'],
      ['/LM/W3SVC/AppPools/Legacy', 'added'],
    ]);
    const app = diff.keys[0]!;
    expect(app.properties.map((p) => p.name)).toEqual(['AppPoolId', 'ScriptMaps']);
    expect(app.scriptMaps).toMatchObject({
      before: { version: '2.0.50727', inherited: true },
      after: { version: '1.1.4322', inherited: false },
    });
    expect(app.scriptMaps!.moved).toHaveLength(18);
    expect(app.scriptMaps!.dropped).toHaveLength(25);
    expect(app.scriptMaps!.added).toEqual([]);
    expect(diff.pools).toEqual([
      { pool: 'DefaultAppPool', change: 'changed', joined: [], left: ['/LM/W3SVC/1/ROOT/App'] },
      { pool: 'Legacy', change: 'added', joined: ['/LM/W3SVC/1/ROOT/App'], left: [] },
    ]);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('registrations, files, services and grants', () => {
    const state = buildProfile('win2003-net20');
    const before = cloneState(state);
    const d = new Draft(state);
    runTool(d, { action: 'u', typed: '-u', argument: undefined, extension: undefined, norestart: false }, '2.0.50727');
    runTool(d, { action: 'ga', typed: '-ga', argument: 'NETWORK SERVICE', extension: undefined, norestart: false }, '1.1.4322');
    const diff = diffMachines(before, state);
    expect(diff.frameworks).toEqual([
      { version: '2.0.50727', before: { installed: true, registered: true, isapiPresent: true }, after: { installed: true, registered: false, isapiPresent: true } },
    ]);
    expect(diff.services).toEqual({
      before: { stateService: '2.0.50727', perfCounters: '2.0.50727', aspnetAccount: true },
      after: { stateService: null, perfCounters: '1.1.4322', aspnetAccount: true },
    });
    expect(diff.directories.removed).toEqual(['C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727']);
    expect(diff.grants).toEqual({ added: [{ principal: 'NETWORK SERVICE', version: '1.1.4322' }], removed: [] });
    expect(diff.keys.find((k) => k.path === '/LM/W3SVC/Filters/ASP.NET_2.0.50727.0')?.change).toBe('removed');
  });

  it('a grant given twice changes nothing the second time', () => {
    const state = buildProfile('win2003-net20');
    const d = new Draft(state);
    d.grant('Network Service', '2.0.50727');
    const before = cloneState(state);
    const again = new Draft(state);
    again.grant('NETWORK SERVICE', '2.0.50727');
    expect(again.changed).toBe(false);
    expect(isEmptyDiff(diffMachines(before, state))).toBe(true);
  });

  it('a property set back to its value is no change; a changed attribute is one', () => {
    const state = buildProfile('win2003');
    const before = cloneState(state);
    const d = new Draft(state);
    d.setProperty('/LM/W3SVC/1', property('ServerComment', 'Other'));
    d.setProperty('/LM/W3SVC/1', property('ServerComment', 'Default Web Site'));
    expect(d.changed).toBe(true);
    expect(isEmptyDiff(diffMachines(before, state))).toBe(true);
  });

  it('worker processes: started, stopped, AppDomains loaded', () => {
    const w = (id: number, startedAt: string, apps: string[]) => ({ id, image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '2.0.50727', startedAt, appDomains: apps.map((path) => ({ path, clr: '2.0.50727' })) });
    expect(diffWorkers([w(1, 't1', ['/LM/W3SVC/1/ROOT'])], [w(1, 't1', ['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/App']), w(2, 't2', [])])).toEqual([
      { worker: { image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '2.0.50727', startedAt: 't1' }, change: 'changed', loaded: ['/LM/W3SVC/1/ROOT/App'], unloaded: [] },
      { worker: { image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '2.0.50727', startedAt: 't2' }, change: 'started', loaded: [], unloaded: [] },
    ]);
    // A restart ends a process; the next one may reuse its id but not its start time.
    expect(diffWorkers([w(1, 't1', [])], [w(1, 't3', [])]).map((x) => x.change)).toEqual(['stopped', 'started']);
  });
});

describe('snapshot names', () => {
  it.each(['before-upgrade', 'v2.0_ok', 'A1'])('%s is fine', (name) => expect(snapshotNameProblem(name)).toBeUndefined());
  it.each([
    ['a/b', '/'],
    ['..\\x', '\\'],
    ['c:x', ':'],
    ['..', 'not a name'],
    ['with space', 'spaces'],
    ['-flag', 'starts with a letter or digit'],
    ['2026-01-01', 'like a date'],
    ['', 'empty'],
    ['x'.repeat(65), 'at most 64'],
  ])('%s is refused (%s)', (name, why) => expect(snapshotNameProblem(name)).toContain(why));
});
