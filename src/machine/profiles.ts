import { Metabase, type MetabaseKey, type Property, property } from '../metabase/metabase.js';
import { Draft, type MachineState, type Os } from './machine.js';
import { installFramework } from '../regiis/setup.js';
import { runTool } from '../regiis/tool.js';
import { setExtensionAllowed } from '../regiis/registration.js';

/** The machines a new file can start from (machine.md §7). */
export const PROFILES = {
  win2003: 'Windows Server 2003 SP2, IIS 6.0 (worker process isolation), .NET Framework 1.1 registered at the root (the default)',
  'win2003-net20': 'win2003, then setup of .NET Framework 2.0 and its aspnet_regiis -i -enable: 2.0 at the root',
  'win2003-net40': 'win2003-net20, then setup of .NET Framework 4.0 (its Web Service Extension left prohibited)',
  win2000: 'Windows 2000 Server, IIS 5.0, .NET Framework 1.1 registered at the root; no application pools',
  'iis6-bare': 'Windows Server 2003 SP2, IIS 6.0 (worker process isolation), no .NET Framework at all',
} as const;

export type ProfileName = keyof typeof PROFILES;

export const isProfileName = (name: string): name is ProfileName => Object.hasOwn(PROFILES, name);

export const DEFAULT_PROFILE: ProfileName = 'win2003';

/** The IIS 6 script maps at `/LM/W3SVC` before any ASP.NET (machine.md §2). */
export function iisDefaultScriptMaps(windir: string): string[] {
  const inetsrv = `${windir}\\system32\\inetsrv`;
  return [
    ...['.asp', '.cer', '.cdx', '.asa'].map((ext) => `${ext},${inetsrv}\\asp.dll,5,GET,HEAD,POST,TRACE`),
    `.idc,${inetsrv}\\httpodbc.dll,5,GET,POST`,
    ...['.shtm', '.shtml', '.stm'].map((ext) => `${ext},${inetsrv}\\ssinc.dll,5,GET,POST`),
  ];
}

function iisDefaultExtensions(windir: string): string[] {
  const inetsrv = `${windir}\\system32\\inetsrv`;
  return [
    '0,*.dll',
    '0,*.exe',
    `0,${inetsrv}\\asp.dll,0,ASP,Active Server Pages`,
    `0,${inetsrv}\\httpodbc.dll,0,HTTPODBC,Internet Data Connector`,
    `0,${inetsrv}\\ssinc.dll,0,SSINC,Server Side Includes`,
    `0,${inetsrv}\\httpext.dll,0,WEBDAV,WebDAV`,
  ];
}

const IIS_DEFAULT_DEPENDENCIES = ['Active Server Pages;ASP', 'Internet Data Connector;HTTPODBC', 'Server Side Includes;SSINC', 'WebDAV;WEBDAV'];

const key = (path: string, keyType: string, ...properties: Property[]): MetabaseKey => ({
  path,
  keyType,
  properties: new Map(properties.map((p) => [p.name.toLowerCase(), p])),
});

/** IIS with no framework: the Default Web Site and, on IIS 6, the default application pool. */
function bareMachine(profile: ProfileName, os: Os): MachineState {
  const windir = os === 'win2000' ? 'C:\\WINNT' : 'C:\\WINDOWS';
  const iis6 = os === 'win2003';
  const pool = (...props: Property[]): Property[] => (iis6 ? props : []);
  const keys: MetabaseKey[] = [
    key('/LM', 'IIsComputer'),
    key(
      '/LM/W3SVC',
      'IIsWebService',
      ...pool(property('AppPoolId', 'DefaultAppPool')),
      property('DefaultDoc', 'Default.htm,Default.asp,index.htm,iisstart.htm'),
      property('ScriptMaps', iisDefaultScriptMaps(windir)),
      ...pool(property('WebSvcExtRestrictionList', iisDefaultExtensions(windir)), property('ApplicationDependencies', IIS_DEFAULT_DEPENDENCIES)),
    ),
    ...(iis6 ? [key('/LM/W3SVC/AppPools', 'IIsApplicationPools'), key('/LM/W3SVC/AppPools/DefaultAppPool', 'IIsApplicationPool')] : []),
    key('/LM/W3SVC/Filters', 'IIsFilters'),
    key('/LM/W3SVC/1', 'IIsWebServer', property('ServerComment', 'Default Web Site'), property('ServerBindings', [':80:'])),
    key(
      '/LM/W3SVC/1/ROOT',
      'IIsWebVirtualDir',
      property('Path', 'C:\\Inetpub\\wwwroot'),
      property('AppRoot', '/LM/W3SVC/1/ROOT'),
      property('AppFriendlyName', 'Default Application'),
      property('AppIsolated', '2'),
      ...pool(property('AppPoolId', 'DefaultAppPool')),
    ),
  ];
  return {
    profile,
    os,
    windir,
    metabase: new Metabase(keys),
    frameworks: new Map(),
    directories: new Map([
      ['c:\\inetpub', 'C:\\Inetpub'],
      ['c:\\inetpub\\wwwroot', 'C:\\Inetpub\\wwwroot'],
    ]),
    services: { stateService: undefined, perfCounters: undefined, aspnetAccount: false },
    setupLogCounter: 0,
    grants: [],
  };
}

/**
 * Builds a profile's machine by playing its history (setup, the tool) on a bare one, so that a profile is
 * exactly what those steps leave. Only the state is kept; the new file's logs get one entry naming it.
 */
export function buildProfile(name: ProfileName): MachineState {
  const state = bareMachine(name, name === 'win2000' ? 'win2000' : 'win2003');
  if (name === 'iis6-bare') return state;
  const d = new Draft(state);
  installFramework(d, '1.1.4322', false);
  if (state.os === 'win2003') setExtensionAllowed(d, '1.1.4322', true);
  if (name === 'win2003-net20' || name === 'win2003-net40') {
    installFramework(d, '2.0.50727', false);
    runTool(d, { action: 'i', typed: '-i', argument: undefined, extension: 'enable', norestart: false }, '2.0.50727');
  }
  if (name === 'win2003-net40') installFramework(d, '4.0.30319', false);
  return state;
}
