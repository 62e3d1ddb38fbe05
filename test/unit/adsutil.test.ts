import { describe, expect, it } from 'vitest';
import { Draft } from '../../src/machine/machine.js';
import { buildProfile } from '../../src/machine/profiles.js';
import { parseAdsutil, readAdsutil, writeAdsutil } from '../../src/iis/adsutil.js';
import { AdminError } from '../../src/iis/admin.js';

const command = (...words: string[]) => {
  const parsed = parseAdsutil(words);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.command;
};

describe('adsutil.vbs', () => {
  it('GET prints a value held or inherited, as adsutil lays it out', () => {
    const state = buildProfile('win2003');
    expect(readAdsutil(state, command('GET', 'W3SVC/1/ROOT/AppPoolId'))).toEqual({ stdout: [`${'AppPoolId'.padEnd(32)}: (STRING) "DefaultAppPool"`], exitCode: 0 });
    const maps = readAdsutil(state, command('get', 'w3svc/1/root/ScriptMaps'));
    expect(maps.stdout[0]).toBe(`${'ScriptMaps'.padEnd(32)}: (LIST) (26 Items)`);
    expect(maps.stdout[1]).toBe('  ".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE"');
    expect(readAdsutil(state, command('GET', 'W3SVC/1/ROOT/AppIsolated')).stdout).toEqual([`${'AppIsolated'.padEnd(32)}: (INTEGER) 2`]);
  });

  it('GET of a missing key or an unset property fails', () => {
    const state = buildProfile('win2003');
    expect(readAdsutil(state, command('GET', 'W3SVC/9/ROOT/Path'))).toEqual({
      stdout: ['ErrNumber: -2147024893 (0x80070003)', 'Error Trying To GET the Object (GetObject Failed): W3SVC/9/ROOT/Path'],
      exitCode: 1,
    });
    expect(readAdsutil(state, command('GET', 'W3SVC/1/ServerAutoStart'))).toEqual({ stdout: ['The parameter "ServerAutoStart" is not set at this node.'], exitCode: 1 });
  });

  it('CREATE_VDIR, SET, APPCREATEPOOLPROC, ENUM, APPDELETE, DELETE through the admin functions', () => {
    const state = buildProfile('win2003');
    const d = new Draft(state);
    expect(writeAdsutil(d, command('CREATE_VDIR', 'W3SVC/1/ROOT/App')).stdout).toEqual(['created "W3SVC/1/ROOT/App"']);
    expect(state.metabase.get('/LM/W3SVC/1/ROOT/App')?.keyType).toBe('IIsWebVirtualDir');
    writeAdsutil(d, command('SET', 'W3SVC/1/ROOT/App/Path', 'C:\\App'));
    writeAdsutil(d, command('SET', 'W3SVC/1/ROOT/App/ScriptMaps', '.a,x.dll,1', '.b,y.dll,5'));
    expect(state.metabase.explicit('/LM/W3SVC/1/ROOT/App', 'ScriptMaps')?.value).toEqual(['.a,x.dll,1', '.b,y.dll,5']);
    expect(writeAdsutil(d, command('APPCREATEPOOLPROC', 'W3SVC/1/ROOT/App')).stdout).toEqual(['Application created.']);
    expect(state.metabase.isApplication(state.metabase.get('/LM/W3SVC/1/ROOT/App')!)).toBe(true);
    expect(readAdsutil(state, command('ENUM', 'W3SVC/1/ROOT', '/P')).stdout).toEqual(['[/W3SVC/1/ROOT/App]']);
    expect(writeAdsutil(d, command('APPDELETE', 'W3SVC/1/ROOT/App')).stdout).toEqual(['Application deleted.']);
    expect(writeAdsutil(d, command('DELETE', 'W3SVC/1/ROOT/App/Path')).stdout).toEqual(['deleted property "Path"']);
    expect(writeAdsutil(d, command('DELETE', 'W3SVC/1/ROOT/App')).stdout).toEqual(['deleted path "W3SVC/1/ROOT/App"']);
    expect(state.metabase.has('/LM/W3SVC/1/ROOT/App')).toBe(false);
    expect(() => writeAdsutil(d, command('CREATE', 'W3SVC/1/ROOT'))).toThrow(AdminError);
  });

  it('refuses unknown verbs and missing arguments', () => {
    expect(parseAdsutil(['APPCREATEINPROC', 'W3SVC/1/ROOT'])).toMatchObject({ ok: false, message: expect.stringContaining('not emulated') });
    expect(parseAdsutil(['SET', 'W3SVC/1/ROOT/Path'])).toMatchObject({ ok: false });
    expect(parseAdsutil(['GET'])).toMatchObject({ ok: false });
  });
});
