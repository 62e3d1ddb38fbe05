import { describe, expect, it } from 'vitest';
import { ROOT_PATH, asList } from '../../src/metabase/metabase.js';
import { listVersion } from '../../src/metabase/scriptmaps.js';
import { iisMode } from '../../src/machine/machine.js';
import { PROFILES, buildProfile, iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import { findExtensionEntry } from '../../src/regiis/registration.js';
import { Draft } from '../../src/machine/machine.js';

const rootList = (profile: keyof typeof PROFILES) => asList(buildProfile(profile).metabase.explicit(ROOT_PATH, 'ScriptMaps')?.value);
const registered = (profile: keyof typeof PROFILES) =>
  [...buildProfile(profile).frameworks.values()].filter((f) => f.registered).map((f) => f.version);

describe('profiles', () => {
  it('win2003: IIS 6 defaults then the 1.1 entries at the root, 1.1 allowed, the Default Web Site', () => {
    const state = buildProfile('win2003');
    const list = rootList('win2003');
    expect(list.slice(0, 8)).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
    expect(list).toHaveLength(8 + 18);
    expect(listVersion(list)).toBe('1.1.4322');
    expect(findExtensionEntry(new Draft(state), '1.1.4322')?.allowed).toBe(true);
    expect(iisMode(state)).toBe('iis6');
    const root = state.metabase.get('/LM/W3SVC/1/ROOT')!;
    expect(Object.fromEntries([...root.properties.values()].map((p) => [p.name, p.value]))).toEqual({
      Path: 'C:\\Inetpub\\wwwroot',
      AppRoot: '/LM/W3SVC/1/ROOT',
      AppFriendlyName: 'Default Application',
      AppIsolated: '2',
      AppPoolId: 'DefaultAppPool',
    });
    expect(state.metabase.get('/LM/W3SVC/1')?.properties.get('servercomment')?.value).toBe('Default Web Site');
    expect(state.metabase.has('/LM/W3SVC/AppPools/DefaultAppPool')).toBe(true);
    expect(state.directories.has('c:\\inetpub\\wwwroot\\aspnet_client\\system_web\\1_1_4322')).toBe(true);
    expect([...state.metabase.walk(ROOT_PATH)].filter((k) => k.path !== ROOT_PATH && k.properties.has('scriptmaps'))).toEqual([]);
  });

  it('win2003-net20 has 2.0 at the root and allowed; win2003-net40 adds 4.0 prohibited', () => {
    expect(listVersion(rootList('win2003-net20'))).toBe('2.0.50727');
    expect(findExtensionEntry(new Draft(buildProfile('win2003-net20')), '2.0.50727')?.allowed).toBe(true);
    expect(registered('win2003-net40')).toEqual(['1.1.4322', '2.0.50727', '4.0.30319']);
    expect(listVersion(rootList('win2003-net40'))).toBe('2.0.50727');
    expect(findExtensionEntry(new Draft(buildProfile('win2003-net40')), '4.0.30319')?.allowed).toBe(false);
  });

  it('win2000: IIS 5 under C:\\WINNT, no pools, no Web Service Extensions', () => {
    const state = buildProfile('win2000');
    expect(iisMode(state)).toBe('iis5');
    expect(rootList('win2000')[0]).toBe('.asp,C:\\WINNT\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE');
    expect(state.metabase.has('/LM/W3SVC/AppPools')).toBe(false);
    expect(state.metabase.explicit(ROOT_PATH, 'AppPoolId')).toBeUndefined();
    expect(state.metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')).toBeUndefined();
  });

  it('iis6-bare has no framework at all', () => {
    expect(rootList('iis6-bare')).toEqual(iisDefaultScriptMaps('C:\\WINDOWS'));
    expect(registered('iis6-bare')).toEqual([]);
    expect(buildProfile('iis6-bare').services.aspnetAccount).toBe(false);
  });
});
