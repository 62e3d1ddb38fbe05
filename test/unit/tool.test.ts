import { describe, expect, it } from 'vitest';
import { ROOT_PATH, asList, property } from '../../src/metabase/metabase.js';
import { listVersion, moveList } from '../../src/metabase/scriptmaps.js';
import { processorPath } from '../../src/machine/machine.js';
import { findExtensionEntry } from '../../src/regiis/registration.js';
import { installFramework } from '../../src/regiis/setup.js';
import { iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import { app, dir, explicitList, lk, machine, tool } from '../support/builders.js';

const ROOT = '/LM/W3SVC/1/ROOT';
const APP = `${ROOT}/App`;

/** A list on a version, as the tool would write it. */
const listOn = (d: ReturnType<typeof machine>, version: '1.0.3705' | '1.1.4322' | '2.0.50727' | '4.0.30319') =>
  moveList([], version, processorPath(d.state, version));

describe('-i', () => {
  it('moves the root and every lower explicit list up (2.0 tool), leaving lists without ASP.NET alone', () => {
    const d = machine('win2003');
    app(d, APP);
    tool(d, '1.1.4322', '-sn', 'W3SVC/1/ROOT/App');
    dir(d, `${ROOT}/Static`);
    d.setProperty(`${ROOT}/Static`, property('ScriptMaps', ['.foo,C:\\foo.dll,1']));
    installFramework(d, '2.0.50727', true);
    const out = tool(d, '2.0.50727', '-i');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '2.0.50727', [APP]: '2.0.50727' });
    expect(explicitList(d, `${ROOT}/Static`)).toEqual(['.foo,C:\\foo.dll,1']);
    expect(out.events.map((e) => e.eventId)).toEqual([1017, 1031, 1019, 1023, 1025]);
    expect(out.events[1]!.text).toBe('The current version at the IIS root is 2.0.50727.0.');
    expect(out.stdout).toEqual(['Start installing ASP.NET (2.0.50727).', '.......', 'Finished installing ASP.NET (2.0.50727).']);
  });

  it('maps nothing and warns with event 1032 when the root is on a higher version', () => {
    const d = machine('win2003-net20');
    const before = lk(d);
    const out = tool(d, '1.1.4322', '-i');
    expect(lk(d)).toEqual(before);
    const warning = out.events.find((e) => e.eventId === 1032)!;
    expect(warning.type).toBe('Warning');
    expect(warning.text).toContain('version is not high enough to replace the existing one at the root');
    expect(out.events.map((e) => e.eventId)).toEqual([1017, 1032, 1031, 1019, 1023, 1025]);
  });

  // Against aspnet_regiis.md's "4.0 tool: the root only": on Server 2003 the 4.0 tool "works the same as in
  // version 3.5 and earlier" (Microsoft's page for the 4.0 tool, k6h9cz8h), so lower lists below move too.
  it('with the 4.0 tool, as with older tools, maps the root and moves every lower explicit list up', () => {
    const d = machine('win2003-net40');
    app(d, APP);
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    expect(lk(d)[APP]).toBe('2.0.50727');
    const out = tool(d, '4.0.30319', '-i');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '4.0.30319', [APP]: '4.0.30319' });
    expect(out.stdout.slice(0, 3)).toEqual([
      'Microsoft (R) ASP.NET RegIIS version 4.0.30319.1',
      'Administration utility to install and uninstall ASP.NET on the local machine.',
      'Copyright (C) Microsoft Corporation.  All rights reserved.',
    ]);
    expect(out.stdout[3]).toBe('Start installing ASP.NET (4.0.30319.1).');
  });

  it('gives a root without ASP.NET entries the version, after its own entries', () => {
    const d = machine('iis6-bare');
    d.setFramework({ version: '2.0.50727', installed: true, registered: false, isapiPresent: true });
    tool(d, '2.0.50727', '-i');
    const list = explicitList(d, ROOT_PATH);
    expect(list.slice(0, 8)).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
    expect(listVersion(list)).toBe('2.0.50727');
  });

  it('registers the version: Web Service Extension, dependency, filter, DefaultDoc, services, client scripts', () => {
    const d = machine('iis6-bare');
    d.setFramework({ version: '2.0.50727', installed: true, registered: false, isapiPresent: true });
    tool(d, '2.0.50727', '-i');
    expect(d.state.frameworks.get('2.0.50727')?.registered).toBe(true);
    expect(findExtensionEntry(d, '2.0.50727')).toMatchObject({ allowed: false });
    expect(asList(d.metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')?.value)).toContain(
      '0,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,0,ASP.NET v2.0.50727,ASP.NET v2.0.50727',
    );
    expect(asList(d.metabase.explicit(ROOT_PATH, 'ApplicationDependencies')?.value)).toContain('ASP.NET v2.0.50727;ASP.NET v2.0.50727');
    expect(d.metabase.explicit('/LM/W3SVC/Filters/ASP.NET_2.0.50727.0', 'FilterPath')?.value).toBe(
      'C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_filter.dll',
    );
    expect(String(d.metabase.explicit(ROOT_PATH, 'DefaultDoc')?.value)).toMatch(/,Default\.aspx$/);
    expect(d.state.services).toEqual({ stateService: '2.0.50727', perfCounters: '2.0.50727', aspnetAccount: true });
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727')).toBe(true);
  });

  it('-enable and -disable set the Web Service Extension; without them an existing flag is kept', () => {
    const d = machine('win2003-net40');
    expect(findExtensionEntry(d, '4.0.30319')?.allowed).toBe(false);
    tool(d, '4.0.30319', '-ir', '-enable');
    expect(findExtensionEntry(d, '4.0.30319')?.allowed).toBe(true);
    tool(d, '4.0.30319', '-ir');
    expect(findExtensionEntry(d, '4.0.30319')?.allowed).toBe(true);
    tool(d, '4.0.30319', '-r', '-disable');
    expect(findExtensionEntry(d, '4.0.30319')?.allowed).toBe(false);
  });

  it('fails after doing the other sites when a site home directory is missing', () => {
    const d = machine('win2003-net20');
    d.rmdir('C:\\Inetpub\\wwwroot');
    const out = tool(d, '2.0.50727', '-i');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toEqual([
      'Start installing ASP.NET (2.0.50727).',
      '.......',
      'Setup has detected some errors during the operation. For details, please read the setup log file C:\\DOCUME~1\\ADMINI~1\\LOCALS~1\\Temp\\ASPNETSetup_00000.log',
    ]);
    expect(out.restarted).toBe(true);
    expect(d.state.setupLogCounter).toBe(1);
  });
});

describe('-ir and -iru', () => {
  it('-ir registers without touching script maps or client scripts', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    d.rmdir('C:\\Inetpub\\wwwroot\\aspnet_client');
    const before = lk(d);
    const out = tool(d, '2.0.50727', '-ir');
    expect(lk(d)).toEqual(before);
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client')).toBe(false);
    expect(out.stdout[0]).toBe('Start installing ASP.NET (2.0.50727) without registering the scriptmap.');
    expect(out.stdout[1]).toBe('.....');
  });

  it('-iru maps the root (with the -i text, no client scripts) when no key has ASP.NET entries', () => {
    const d = machine('iis6-bare');
    d.setFramework({ version: '2.0.50727', installed: true, registered: false, isapiPresent: true });
    const out = tool(d, '2.0.50727', '-iru');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '2.0.50727' });
    expect(out.stdout).toEqual(['Start installing ASP.NET (2.0.50727).', '.....', 'Finished installing ASP.NET (2.0.50727).']);
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client')).toBe(false);
  });

  it('-iru acts as -ir when any key has ASP.NET entries', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    const out = tool(d, '2.0.50727', '-iru');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322' });
    expect(out.stdout[0]).toBe('Start installing ASP.NET (2.0.50727) without registering the scriptmap.');
  });

  it('the 4.0 tool words -ir differently', () => {
    const d = machine('win2003-net40');
    expect(tool(d, '4.0.30319', '-ir').stdout[3]).toBe(
      'Start installing ASP.NET (4.0.30319.1) without changing existing web applications to use this version of ASP.Net.',
    );
  });
});

describe('-r', () => {
  it('moves the root and every key with ASP.NET entries, higher versions too', () => {
    const d = machine('win2003-net20');
    app(d, APP);
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    const out = tool(d, '1.1.4322', '-r');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322', [APP]: '1.1.4322' });
    expect(out.stdout[0]).toBe('Start installing ASP.NET (1.1.4322) and replacing ASP.NET DLL in all Scriptmaps with current version.');
  });
});

describe('-s and -sn', () => {
  it('-s pins P to the version whatever it is on, and moves only lower lists below it', () => {
    const d = machine('win2003-net40');
    tool(d, '4.0.30319', '-ir');
    app(d, APP);
    app(d, `${APP}/Old`);
    app(d, `${APP}/New`);
    d.setProperty(`${APP}/Old`, property('ScriptMaps', listOn(d, '1.1.4322')));
    d.setProperty(`${APP}/New`, property('ScriptMaps', listOn(d, '4.0.30319')));
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    tool(d, '4.0.30319', '-sn', 'W3SVC/1/ROOT/App');
    expect(lk(d)[APP]).toBe('4.0.30319');
    tool(d, '2.0.50727', '-s', 'W3SVC/1/ROOT/App');
    expect(lk(d)).toMatchObject({ [APP]: '2.0.50727', [`${APP}/Old`]: '2.0.50727', [`${APP}/New`]: '4.0.30319' });
  });

  it('-sn touches P only', () => {
    const d = machine('win2003-net20');
    app(d, APP);
    app(d, `${APP}/Old`);
    d.setProperty(`${APP}/Old`, property('ScriptMaps', listOn(d, '1.1.4322')));
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App');
    expect(lk(d)[`${APP}/Old`]).toBe('1.1.4322');
  });

  it('gives an inheriting P an explicit list built from the inherited one', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    app(d, APP);
    tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT/App/');
    const list = explicitList(d, APP);
    expect(list.slice(0, 8)).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
    expect(listVersion(list)).toBe('2.0.50727');
  });

  it('refuses a path that is not in the metabase, changing nothing', () => {
    const d = machine('win2003');
    const out = tool(d, '1.1.4322', '-s', 'W3SVC/1/ROOT/Nope');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toEqual([
      'Start registering ASP.NET scriptmap (1.1.4322) recursively at W3SVC/1/ROOT/Nope.',
      'An error has occurred: 0x80070003 The system cannot find the path specified.',
      'Installation stopped because the specified path (W3SVC/1/ROOT/Nope) is invalid.',
    ]);
    expect(d.changes).toEqual([]);
    expect(out.events).toEqual([]);
  });

  it('refuses when the version is not registered, changing nothing', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    tool(d, '2.0.50727', '-u');
    const changes = d.changes.length;
    const out = tool(d, '2.0.50727', '-sn', 'W3SVC/1/ROOT');
    expect(out.stdout).toEqual([
      'Start registering ASP.NET scriptmap (2.0.50727) at W3SVC/1/ROOT.',
      'An error has occurred: 0x80004005 Unspecified error',
      'The error indicates that this version of ASP.NET must first be registered on the machine.',
    ]);
    expect(out.exitCode).toBe(1);
    expect(d.changes.length).toBe(changes);
  });
});

describe('-k and -kn', () => {
  it('-k strips every explicit list at and below P and keeps the property, even empty', () => {
    const d = machine('win2003-net20');
    app(d, APP);
    d.setProperty(APP, property('ScriptMaps', listOn(d, '1.1.4322')));
    tool(d, '2.0.50727', '-k', 'W3SVC');
    expect(lk(d)).toEqual({});
    expect(explicitList(d, APP)).toEqual([]);
    expect(d.metabase.explicit(APP, 'ScriptMaps')).toBeDefined();
    expect(explicitList(d, ROOT_PATH)).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
  });

  it('-k on an inheriting key changes nothing and says ASP.NET still runs there', () => {
    const d = machine('win2003');
    const out = tool(d, '1.1.4322', '-k', 'W3SVC/1/ROOT');
    expect(d.changes).toEqual([]);
    expect(out.stderr.join('\n')).toContain('W3SVC/1/ROOT');
    expect(out.stderr.join('\n')).toContain('still runs');
    expect(out.restarted).toBe(true);
  });

  it('-kn touches P only; the 4.0 Finished line keeps DLL', () => {
    const d = machine('win2003-net40');
    app(d, APP);
    d.setProperty(APP, property('ScriptMaps', listOn(d, '1.1.4322')));
    const out = tool(d, '4.0.30319', '-kn', 'W3SVC');
    expect(lk(d)).toEqual({ [APP]: '1.1.4322' });
    expect(out.stdout.slice(3)).toEqual(['Start removing any version of ASP.NET at W3SVC.', 'Finished removing any version of ASP.NET DLL at W3SVC.']);
  });
});

describe('-u and -ua', () => {
  it('-u moves lists to the highest remaining compatible version, then unregisters', () => {
    const d = machine('iis6-bare');
    installFramework(d, '1.0.3705', false);
    installFramework(d, '1.1.4322', true);
    tool(d, '1.0.3705', '-sn', 'W3SVC/1/ROOT');
    installFramework(d, '2.0.50727', true);
    tool(d, '1.0.3705', '-u');
    expect(lk(d)).toEqual({ [ROOT_PATH]: '1.1.4322', [ROOT]: '1.1.4322' });
    expect(d.state.frameworks.get('1.0.3705')?.registered).toBe(false);
    expect(d.metabase.has('/LM/W3SVC/Filters/ASP.NET_1.0.3705.0')).toBe(false);
  });

  it('-u strips the lists when no compatible version remains, and says so per key', () => {
    const d = machine('win2003-net20');
    const out = tool(d, '2.0.50727', '-u');
    expect(lk(d)).toEqual({});
    expect(out.stderr).toHaveLength(1);
    expect(out.stderr[0]).toContain('W3SVC');
    expect(out.stderr[0]).toContain('plain text');
    expect(out.notes.map((n) => n.kind)).toEqual(['stripped']);
    expect(findExtensionEntry(d, '2.0.50727')).toBeUndefined();
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727')).toBe(false);
    expect(out.stdout).toEqual(['Start uninstalling ASP.NET (2.0.50727).', '.'.repeat(34), 'Finished uninstalling ASP.NET (2.0.50727).']);
    expect(out.events.map((e) => e.eventId)).toEqual([1027, 1031, 1029, 1023, 1025]);
  });

  it('-u moves the shared services and drops the ASPNET account with the last version', () => {
    const d = machine('win2003-net20');
    expect(d.state.services.stateService).toBe('2.0.50727');
    tool(d, '2.0.50727', '-u');
    // no version compatible with 2.0 remains: the state service is uninstalled; the counters go to 1.1
    expect(d.state.services).toEqual({ stateService: undefined, perfCounters: '1.1.4322', aspnetAccount: true });
    tool(d, '1.1.4322', '-u');
    expect(d.state.services.aspnetAccount).toBe(false);
  });

  it('-u of a version that is not registered only prints its lines (and restarts)', () => {
    const d = machine('win2003');
    installFramework(d, '2.0.50727', true);
    tool(d, '2.0.50727', '-u');
    const changes = d.changes.length;
    const out = tool(d, '2.0.50727', '-u');
    expect(d.changes.length).toBe(changes);
    expect(out.events.map((e) => e.eventId)).toEqual([1023, 1025]);
  });

  it('-ua removes ASP.NET everywhere, every registration and every client script', () => {
    const d = machine('win2003-net40');
    app(d, APP);
    d.setProperty(APP, property('ScriptMaps', listOn(d, '1.1.4322')));
    tool(d, '4.0.30319', '-ua');
    expect(lk(d)).toEqual({});
    expect([...d.state.frameworks.values()].filter((f) => f.registered)).toEqual([]);
    expect([...d.state.directories.keys()].filter((p) => p.includes('system_web\\'))).toEqual([]);
  });
});

describe('-lv and -lk', () => {
  it('-lv lists registered versions ascending with the root marked and TABs aligning the path', () => {
    const d = machine('win2003-net40');
    expect(tool(d, '4.0.30319', '-lv').stdout.slice(3)).toEqual([
      '1.1.4322.0\tValid\t\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll',
      '2.0.50727.0\tValid (Root)\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll',
      '4.0.30319.0\tValid\t\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_isapi.dll',
    ]);
  });

  it('-lv shows Invalid for a version whose files are gone, even at the root', () => {
    const d = machine('win2003');
    d.setFramework({ ...d.state.frameworks.get('1.1.4322')!, isapiPresent: false });
    expect(tool(d, '1.1.4322', '-lv').stdout).toEqual(['1.1.4322.0\tInvalid\t\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll']);
  });

  it('-lv with nothing registered', () => {
    const d = machine('win2003');
    tool(d, '1.1.4322', '-ua');
    expect(tool(d, '1.1.4322', '-lv').stdout).toEqual(['Cannot find any installed version.']);
  });

  it('-lk lists explicit lists only, depth-first in creation order', () => {
    const d = machine('win2003-net20');
    app(d, `${ROOT}/B`);
    app(d, `${ROOT}/A`);
    app(d, `${ROOT}/B/Inner`);
    for (const path of [`${ROOT}/A`, `${ROOT}/B/Inner`, `${ROOT}/B`]) tool(d, '1.1.4322', '-sn', path.slice(4));
    expect(tool(d, '2.0.50727', '-lk').stdout).toEqual([
      'W3SVC/\t2.0.50727.0',
      'W3SVC/1/ROOT/B/\t1.1.4322.0',
      'W3SVC/1/ROOT/B/Inner/\t1.1.4322.0',
      'W3SVC/1/ROOT/A/\t1.1.4322.0',
    ]);
  });
});

describe('-c, -e, -ea, -ga', () => {
  it('-c puts the client scripts under every site home; -e removes this version only; -ea all', () => {
    const d = machine('win2003-net20');
    tool(d, '1.1.4322', '-c');
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\1_1_4322')).toBe(true);
    tool(d, '2.0.50727', '-e');
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727')).toBe(false);
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\1_1_4322')).toBe(true);
    const out = tool(d, '2.0.50727', '-ea');
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\1_1_4322')).toBe(false);
    expect(out.stdout).toEqual(['Start removing the ASP.NET client script files for all versions.', '...', 'Finished removing the ASP.NET client script files for all versions.']);
    expect(out.restarted).toBe(false);
  });

  it('-c names the folder of 1.0 with its odd form', () => {
    const d = machine('iis6-bare');
    installFramework(d, '1.0.3705', true);
    tool(d, '1.0.3705', '-c');
    expect(d.dirExists('C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\1_0_3705_0')).toBe(true);
  });

  it('-ga records the grant; the 4.0 tool speaks of IIS configuration', () => {
    const d = machine('win2003-net40');
    const out = tool(d, '4.0.30319', '-ga', 'DOMAIN\\svc');
    expect(out.stdout.slice(3)).toEqual([
      'Start granting DOMAIN\\svc access to the IIS configuration and other directories used by ASP.NET.',
      'Finished granting DOMAIN\\svc access to the IIS configuration and other directories used by ASP.NET.',
    ]);
    expect(d.changes).toContainEqual({ kind: 'grant', user: 'DOMAIN\\svc', version: '4.0.30319' });
  });
});

describe('-norestart', () => {
  it('changes the maps without restarting W3SVC', () => {
    const d = machine('win2003-net20');
    app(d, APP);
    const out = tool(d, '1.1.4322', '-norestart', '-s', 'W3SVC/1/ROOT/App');
    expect(lk(d)[APP]).toBe('1.1.4322');
    expect(out.restarted).toBe(false);
    expect(out.events).toEqual([]);
  });
});
