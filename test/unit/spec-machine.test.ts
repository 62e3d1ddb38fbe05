import { describe, expect, it } from 'vitest';
import { ROOT_PATH, asList, inherits, property } from '../../src/metabase/metabase.js';
import { entryVersion, formatEntry, isMixed, listVersion, moveList, parseEntry } from '../../src/metabase/scriptmaps.js';
import { iisMode, processorPath } from '../../src/machine/machine.js';
import { iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import { poolOf } from '../../src/iis/admin.js';
import { entryAccepts } from '../../src/iis/routing.js';
import { FRAMEWORK_VERSIONS, extensionsOf, facts, fourPart, parseFrameworkVersion } from '../../src/regiis/frameworks.js';
import { findExtensionEntry } from '../../src/regiis/registration.js';
import { installFramework, uninstallFramework } from '../../src/regiis/setup.js';
import { app, explicitList, lk, machine, tool } from '../support/builders.js';

/**
 * The fidelity audit of machine.md: one test per rule that no other test pins down exactly. Each `describe`
 * names the section of machine.md it checks.
 */

const ROOT = '/LM/W3SVC/1/ROOT';
const APP = `${ROOT}/App`;
const FW = 'C:\\WINDOWS\\Microsoft.NET\\Framework';
const isapi = (folder: string): string => `${FW}\\${folder}\\aspnet_isapi.dll`;
const table = (version: Parameters<typeof extensionsOf>[0]): string => extensionsOf(version).map((e) => `${e.extension}(${e.flag})`).join(' ');

const V1_TABLE =
  '.asax(5) .ascx(5) .ashx(1) .asmx(1) .aspx(1) .axd(1) .vsdisco(1) .rem(1) .soap(1) .config(5) .cs(5) .csproj(5) .vb(5) .vbproj(5) .webinfo(5) .licx(5) .resx(5) .resources(5)';
const V2_TABLE =
  `${V1_TABLE} .master(5) .skin(5) .compiled(5) .browser(5) .mdb(5) .jsl(5) .vjsproj(5) .sitemap(5) .msgx(1) ` +
  '.ad(5) .dd(5) .ldd(5) .sd(5) .cd(5) .adprototype(5) .lddprototype(5) .sdm(5) .sdmDocument(5) .ldb(5) .svc(1) ' +
  '.mdf(5) .ldf(5) .java(5) .exclude(5) .refresh(5)';
const V4_TABLE = `${V2_TABLE} .xoml(1) .xamlx(1) .rules(5) .aspq(5) .cshtm(5) .cshtml(5) .vbhtm(5) .vbhtml(5)`;

describe('machine.md §1: keys, properties, inheritance, applications', () => {
  it('ScriptMaps is ID 6014, MULTISZ and inherits; AppPoolId, AccessFlags and DefaultDoc inherit; ServerComment does not', () => {
    expect(property('ScriptMaps', [])).toMatchObject({ name: 'ScriptMaps', id: 6014, dataType: 'MULTISZ' });
    for (const name of ['ScriptMaps', 'AppPoolId', 'AccessFlags', 'DefaultDoc']) expect(inherits(property(name, 'x')), name).toBe(true);
    expect(inherits(property('ServerComment', 'x'))).toBe(false);
  });

  it('a key created under a path typed in another case takes the stored case of its parent', () => {
    const d = machine('win2003');
    expect(d.createKey('/lm/w3svc/1/root/New', 'IIsWebVirtualDir').path).toBe(`${ROOT}/New`);
    expect(d.metabase.get('/LM/W3SVC/1/ROOT/NEW')?.path).toBe(`${ROOT}/New`);
  });

  it('an application is a key whose AppRoot names itself (in any case, with or without a trailing slash)', () => {
    const d = machine('win2003');
    d.createKey(APP, 'IIsWebVirtualDir');
    d.setProperty(APP, property('AppRoot', '/lm/w3svc/1/root/app/'));
    d.createKey(`${ROOT}/Dir`, 'IIsWebDirectory');
    d.setProperty(`${ROOT}/Dir`, property('AppRoot', ROOT));
    expect([...d.metabase.applications()].map((k) => k.path)).toEqual([ROOT, APP]);
    expect(d.metabase.applicationOf(`${ROOT}/Dir`)?.path).toBe(ROOT);
  });

  it("an application's pool is its effective AppPoolId: inherited from above, or its own", () => {
    const d = app(machine('win2003'), APP);
    expect(poolOf(d.metabase, APP)).toEqual({ name: 'DefaultAppPool', exists: true });
    d.setProperty(APP, property('AppPoolId', 'Other'));
    expect(poolOf(d.metabase, APP)).toEqual({ name: 'Other', exists: false });
    expect(poolOf(d.metabase, ROOT)).toEqual({ name: 'DefaultAppPool', exists: true });
  });
});

describe('machine.md §2: ScriptMaps', () => {
  it('empty verbs (a trailing comma) mean all verbs, and the entry is written back as it was', () => {
    const entry = parseEntry('.foo,C:\\foo.dll,1,');
    expect(entry.verbs).toBe('');
    expect(entryAccepts(entry, 'PROPFIND')).toBe(true);
    expect(formatEntry(entry)).toBe('.foo,C:\\foo.dll,1,');
    expect(entryAccepts(parseEntry('.foo,C:\\foo.dll,1,GET,POST'), 'put')).toBe(false);
  });

  it('the IIS 6 defaults at /LM/W3SVC, exactly', () => {
    expect(iisDefaultScriptMaps('C:\\WINDOWS')).toEqual([
      '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
      '.cer,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
      '.cdx,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
      '.asa,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
      '.idc,C:\\WINDOWS\\system32\\inetsrv\\httpodbc.dll,5,GET,POST',
      '.shtm,C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll,5,GET,POST',
      '.shtml,C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll,5,GET,POST',
      '.stm,C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll,5,GET,POST',
    ]);
  });

  it('each version maps its extensions in the order and with the flags of the table', () => {
    expect(table('1.0.3705')).toBe(V1_TABLE);
    expect(table('1.1.4322')).toBe(V1_TABLE);
    expect(table('2.0.50727')).toBe(V2_TABLE);
    expect(table('4.0.30319')).toBe(V4_TABLE);
  });

  it('an ASP.NET entry the tool writes is <ext>,<folder>\\aspnet_isapi.dll,<flag>,GET,HEAD,POST,DEBUG', () => {
    const p = isapi('v4.0.30319');
    const list = moveList([], '4.0.30319', p);
    expect(list).toEqual(extensionsOf('4.0.30319').map((e) => `${e.extension},${p},${e.flag},GET,HEAD,POST,DEBUG`));
    expect(list[0]).toBe('.asax,C:\\WINDOWS\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_isapi.dll,5,GET,HEAD,POST,DEBUG');
  });

  it('a folder that is not of the form v<a>.<b>.<c> gives version 0.0.0', () => {
    for (const folder of ['v2.0', 'v2.0.50727.42', 'Framework', '2.0.50727']) {
      expect(entryVersion(parseEntry(`.aspx,C:\\x\\${folder}\\aspnet_isapi.dll,1`)), folder).toBe('0.0.0');
    }
    // 0.0.0 is lower than every version: a list with it and 1.1 is on 1.1 (and mixed).
    const list = ['.aspx,C:\\x\\aspnet_isapi.dll,1', `.asmx,${isapi('v1.1.4322')},1`];
    expect(listVersion(list)).toBe('1.1.4322');
    expect(isMixed(list)).toBe(true);
  });

  it('a beta orders by its numbers inside a mixed list', () => {
    expect(listVersion([`.aspx,${isapi('v2.0.40607')},1`, `.asmx,${isapi('v1.1.4322')},1`])).toBe('2.0.40607');
    expect(listVersion([`.aspx,${isapi('v2.0.40607')},1`, `.asmx,${isapi('v2.0.50727')},1`])).toBe('2.0.50727');
  });

  it('moving: an ASP.NET entry from an unknown folder is moved in place to W, keeping its flags and verbs', () => {
    const p = isapi('v2.0.50727');
    const moved = moveList(['.asp,a.dll,5', '.aspx,D:\\odd\\aspnet_isapi.dll,5,GET', '.foo,f.dll,1'], '2.0.50727', p);
    expect(moved.slice(0, 3)).toEqual(['.asp,a.dll,5', `.aspx,${p},5,GET`, '.foo,f.dll,1']);
    expect(moved).toHaveLength(3 + extensionsOf('2.0.50727').length - 1);
  });

  it('moving up from 1.1 to 4.0 appends the missing extensions after the rest, in 4.0 order', () => {
    const on11 = moveList(iisDefaultScriptMaps('C:\\WINDOWS'), '1.1.4322', isapi('v1.1.4322'));
    const on40 = moveList(on11, '4.0.30319', isapi('v4.0.30319'));
    expect(on40.map((e) => parseEntry(e).extension)).toEqual([
      ...iisDefaultScriptMaps('C:\\WINDOWS').map((e) => parseEntry(e).extension),
      ...extensionsOf('4.0.30319').map((e) => e.extension),
    ]);
    expect(listVersion(on40)).toBe('4.0.30319');
    expect(isMixed(on40)).toBe(false);
  });
});

describe('machine.md §3: framework versions', () => {
  it('folders, -lv forms and client script folders of the table', () => {
    expect(FRAMEWORK_VERSIONS.map((v) => [facts(v).folder, fourPart(v), facts(v).clientScriptFolder])).toEqual([
      ['v1.0.3705', '1.0.3705.0', '1_0_3705_0'],
      ['v1.1.4322', '1.1.4322.0', '1_1_4322'],
      ['v2.0.50727', '2.0.50727.0', '2_0_50727'],
      ['v4.0.30319', '4.0.30319.0', '4_0_30319'],
    ]);
  });

  it.each(['4.5', '4.6', '4.7', '4.8'])('%s is 4.0.30319', (typed) => {
    expect(parseFrameworkVersion(typed)).toBe('4.0.30319');
  });

  it.each(['4.1', '4.2', '4.3', '2.5', '3.1'])('refuses %j: no such framework', (typed) => {
    expect(parseFrameworkVersion(typed)).toBeUndefined();
  });

  it('the processor path is <windir>\\Microsoft.NET\\Framework\\v<version>\\aspnet_isapi.dll', () => {
    expect(processorPath(machine('win2000').state, '1.1.4322')).toBe('C:\\WINNT\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll');
    expect(processorPath(machine('win2003').state, '2.0.50727')).toBe(isapi('v2.0.50727'));
  });

  it('installed and registered are separate: setup --noaspupgrade then -u leaves the version installed, not registered', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    tool(d, '2.0.50727', '-u');
    expect(d.state.frameworks.get('2.0.50727')).toMatchObject({ installed: true, registered: false });
  });
});

describe('machine.md §4: what registration touches', () => {
  it('Default.aspx is added to DefaultDoc once, when missing', () => {
    const d = machine('iis6-bare');
    expect(d.metabase.explicit(ROOT_PATH, 'DefaultDoc')?.value).toBe('Default.htm,Default.asp,index.htm,iisstart.htm');
    installFramework(d, '1.1.4322', false);
    installFramework(d, '2.0.50727', false);
    expect(d.metabase.explicit(ROOT_PATH, 'DefaultDoc')?.value).toBe('Default.htm,Default.asp,index.htm,iisstart.htm,Default.aspx');
    d.setProperty(ROOT_PATH, property('DefaultDoc', 'default.aspx,index.htm'));
    tool(d, '2.0.50727', '-ir');
    expect(d.metabase.explicit(ROOT_PATH, 'DefaultDoc')?.value).toBe('default.aspx,index.htm');
  });

  it('registering a lower version leaves the shared services with the highest', () => {
    const d = machine('win2003-net20');
    tool(d, '1.1.4322', '-ir');
    expect(d.state.services).toEqual({ stateService: '2.0.50727', perfCounters: '2.0.50727', aspnetAccount: true });
  });

  it('-u of the version holding the state service gives it to the highest remaining compatible one', () => {
    const d = machine('iis6-bare');
    installFramework(d, '1.0.3705', false);
    installFramework(d, '1.1.4322', true);
    expect(d.state.services).toEqual({ stateService: '1.1.4322', perfCounters: '1.1.4322', aspnetAccount: true });
    tool(d, '1.1.4322', '-u');
    expect(d.state.services).toEqual({ stateService: '1.0.3705', perfCounters: '1.0.3705', aspnetAccount: true });
  });

  it('-u takes away only V\'s ApplicationDependencies and Web Service Extension entries', () => {
    const d = machine('win2003-net20');
    const extensions = asList(d.metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')?.value);
    const dependencies = asList(d.metabase.explicit(ROOT_PATH, 'ApplicationDependencies')?.value);
    expect(dependencies.slice(-2)).toEqual(['ASP.NET v1.1.4322;ASP.NET v1.1.4322', 'ASP.NET v2.0.50727;ASP.NET v2.0.50727']);
    tool(d, '2.0.50727', '-u');
    expect(asList(d.metabase.explicit(ROOT_PATH, 'ApplicationDependencies')?.value)).toEqual(dependencies.slice(0, -1));
    expect(asList(d.metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')?.value)).toEqual(extensions.slice(0, -1));
  });

  it('-r installs the client scripts as -i does', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727')).toBe(false);
    tool(d, '2.0.50727', '-r');
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727')).toBe(true);
  });
});

describe('machine.md §5: IIS modes', () => {
  it('iis5 on Windows 2000; iis6 unless IIs5IsolationModeEnabled is TRUE', () => {
    expect(iisMode(machine('win2000').state)).toBe('iis5');
    const d = machine('win2003');
    expect(iisMode(d.state)).toBe('iis6');
    d.setProperty(ROOT_PATH, property('IIs5IsolationModeEnabled', 'TRUE'));
    expect(iisMode(d.state)).toBe('iis6-iis5-isolation');
    d.setProperty(ROOT_PATH, property('IIs5IsolationModeEnabled', 'FALSE'));
    expect(iisMode(d.state)).toBe('iis6');
  });
});

describe('machine.md §7: profiles', () => {
  it('win2003: C:\\WINDOWS, the IIS 6 Web Service Extensions plus 1.1 allowed, its dependency, the pools, site 1 on :80:', () => {
    const d = machine('win2003');
    expect(d.state.windir).toBe('C:\\WINDOWS');
    expect(d.state.frameworks.get('1.1.4322')).toMatchObject({ installed: true, registered: true });
    const root = (name: string) => d.metabase.explicit(ROOT_PATH, name)?.value;
    expect(root('AppPoolId')).toBe('DefaultAppPool');
    expect(root('WebSvcExtRestrictionList')).toEqual([
      '0,*.dll',
      '0,*.exe',
      '0,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,0,ASP,Active Server Pages',
      '0,C:\\WINDOWS\\system32\\inetsrv\\httpodbc.dll,0,HTTPODBC,Internet Data Connector',
      '0,C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll,0,SSINC,Server Side Includes',
      '0,C:\\WINDOWS\\system32\\inetsrv\\httpext.dll,0,WEBDAV,WebDAV',
      `1,${isapi('v1.1.4322')},0,ASP.NET v1.1.4322,ASP.NET v1.1.4322`,
    ]);
    expect(asList(root('ApplicationDependencies')).at(-1)).toBe('ASP.NET v1.1.4322;ASP.NET v1.1.4322');
    expect(d.metabase.get('/LM/W3SVC/AppPools')?.keyType).toBe('IIsApplicationPools');
    expect(d.metabase.get('/LM/W3SVC/AppPools/DefaultAppPool')?.keyType).toBe('IIsApplicationPool');
    expect(d.metabase.get('/LM/W3SVC/1')?.keyType).toBe('IIsWebServer');
    expect(d.metabase.explicit('/LM/W3SVC/1', 'ServerBindings')?.value).toEqual([':80:']);
    expect(d.dirExists('C:\\Inetpub\\wwwroot')).toBe(true);
    expect(explicitList(d, ROOT_PATH).slice(8)).toEqual(moveList([], '1.1.4322', isapi('v1.1.4322')));
  });

  it('win2000: paths under C:\\WINNT, the Default Web Site without AppPoolId', () => {
    const d = machine('win2000');
    expect(d.state.windir).toBe('C:\\WINNT');
    expect(d.state.frameworks.get('1.1.4322')).toMatchObject({ installed: true, registered: true });
    expect(listVersion(explicitList(d, ROOT_PATH))).toBe('1.1.4322');
    expect(explicitList(d, ROOT_PATH).slice(8).every((e) => e.includes(',C:\\WINNT\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll,'))).toBe(true);
    const root = d.metabase.get(ROOT)!;
    expect(Object.fromEntries([...root.properties.values()].map((p) => [p.name, p.value]))).toEqual({
      Path: 'C:\\Inetpub\\wwwroot',
      AppRoot: ROOT,
      AppFriendlyName: 'Default Application',
      AppIsolated: '2',
    });
    expect(d.metabase.explicit('/LM/W3SVC/1', 'ServerComment')?.value).toBe('Default Web Site');
    expect(d.metabase.explicit('/LM/W3SVC/1', 'ServerBindings')?.value).toEqual([':80:']);
  });

  it('win2003-net20 keeps 1.1 allowed beside 2.0; win2003-net40 has 4.0 registered with its client scripts', () => {
    const net20 = machine('win2003-net20');
    expect(findExtensionEntry(net20, '1.1.4322')?.allowed).toBe(true);
    expect(lk(net20)).toEqual({ [ROOT_PATH]: '2.0.50727' });
    const net40 = machine('win2003-net40');
    expect(net40.state.frameworks.get('4.0.30319')).toMatchObject({ installed: true, registered: true });
    expect(net40.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\4_0_30319')).toBe(true);
    expect(lk(net40)).toEqual({ [ROOT_PATH]: '2.0.50727' });
  });
});

describe('machine.md §8: setup', () => {
  it('with no ASP.NET entry anywhere, the root gets V; the new extension is prohibited; events 1017, 1031, 1019 and a restart', () => {
    const d = machine('iis6-bare');
    const out = installFramework(d, '2.0.50727', false);
    expect(lk(d)).toEqual({ [ROOT_PATH]: '2.0.50727' });
    expect(explicitList(d, ROOT_PATH).slice(0, 8)).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
    expect(findExtensionEntry(d, '2.0.50727')?.allowed).toBe(false);
    expect(out.events.map((e) => `${e.source} ${e.eventId}`)).toEqual([
      'ASP.NET 2.0.50727.0 1017',
      'ASP.NET 2.0.50727.0 1031',
      'ASP.NET 2.0.50727.0 1019',
      'W3SVC 1023',
      'W3SVC 1025',
    ]);
    expect(out.events[1]!.text).toBe('The current version at the IIS root is 2.0.50727.0.');
    expect(out.restarted).toBe(true);
  });

  it('--noaspupgrade never remaps, even with no ASP.NET at all, and puts no client scripts', () => {
    const d = machine('iis6-bare');
    const out = installFramework(d, '2.0.50727', true);
    expect(lk(d)).toEqual({});
    expect(d.state.frameworks.get('2.0.50727')).toMatchObject({ installed: true, registered: true });
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client')).toBe(false);
    expect(out.events[1]!.text).toBe('The current version at the IIS root is 0.0.0.0.');
  });

  it('setup of 2.0 or 4.0 leaves 1.1 and 2.0 lists, the root included, where they are', () => {
    const d = machine('win2003');
    app(d, APP);
    tool(d, '1.1.4322', '-sn', 'W3SVC/1/ROOT/App');
    installFramework(d, '2.0.50727', false);
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322', [APP]: '1.1.4322' });
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    installFramework(d, '4.0.30319', false);
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322', [APP]: '2.0.50727' });
  });

  it('setup of 1.1 moves every list on 1.0, and only those', () => {
    const d = machine('iis6-bare');
    installFramework(d, '1.0.3705', false);
    installFramework(d, '2.0.50727', true);
    app(d, APP);
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    app(d, `${ROOT}/Old`);
    tool(d, '1.0.3705', '-sn', 'W3SVC/1/ROOT/Old');
    installFramework(d, '1.1.4322', false);
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322', [APP]: '2.0.50727', [`${ROOT}/Old`]: '1.1.4322' });
  });

  it('uninstall runs -u for V, then its files go', () => {
    const d = machine('win2003-net20');
    uninstallFramework(d, '2.0.50727');
    expect(d.state.frameworks.get('2.0.50727')).toMatchObject({ installed: false, registered: false });
    expect(findExtensionEntry(d, '2.0.50727')).toBeUndefined();
    expect(lk(d)).toEqual({});
  });
});
