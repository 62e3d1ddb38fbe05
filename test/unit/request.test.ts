import { describe, expect, it } from 'vitest';
import { serve } from '../../src/iis/request.js';
import { EMPTY_RUNTIME, restart } from '../../src/iis/runtime.js';
import { deleteApplication } from '../../src/iis/admin.js';
import { installFramework } from '../../src/regiis/setup.js';
import { EVENT_TEXT } from '../../src/regiis/messages.js';
import {
  T0,
  app,
  assign,
  breakFramework,
  lines,
  machine,
  mapTo,
  mode,
  playRequests,
  pool,
  req,
  rmdir,
  set,
  site,
  strip,
  vdir,
} from '../support/runtime-builders.js';

const only = (state: Parameters<typeof serve>[0], url: string, verb = 'GET', ip?: string) => serve(state, EMPTY_RUNTIME, req(url, verb, ip), T0);

describe('request: the site', () => {
  it('no binding takes the request: 404, nothing starts', () => {
    const outcome = only(machine('win2003'), 'http://www.example.com:81/x.aspx');
    expect(outcome.response.line).toBe('404 no site is bound to www.example.com:81');
    expect(outcome.response.status).toBe('404');
    expect(outcome.runtime.workers).toEqual([]);
    expect(outcome.notes).toEqual([]);
  });

  it('host headers choose between sites on one port', () => {
    const state = machine('win2003-net20', site('Shop', 2, ':80:shop.example.com', 'C:\\Sites\\Shop'));
    expect(only(state, 'http://shop.example.com/a.aspx').response).toMatchObject({ site: '/LM/W3SVC/2', key: '/LM/W3SVC/2/ROOT', binding: ':80:shop.example.com' });
    expect(only(state, 'http://localhost/a.aspx').response).toMatchObject({ site: '/LM/W3SVC/1', binding: ':80:' });
  });

  it('a site bound to one address is reached through it only (--ip for a name)', () => {
    const state = machine('win2003', set('W3SVC/1', 'ServerBindings', '10.0.0.5:80:'));
    expect(only(state, 'http://localhost/a.aspx').response.status).toBe('404');
    expect(only(state, 'http://10.0.0.5/a.aspx').response.status).toBe('200');
    expect(only(state, 'http://intranet/a.aspx', 'GET', '10.0.0.5').response.status).toBe('200');
  });

  it('a site without a ROOT key answers 404', () => {
    const state = machine('win2003', (d) => d.deleteKey('/LM/W3SVC/1/ROOT'));
    expect(only(state, 'http://localhost/a.aspx').response.line).toBe('404 site W3SVC/1 has no ROOT key');
  });
});

describe('request: the key, its folder and the file', () => {
  it('the longest matching key answers; a key whose folder is missing answers 404 and starts nothing', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), rmdir('C:\\Inetpub\\App'));
    const outcome = only(state, 'http://localhost/App/default.aspx');
    expect(outcome.response.line).toBe('404 not found: the folder C:\\Inetpub\\App of W3SVC/1/ROOT/App does not exist');
    expect(outcome.response.key).toBe('/LM/W3SVC/1/ROOT/App');
    expect(outcome.runtime.workers).toEqual([]);
    expect(only(state, 'http://localhost/default.aspx').response.status).toBe('200');
  });

  it('a folder gets its default document; without one, 403.14', () => {
    const state = machine('win2003');
    expect(only(state, 'http://localhost/').response).toMatchObject({ line: '200 served as a static file (Default.htm)', file: 'Default.htm' });
    const aspxFirst = machine('win2003', set('W3SVC', 'DefaultDoc', 'Default.aspx,Default.htm'));
    expect(only(aspxFirst, 'http://localhost/').response.line).toBe('200 served by ASP.NET 1.1.4322 in w3wp.exe (pool DefaultAppPool)');
    const none = machine('win2003', set('W3SVC', 'DefaultDoc', ''));
    expect(only(none, 'http://localhost/').response.line).toBe('403.14 directory listing denied: W3SVC/1/ROOT has no default document');
  });
});

describe('request: the application', () => {
  it('is the nearest application at or above the key; a plain folder belongs to the one above it', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), vdir('W3SVC/1/ROOT/App/Sub'));
    expect(only(state, 'http://localhost/App/Sub/x.aspx').response).toMatchObject({ key: '/LM/W3SVC/1/ROOT/App/Sub', application: '/LM/W3SVC/1/ROOT/App' });
    expect(only(state, 'http://localhost/x.aspx').response.application).toBe('/LM/W3SVC/1/ROOT');
  });

  it('nested applications in one pool get one AppDomain each in the same worker process', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'));
    const { runtime } = playRequests(state, ['http://localhost/a.aspx', 'http://localhost/App/a.aspx', 'http://localhost/App/b.aspx']);
    expect(runtime.workers).toHaveLength(1);
    expect(runtime.workers[0]!.appDomains.map((a) => a.application)).toEqual(['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/App']);
  });

  it('ASP.NET needs an application: without one, 500', () => {
    const state = machine('win2003', (d) => void deleteApplication(d, 'W3SVC/1/ROOT'));
    expect(only(state, 'http://localhost/a.aspx').response.line).toBe('500 no application at or above W3SVC/1/ROOT: ASP.NET runs only inside one');
    expect(only(state, 'http://localhost/a.htm').response.status).toBe('200');
  });
});

describe('request: the pool (IIS 6 worker process isolation)', () => {
  it('the application\'s pool serves it; its w3wp.exe starts on the first request, whatever it asks for', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), pool('AppPool2'), assign('W3SVC/1/ROOT/App', 'AppPool2'));
    const outcome = only(state, 'http://localhost/App/a.htm');
    expect(outcome.response).toMatchObject({ pool: 'AppPool2', process: { id: 1, image: 'w3wp.exe', pool: 'AppPool2', clr: null } });
    expect(outcome.notes.map((n) => n.text)).toEqual(['started w3wp.exe #1 (pool AppPool2)']);
    expect(only(state, 'http://localhost/App/a.aspx').response.line).toBe('200 served by ASP.NET 2.0.50727 in w3wp.exe (pool AppPool2)');
  });

  it('a pool that does not exist answers 503 and starts nothing', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), set('W3SVC/1/ROOT/App', 'AppPoolId', 'Gone'));
    const outcome = only(state, 'http://localhost/App/a.aspx');
    expect(outcome.response.line).toBe('503 Service Unavailable (application pool Gone does not exist)');
    expect(outcome.runtime.workers).toEqual([]);
  });
});

describe('request: the handler', () => {
  it('an ASP.NET extension without a script map is sent as plain text (after -k)', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/App'), mapTo('W3SVC/1/ROOT/App', '2.0'), strip('W3SVC/1/ROOT/App'));
    expect(only(state, 'http://localhost/App/default.aspx').response.line).toBe('200 served as plain text: no script map for .aspx (source code exposed)');
    expect(only(state, 'http://localhost/App/web.config').response.line).toBe('200 served as plain text: no script map for .config (source code exposed)');
  });

  it('a verb the entry does not pass answers 405; a static file takes GET and HEAD only', () => {
    const state = machine('win2003-net20');
    expect(only(state, 'http://localhost/a.aspx', 'PUT').response.line).toBe('405 PUT is not allowed for .aspx: its script map passes only GET,HEAD,POST,DEBUG');
    expect(only(state, 'http://localhost/a.aspx', 'post').response.status).toBe('200');
    expect(only(state, 'http://localhost/a.htm', 'POST').response.line).toBe('405 POST is not allowed for a static file (a.htm)');
    expect(only(state, 'http://localhost/a.htm', 'HEAD').response.status).toBe('200');
  });

  it('an entry that names no verbs passes every verb', () => {
    const state = machine('win2003-net20', set('W3SVC/1/ROOT', 'ScriptMaps', '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1'));
    expect(only(state, 'http://localhost/a.aspx', 'PROPFIND').response.status).toBe('200');
  });

  it('an extension ASP.NET refuses to serve answers 403, from ASP.NET (its CLR loads)', () => {
    const outcome = only(machine('win2003-net20'), 'http://localhost/web.config');
    expect(outcome.response.line).toBe('403 forbidden by ASP.NET 2.0.50727 in w3wp.exe (pool DefaultAppPool): this type of page (.config) is not served');
    expect(outcome.runtime.workers[0]!.clr).toBe('2.0.50727');
  });

  it('in a mixed list each entry runs on its own version', () => {
    const state = machine('win2003-net20', set('W3SVC/1/ROOT', 'ScriptMaps', '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll,1', '.asmx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1'));
    expect(lines(playRequests(state, ['http://localhost/a.aspx', 'http://localhost/a.asmx']).outcomes)).toEqual([
      '200 served by ASP.NET 1.1.4322 in w3wp.exe (pool DefaultAppPool)',
      '503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 1.1.4322)',
    ]);
  });
});

describe('request: Web Service Extensions (IIS 6)', () => {
  it('a prohibited ASP.NET version answers 404.2, in both isolation modes, before any CLR loads', () => {
    const state = machine('win2003-net40', app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'));
    const outcome = only(state, 'http://localhost/New/a.aspx');
    expect(outcome.response.line).toBe('404.2 Web Service Extension ASP.NET v4.0.30319 is prohibited');
    expect(outcome.runtime.workers[0]!.clr).toBeUndefined();
    const isolation = machine('win2003-net40', app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '4.0'), mode('iis6-iis5-isolation'));
    expect(only(isolation, 'http://localhost/New/a.aspx').response.status).toBe('404.2');
  });

  it('other programs too: ASP is prohibited by default; an allowed one serves', () => {
    expect(only(machine('win2003'), 'http://localhost/a.asp').response.line).toBe('404.2 Web Service Extension Active Server Pages is prohibited');
    const allowed = machine('win2003', set('W3SVC/1/ROOT', 'ScriptMaps', '.php,C:\\php\\php5isapi.dll,5'), set('W3SVC', 'WebSvcExtRestrictionList', '1,*.dll'));
    expect(only(allowed, 'http://localhost/a.php').response.line).toBe('200 served by php5isapi.dll in w3wp.exe (pool DefaultAppPool)');
  });

  it('a version that is not registered has no extension of its own: All Unknown ISAPI Extensions, 404.2', () => {
    const state = machine('win2003', set('W3SVC/1/ROOT', 'ScriptMaps', '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1'));
    expect(only(state, 'http://localhost/a.aspx').response.line).toBe('404.2 Web Service Extension All Unknown ISAPI Extensions is prohibited');
  });

  it('IIS 5 has no Web Service Extensions', () => {
    const state = machine('win2000', set('W3SVC/1/ROOT', 'ScriptMaps', '.asp,C:\\WINNT\\system32\\inetsrv\\asp.dll,5'));
    expect(only(state, 'http://localhost/a.asp').response.line).toBe('200 served by asp.dll');
  });
});

describe('request: ASP.NET files and versions', () => {
  it('a version whose aspnet_isapi.dll is missing answers 500', () => {
    const outcome = only(machine('win2003-net20', breakFramework('2.0')), 'http://localhost/a.aspx');
    expect(outcome.response.line).toBe('500 cannot load C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll: the file is missing');
    expect(outcome.runtime.workers[0]!.clr).toBeUndefined();
  });

  it('a version never installed answers 500 on IIS 5 (no extension list stops it first)', () => {
    const state = machine('win2000', set('W3SVC/1/ROOT', 'ScriptMaps', '.aspx,C:\\WINNT\\Microsoft.NET\\Framework\\v2.0.40607\\aspnet_isapi.dll,1'));
    expect(only(state, 'http://localhost/a.aspx').response.line).toBe('500 cannot load C:\\WINNT\\Microsoft.NET\\Framework\\v2.0.40607\\aspnet_isapi.dll: the file is missing');
  });

  it('a version that is installed but not registered answers 500 where no Web Service Extension stops it first', () => {
    const state = machine(
      'win2000',
      (d) => void installFramework(d, '2.0.50727', true),
      (d) => d.setFramework({ ...d.state.frameworks.get('2.0.50727')!, registered: false }),
      set('W3SVC/1/ROOT', 'ScriptMaps', '.aspx,C:\\WINNT\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1'),
    );
    const outcome = only(state, 'http://localhost/a.aspx');
    expect(outcome.response.line).toBe('500 ASP.NET 2.0.50727 is not registered with IIS (aspnet_regiis -lv does not list it)');
    expect(outcome.runtime.workers).toEqual([]);
    expect(only(machine('win2000'), 'http://localhost/a.aspx').response.status).toBe('200');
  });

  const withAspNet10 = (...steps: Parameters<typeof machine>[1][]) =>
    machine(
      'win2003',
      (d) => void installFramework(d, '1.0.3705', true),
      set('W3SVC', 'WebSvcExtRestrictionList', '1,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.0.3705\\aspnet_isapi.dll,0,ASP.NET v1.0.3705,ASP.NET v1.0.3705'),
      app('W3SVC/1/ROOT/Old'),
      mapTo('W3SVC/1/ROOT/Old', '1.0'),
      ...steps,
    );

  it('ASP.NET 1.0 does not run in IIS 6 worker process isolation: 503', () => {
    expect(only(withAspNet10(), 'http://localhost/Old/a.aspx').response.line).toBe(
      '503 Server Application Unavailable (ASP.NET 1.0.3705 runs on IIS 6 only in IIS 5 isolation mode)',
    );
  });

  it('ASP.NET 1.0 runs in IIS 5 isolation mode, in its own aspnet_wp.exe', () => {
    expect(only(withAspNet10(mode('iis6-iis5-isolation')), 'http://localhost/Old/a.aspx').response.line).toBe('200 served by ASP.NET 1.0.3705 in aspnet_wp.exe');
  });
});

describe('request: worker processes and CLRs', () => {
  const race = () => machine('win2003-net20', app('W3SVC/1/ROOT/Old'), mapTo('W3SVC/1/ROOT/Old', '1.1'));

  it('IIS 6: the first ASP.NET request loads the pool\'s CLR; another version gets 503 and event 1062 (scenario 08)', () => {
    const first = playRequests(race(), ['http://localhost/default.aspx', 'http://localhost/Old/default.aspx']);
    expect(lines(first.outcomes)).toEqual([
      '200 served by ASP.NET 2.0.50727 in w3wp.exe (pool DefaultAppPool)',
      '503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 2.0.50727)',
    ]);
    expect(first.outcomes[1]!.events).toEqual([{ source: 'ASP.NET 1.1.4322.0', eventId: 1062, type: 'Error', text: EVENT_TEXT[1062]() }]);
    expect(first.runtime.workers[0]!.appDomains.map((a) => a.application)).toEqual(['/LM/W3SVC/1/ROOT']);
  });

  it('IIS 6: after a restart, whichever application is hit first wins', () => {
    const state = race();
    const before = playRequests(state, ['http://localhost/default.aspx']).runtime;
    const after = playRequests(state, ['http://localhost/Old/default.aspx', 'http://localhost/default.aspx'], restart(before));
    expect(lines(after.outcomes)).toEqual([
      '200 served by ASP.NET 1.1.4322 in w3wp.exe (pool DefaultAppPool)',
      '503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 1.1.4322)',
    ]);
    expect(after.runtime.workers.map((w) => [w.id, w.clr])).toEqual([[2, '1.1.4322']]);
  });

  it('IIS 6: two pools, two processes, two CLRs', () => {
    const state = machine('win2003-net20', app('W3SVC/1/ROOT/Old'), mapTo('W3SVC/1/ROOT/Old', '1.1'), pool('Legacy'), assign('W3SVC/1/ROOT/Old', 'Legacy'));
    const { outcomes, runtime } = playRequests(state, ['http://localhost/default.aspx', 'http://localhost/Old/default.aspx']);
    expect(lines(outcomes)).toEqual(['200 served by ASP.NET 2.0.50727 in w3wp.exe (pool DefaultAppPool)', '200 served by ASP.NET 1.1.4322 in w3wp.exe (pool Legacy)']);
    expect(runtime.workers.map((w) => [w.image, w.pool, w.clr])).toEqual([
      ['w3wp.exe', 'DefaultAppPool', '2.0.50727'],
      ['w3wp.exe', 'Legacy', '1.1.4322'],
    ]);
  });

  it.each([
    ['iis6-iis5-isolation', () => machine('win2003-net20', app('W3SVC/1/ROOT/Old'), mapTo('W3SVC/1/ROOT/Old', '1.1'), mode('iis6-iis5-isolation'))],
    ['iis5', () => machine('win2000', (d) => void installFramework(d, '2.0.50727', true), app('W3SVC/1/ROOT/New'), mapTo('W3SVC/1/ROOT/New', '2.0'))],
  ])('%s: one aspnet_wp.exe per CLR, versions never clash', (_mode, build) => {
    const state = build();
    const urls = state.os === 'win2000' ? ['http://localhost/a.aspx', 'http://localhost/New/a.aspx', 'http://localhost/b.aspx'] : ['http://localhost/a.aspx', 'http://localhost/Old/a.aspx', 'http://localhost/b.aspx'];
    const { outcomes, runtime } = playRequests(state, urls);
    expect(outcomes.every((o) => o.response.status === '200' && o.response.line.endsWith('in aspnet_wp.exe'))).toBe(true);
    expect(runtime.workers.map((w) => [w.image, w.pool, w.clr])).toEqual(
      state.os === 'win2000'
        ? [
            ['aspnet_wp.exe', undefined, '1.1.4322'],
            ['aspnet_wp.exe', undefined, '2.0.50727'],
          ]
        : [
            ['aspnet_wp.exe', undefined, '2.0.50727'],
            ['aspnet_wp.exe', undefined, '1.1.4322'],
          ],
    );
  });

  it('IIS 5: a request that is not for ASP.NET starts no worker process', () => {
    const outcome = only(machine('win2000'), 'http://localhost/a.htm');
    expect(outcome.response).toMatchObject({ line: '200 served as a static file (a.htm)', process: null });
    expect(outcome.notes).toEqual([]);
  });

  it('a request that finds everything running changes nothing and logs nothing', () => {
    const state = machine('win2003-net20');
    const { runtime } = playRequests(state, ['http://localhost/a.aspx']);
    const again = serve(state, runtime, req('http://localhost/b.aspx'), T0);
    expect(again.notes).toEqual([]);
    expect(again.events).toEqual([]);
    expect(again.runtime).toEqual(runtime);
  });

  it('logs what it started, one audit line each', () => {
    const outcome = only(machine('win2003-net20'), 'http://localhost/a.aspx');
    expect(outcome.notes).toEqual([
      { kind: 'runtime', text: 'started w3wp.exe #1 (pool DefaultAppPool)' },
      { kind: 'runtime', text: 'w3wp.exe #1 (pool DefaultAppPool) loaded CLR 2.0.50727 for /LM/W3SVC/1/ROOT' },
      { kind: 'runtime', text: 'AppDomain of /LM/W3SVC/1/ROOT started in w3wp.exe #1 (pool DefaultAppPool) (CLR 2.0.50727)' },
    ]);
  });
});
