import { describe, expect, it } from 'vitest';
import { type Finding, type StrippedRecord, checkFails, checkMachine } from '../../src/iis/check.js';
import { EMPTY_RUNTIME, type Runtime, recycleApplications } from '../../src/iis/runtime.js';
import { serve } from '../../src/iis/request.js';
import { poolOf } from '../../src/iis/admin.js';
import { recycledApplications } from '../../src/iis/recycle.js';
import { Draft, type MachineState } from '../../src/machine/machine.js';
import { strippedPath } from '../../src/machine/events.js';
import { runTool } from '../../src/regiis/tool.js';
import { installFramework } from '../../src/regiis/setup.js';
import { setExtensionAllowed } from '../../src/regiis/registration.js';
import {
  T0,
  app,
  assign,
  breakFramework,
  machine,
  mapTo,
  mode,
  playRequests,
  pool,
  req,
  set,
  site,
  strip,
} from '../support/runtime-builders.js';

const check = (state: MachineState, runtime: Runtime = EMPTY_RUNTIME, stripped: StrippedRecord[] = []): Finding[] => checkMachine({ state, runtime, stripped });
const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code);
const withCode = (findings: readonly Finding[], code: string): Finding[] => findings.filter((f) => f.code === code);

const V11 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll';
const V20 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll';

/** Scenario 02: an application pinned to 1.1 under a 2.0 root, both in DefaultAppPool. */
const pinned = (...more: Parameters<typeof machine>[1][]) => machine('win2003-net20', app('W3SVC/1/ROOT/Legacy'), mapTo('W3SVC/1/ROOT/Legacy', '1.1'), ...more);

describe('check: the profiles are clean', () => {
  it.each(['win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare'] as const)('%s has no findings', (profile) => {
    expect(check(machine(profile))).toEqual([]);
  });
});

describe('check: two CLRs in one pool (IIS 6 worker process isolation)', () => {
  it('is an error naming the pool, the versions and each application, in the exact form', () => {
    const [finding] = withCode(check(pinned()), 'pool-clr-conflict');
    expect(finding).toMatchObject({
      severity: 'error',
      text: 'pool DefaultAppPool: applications on CLR 1.1.4322 and 2.0.50727 (event 1062 waiting to happen): W3SVC/1/ROOT (2.0.50727), W3SVC/1/ROOT/Legacy (1.1.4322)',
      pools: ['DefaultAppPool'],
      versions: ['1.1.4322', '2.0.50727'],
      keys: ['W3SVC/1/ROOT', 'W3SVC/1/ROOT/Legacy'],
    });
    expect(finding!.fix).toContain('metabase pool assign');
  });

  it('names three versions as X, Y and Z', () => {
    const state = machine('win2003-net40', app('W3SVC/1/ROOT/Legacy'), mapTo('W3SVC/1/ROOT/Legacy', '1.1'), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'));
    expect(withCode(check(state), 'pool-clr-conflict')[0]!.text).toContain('applications on CLR 1.1.4322, 2.0.50727 and 4.0.30319 (event 1062');
  });

  it('is gone once the application has a pool of its own', () => {
    expect(codes(check(pinned(pool('Legacy11'), assign('W3SVC/1/ROOT/Legacy', 'Legacy11'))))).not.toContain('pool-clr-conflict');
  });

  it('applications without ASP.NET do not count', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/Static'), set('W3SVC/1/ROOT/Static', 'ScriptMaps', '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5'));
    expect(codes(check(state))).not.toContain('pool-clr-conflict');
  });

  it('is not reported in IIS 5 isolation mode, nor on IIS 5', () => {
    expect(codes(check(pinned(mode('iis6-iis5-isolation'))))).not.toContain('pool-clr-conflict');
    const iis5 = machine('win2000', (d) => void installFramework(d, '2.0.50727', true), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '2.0'));
    expect(check(iis5)).toEqual([]);
  });
});

describe('check: versions that cannot run', () => {
  it('an application mapped to a version that is not registered is an error', () => {
    const state = machine('win2003', set('W3SVC/1/ROOT', 'ScriptMaps', `.aspx,${V20},1`));
    expect(withCode(check(state), 'version-not-registered')).toEqual([
      expect.objectContaining({
        severity: 'error',
        text: 'W3SVC/1/ROOT is mapped to ASP.NET 2.0.50727, which is not registered with IIS (aspnet_regiis -lv does not list it)',
        fix: 'map it to a registered version (aspnet_regiis --framework 1.1.4322 -s W3SVC/1/ROOT)',
        keys: ['W3SVC/1/ROOT'],
        versions: ['2.0.50727'],
      }),
    ]);
    // Not also reported as prohibited: the missing registration is the cause.
    expect(codes(check(state))).not.toContain('extension-prohibited');
  });

  it('suggests registering a version that is installed but not registered', () => {
    const state = machine('win2003', (d) => void installFramework(d, '2.0.50727', true), (d) => d.setFramework({ ...d.state.frameworks.get('2.0.50727')!, registered: false }), set('W3SVC/1/ROOT', 'ScriptMaps', `.aspx,${V20},1`));
    expect(withCode(check(state), 'version-not-registered')[0]!.fix).toContain('register 2.0.50727 (aspnet_regiis --framework 2.0.50727 -ir)');
  });

  it('an application mapped to a version whose files are missing is an error', () => {
    const [finding] = withCode(check(machine('win2003-net20', breakFramework('2.0'))), 'version-files-missing');
    expect(finding).toMatchObject({ severity: 'error', keys: ['W3SVC/1/ROOT'], versions: ['2.0.50727'] });
    expect(finding!.text).toContain('whose files are missing (aspnet_regiis -lv shows it Invalid)');
    expect(codes(check(machine('win2003-net20', breakFramework('1.1'))))).not.toContain('version-files-missing');
  });

  it('an application on a version whose Web Service Extension is prohibited is an error (404.2)', () => {
    const state = machine('win2003-net40', app('W3SVC/1/ROOT/New'), pool('V4'), assign('W3SVC/1/ROOT/New', 'V4'), mapTo('W3SVC/1/ROOT/New', '4.0'));
    expect(withCode(check(state), 'extension-prohibited')).toEqual([
      expect.objectContaining({
        severity: 'error',
        text: 'W3SVC/1/ROOT/New runs on ASP.NET 4.0.30319, whose Web Service Extension ASP.NET v4.0.30319 is prohibited: its requests get HTTP 404.2',
        fix: expect.stringContaining('aspnet_regiis --framework 4.0.30319 -ir -enable'),
      }),
    ]);
    const allowed = machine('win2003-net40', app('W3SVC/1/ROOT/New'), pool('V4'), assign('W3SVC/1/ROOT/New', 'V4'), mapTo('W3SVC/1/ROOT/New', '4.0'), (d) => setExtensionAllowed(d, '4.0.30319', true));
    expect(codes(check(allowed))).not.toContain('extension-prohibited');
    const iis5 = machine('win2000', (d) => void installFramework(d, '4.0.30319', true), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'));
    expect(codes(check(iis5))).not.toContain('extension-prohibited');
  });

  it('the 1.x fix does not offer -enable, which the 1.x tools lack', () => {
    const state = machine('win2003', (d) => setExtensionAllowed(d, '1.1.4322', false));
    expect(withCode(check(state), 'extension-prohibited')[0]!.fix).toContain('the 1.x tool has no -enable');
  });

  const aspNet10 = (...steps: Parameters<typeof machine>[1][]) =>
    machine(
      'win2003',
      (d) => void installFramework(d, '1.0.3705', true),
      set('W3SVC', 'WebSvcExtRestrictionList', `1,${V11},0,ASP.NET v1.1.4322,ASP.NET v1.1.4322`, '1,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.0.3705\\aspnet_isapi.dll,0,ASP.NET v1.0.3705,ASP.NET v1.0.3705'),
      app('W3SVC/1/ROOT/Old'),
      mapTo('W3SVC/1/ROOT/Old', '1.0'),
      pool('Old'),
      assign('W3SVC/1/ROOT/Old', 'Old'),
      ...steps,
    );

  it('ASP.NET 1.0 applications on IIS 6 in worker process isolation mode are an error', () => {
    expect(check(aspNet10())).toEqual([
      expect.objectContaining({ severity: 'error', code: 'aspnet10-worker-isolation', keys: ['W3SVC/1/ROOT/Old'], fix: expect.stringContaining('metabase mode iis6-iis5-isolation') }),
      // 1.0 under 1.1 is older under newer.
      expect.objectContaining({ code: 'older-under-newer' }),
    ]);
    expect(codes(check(aspNet10(mode('iis6-iis5-isolation'))))).toEqual(['older-under-newer']);
  });
});

describe('check: nesting', () => {
  it('an application on an older version under one on a newer version is a warning', () => {
    expect(withCode(check(pinned()), 'older-under-newer')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        text: 'W3SVC/1/ROOT/Legacy (ASP.NET 1.1.4322) is nested under W3SVC/1/ROOT (ASP.NET 2.0.50727): it inherits a web.config it cannot read',
        keys: ['W3SVC/1/ROOT/Legacy', 'W3SVC/1/ROOT'],
      }),
    ]);
  });

  it('looks past applications without ASP.NET to the nearest one above that causes it, and reports once', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/Mid'), set('W3SVC/1/ROOT/Mid', 'ScriptMaps', ''), app('W3SVC/1/ROOT/Mid/Old'), mapTo('W3SVC/1/ROOT/Mid/Old', '1.1'), app('W3SVC/1/ROOT/Mid/Old/Inner'));
    const found = withCode(check(state), 'older-under-newer');
    expect(found.map((f) => f.keys)).toEqual([
      ['W3SVC/1/ROOT/Mid/Old', 'W3SVC/1/ROOT'],
      ['W3SVC/1/ROOT/Mid/Old/Inner', 'W3SVC/1/ROOT'],
    ]);
  });

  it('a newer application under an older one is fine; so are applications in different sites', () => {
    const newer = machine('win2003-net20', mapTo('W3SVC/1/ROOT', '1.1'), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '2.0'), pool('New'), assign('W3SVC/1/ROOT/New', 'New'));
    expect(check(newer)).toEqual([]);
    const sites = machine('win2003-net20', site('Old', 2, ':8080:'), mapTo('W3SVC/2/ROOT', '1.1'), pool('Old'), assign('W3SVC/2/ROOT', 'Old'));
    expect(check(sites)).toEqual([]);
  });

  it('a 4.0 application under a 2.0 one is a warning of its own', () => {
    const state = machine('win2003-net40', app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'), pool('V4'), assign('W3SVC/1/ROOT/New', 'V4'), (d) => setExtensionAllowed(d, '4.0.30319', true));
    expect(check(state)).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'v4-under-v2', keys: ['W3SVC/1/ROOT/New', 'W3SVC/1/ROOT'], fix: expect.stringContaining('inheritInChildApplications="false"') }),
    ]);
    const under11 = machine('win2003-net40', mapTo('W3SVC/1/ROOT', '1.1'), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'), pool('V4'), assign('W3SVC/1/ROOT/New', 'V4'), (d) => setExtensionAllowed(d, '4.0.30319', true));
    expect(check(under11)).toEqual([]);
  });
});

describe('check: keys stripped of ASP.NET (from the audit log)', () => {
  const record = (path: string): StrippedRecord => ({ path, command: 'aspnet_regiis (2.0.50727) -u', time: T0 });

  it('a key that lost its entries and still serves ASP.NET files as text is a warning', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'), strip('W3SVC/1/ROOT/App'));
    expect(check(state, EMPTY_RUNTIME, [record('/LM/W3SVC/1/ROOT/App')])).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'stripped-served-as-text',
        text: 'W3SVC/1/ROOT/App lost its ASP.NET entries (aspnet_regiis (2.0.50727) -u, 2026-01-01T00:00:00.000Z): IIS serves .aspx and other ASP.NET files there as plain text (source code exposed)',
        fix: 'map a version there (aspnet_regiis --framework 2.0.50727 -s W3SVC/1/ROOT/App), or take the ASP.NET files off it',
      }),
    ]);
  });

  it('is reported once per key, even when stripped twice', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'), strip('W3SVC/1/ROOT/App'));
    expect(check(state, EMPTY_RUNTIME, [record('/LM/W3SVC/1/ROOT/App'), record('/lm/w3svc/1/root/app')])).toHaveLength(1);
  });

  it('is gone when the key runs ASP.NET again, inherits it again, or no longer exists', () => {
    const remapped = machine('win2003-net20', app('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'), strip('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'));
    expect(check(remapped, EMPTY_RUNTIME, [record('/LM/W3SVC/1/ROOT/App')])).toEqual([]);
    const inherits = machine('win2003-net20', app('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'), strip('W3SVC/1/ROOT/App'), (d) => d.deleteProperty('/LM/W3SVC/1/ROOT/App', 'ScriptMaps'));
    expect(check(inherits, EMPTY_RUNTIME, [record('/LM/W3SVC/1/ROOT/App')])).toEqual([]);
    expect(check(machine('win2003-net20'), EMPTY_RUNTIME, [record('/LM/W3SVC/1/ROOT/Gone')])).toEqual([]);
  });

  it.each([
    ['-k', 'k', 'W3SVC/1/ROOT'],
    ['-kn', 'kn', 'W3SVC/1/ROOT'],
    ['-ua', 'ua', undefined],
    ['-u', 'u', undefined],
  ] as const)('aspnet_regiis %s leaves a stripped note per key that lost its entries', (typed, action, argument) => {
    const d = new Draft(machine('win2003-net20', mapTo('W3SVC/1/ROOT', '2.0')));
    const outcome = runTool(d, { action, typed, argument, extension: undefined, norestart: false }, '2.0.50727');
    const stripped = outcome.notes.map(strippedPath).filter((p) => p !== undefined);
    // -u with 1.1 still registered: 2.0 is not compatible with it, so the lists are stripped too.
    expect(stripped).toEqual(action === 'kn' ? ['/LM/W3SVC/1/ROOT'] : action === 'k' ? ['/LM/W3SVC/1/ROOT'] : ['/LM/W3SVC', '/LM/W3SVC/1/ROOT']);
  });

  it('-u that moves lists to a compatible version strips nothing', () => {
    const d = new Draft(machine('win2003-net20', (x) => void installFramework(x, '1.0.3705', true), app('W3SVC/1/ROOT/Old'), mapTo('W3SVC/1/ROOT/Old', '1.1')));
    const outcome = runTool(d, { action: 'u', typed: '-u', argument: undefined, extension: undefined, norestart: false }, '1.1.4322');
    expect(outcome.notes.filter((n) => n.kind === 'stripped')).toEqual([]);
  });
});

describe('check: mixed lists', () => {
  it('a list naming two ASP.NET versions is a warning', () => {
    const state = machine('win2003-net20', set('W3SVC/1/ROOT', 'ScriptMaps', `.aspx,${V11},1`, `.asmx,${V20},1`));
    expect(withCode(check(state), 'mixed-scriptmaps')).toEqual([
      expect.objectContaining({ severity: 'warning', keys: ['W3SVC/1/ROOT'], versions: ['1.1.4322', '2.0.50727'], fix: 'map the key to one version (aspnet_regiis --framework 2.0.50727 -sn W3SVC/1/ROOT)' }),
    ]);
    expect(codes(check(machine('win2003-net20', set('W3SVC/1/ROOT', 'ScriptMaps', `.aspx,${V20},1`, `.asmx,${V20},1`))))).not.toContain('mixed-scriptmaps');
  });
});

describe('check: worker processes left behind by -norestart (scenario 09)', () => {
  /** Plays scenario 09 on the pure model: a request, then -norestart -s to 1.1, recycling as commitRun does. */
  function norestart(): { state: MachineState; runtime: Runtime } {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'));
    const { runtime } = playRequests(state, ['http://localhost/App/default.aspx']);
    const d = new Draft(state);
    const outcome = runTool(d, { action: 's', typed: '-s', argument: 'W3SVC/1/ROOT/App', extension: undefined, norestart: true }, '1.1.4322');
    expect(outcome.restarted).toBe(false);
    const recycled = recycledApplications(d, false);
    const command = 'aspnet_regiis (1.1.4322) -norestart -s W3SVC/1/ROOT/App';
    return { state, runtime: recycleApplications(runtime, recycled, { command, time: T0, poolOf: (a) => poolOf(state.metabase, a)?.name }) };
  }

  it('a worker that loaded its CLR before the change is reported, naming -norestart and the 1062 to come', () => {
    const { state, runtime } = norestart();
    const [finding] = withCode(check(state, runtime), 'outdated-worker');
    expect(finding).toMatchObject({ severity: 'info', pools: ['DefaultAppPool'], keys: ['W3SVC/1/ROOT/App'], versions: ['2.0.50727', '1.1.4322'] });
    expect(finding!.text).toContain('-norestart');
    expect(finding!.text).toBe(
      'w3wp.exe #1 of pool DefaultAppPool (started 2026-01-01T00:00:00.000Z) still runs CLR 2.0.50727, loaded before a change made without a restart (-norestart): aspnet_regiis (1.1.4322) -norestart -s W3SVC/1/ROOT/App changed W3SVC/1/ROOT/App (now ASP.NET 1.1.4322); requests to W3SVC/1/ROOT/App will get 503 and event 1062 until it stops',
    );
    expect(serve(state, runtime, req('http://localhost/App/default.aspx'), T0).response.line).toBe(
      '503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 2.0.50727)',
    );
  });

  it('a worker started after the change, or none at all, is not reported', () => {
    const { state } = norestart();
    expect(codes(check(state))).not.toContain('outdated-worker');
    const fresh = playRequests(state, ['http://localhost/App/default.aspx']).runtime;
    expect(codes(check(state, fresh))).not.toContain('outdated-worker');
  });
});

describe('check: order and exit', () => {
  it('errors come first, then warnings, then information', () => {
    const state = pinned(set('W3SVC', 'ScriptMaps', `.aspx,${V11},1`, `.asmx,${V20},1`));
    expect(check(state).map((f) => `${f.severity} ${f.code}`)).toEqual(['error pool-clr-conflict', 'warning older-under-newer', 'warning mixed-scriptmaps']);
  });

  it('fails on an error; on a warning only when strict; never on information', () => {
    const f = (severity: Finding['severity']): Finding => ({ severity, code: 'x', text: 't', fix: 'f', keys: [], pools: [], versions: [] });
    expect(checkFails([f('error')], false)).toBe(true);
    expect(checkFails([f('warning')], false)).toBe(false);
    expect(checkFails([f('warning')], true)).toBe(true);
    expect(checkFails([f('info')], true)).toBe(false);
    expect(checkFails([], true)).toBe(false);
  });
});
