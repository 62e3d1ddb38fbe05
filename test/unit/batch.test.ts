import { describe, expect, it } from 'vitest';
import { applySet, batchEnvironment, batchLines, expandVariables, installerVersion, interpretLine, notEmulatedLines, toolFromPath } from '../../src/playbook/batch.js';

const env = (): Map<string, string> => batchEnvironment('C:\\WINDOWS');
const step = (line: string, vars = env()) => interpretLine(line, vars, 'upgrade.cmd');

describe('batch lines', () => {
  it('numbers CRLF and LF lines alike', () => {
    expect(batchLines('a\r\nb\nc')).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
    ]);
  });

  it.each([
    ['@echo off'],
    ['echo on'],
    ['rem a comment with aspnet_regiis -ua'],
    ['REM'],
    [':: another comment'],
    [':label'],
    ['pause'],
    ['   '],
    ['echo'],
  ])('%s does nothing', (line) => {
    expect(step(line)).toEqual({ kind: 'nothing' });
  });

  it('echo prints its text; echo. prints an empty line', () => {
    expect(step('echo Upgrading %COMPUTERNAME% to 2.0')).toEqual({ kind: 'echo', text: 'Upgrading  to 2.0' });
    expect(step('@ECHO.')).toEqual({ kind: 'echo', text: '' });
  });
});

describe('variables', () => {
  it('expands %windir% and %SystemRoot% (any case) to the machine folder', () => {
    expect(expandVariables('%windir%\\x %SYSTEMROOT%\\y %SystemDrive%', env()).text).toBe('C:\\WINDOWS\\x C:\\WINDOWS\\y C:');
    expect(expandVariables('%windir%', batchEnvironment('C:\\WINNT')).text).toBe('C:\\WINNT');
  });

  it('expands an undefined variable to nothing and %% to one %', () => {
    expect(expandVariables('a%NOPE%b 100%%', env()).text).toBe('ab 100%');
  });

  it('gives the batch no parameters: %1 is empty, %0 its name, %~dp0 its own folder', () => {
    expect(expandVariables('[%1] [%*] %0 %~dp0dotnetfx.exe', env(), 'up.cmd').text).toBe('[] [] up.cmd .\\dotnetfx.exe');
  });

  it('refuses substitutions', () => {
    expect(step('echo %PATH:~0,3%')).toMatchObject({ kind: 'not-emulated', reason: expect.stringContaining('%PATH:~0,3%') });
  });

  it('set NAME=VALUE, set "NAME=VALUE" (quotes dropped) and set NAME= (removes it)', () => {
    const vars = env();
    const set = (line: string) => {
      const s = step(line, vars);
      if (s.kind !== 'set') throw new Error(`not a set: ${line}`);
      applySet(vars, s);
    };
    set('set FW=%windir%\\Microsoft.NET\\Framework64\\v2.0.50727');
    set('set "APP=W3SVC/1/ROOT/My App" ');
    expect(vars.get('FW')).toBe('C:\\WINDOWS\\Microsoft.NET\\Framework64\\v2.0.50727');
    expect(vars.get('APP')).toBe('W3SVC/1/ROOT/My App');
    expect(step('%fw%\\aspnet_regiis.exe -s "%APP%"', vars)).toEqual({
      kind: 'run',
      program: 'aspnet_regiis',
      argv: ['--framework', '2.0.50727', '-s', 'W3SVC/1/ROOT/My App'],
    });
    set('set APP=');
    expect(vars.has('APP')).toBe(false);
  });

  it('refuses set /a, set /p and listing', () => {
    for (const line of ['set /a N=1+1', 'set /p X=Name?', 'set', 'set PATH']) expect(step(line).kind, line).toBe('not-emulated');
  });
});

describe('aspnet_regiis by its path', () => {
  it.each([
    ['C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_regiis.exe', '1.1.4322'],
    ['%windir%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_regiis.exe', '2.0.50727'],
    ['%windir%\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_regiis.exe', '2.0.50727'],
    ['"C:\\WINDOWS\\Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_regiis"', '4.0.30319'],
    ['c:/windows/microsoft.net/framework/V1.0.3705/ASPNET_REGIIS.EXE', '1.0.3705'],
  ])('%s runs the %s tool', (path, version) => {
    expect(step(`${path} -i`)).toEqual({ kind: 'run', program: 'aspnet_regiis', argv: ['--framework', version, '-i'] });
  });

  it('a bare aspnet_regiis runs the default tool', () => {
    expect(step('aspnet_regiis.exe -lk')).toEqual({ kind: 'run', program: 'aspnet_regiis', argv: ['-lk'] });
    expect(toolFromPath('aspnet_regiis')).toEqual({ framework: undefined });
  });

  it('a path outside a framework folder fails its line', () => {
    expect(step('C:\\tools\\aspnet_regiis.exe -i')).toMatchObject({ kind: 'fail', reason: expect.stringContaining('not in a framework folder') });
    expect(step('C:\\WINDOWS\\Microsoft.NET\\Framework\\v3.5\\aspnet_regiis.exe -i')).toMatchObject({ kind: 'fail' });
  });

  it('keeps quoted words whole and passes --words to the tool, not the emulator', () => {
    expect(step('aspnet_regiis -s "W3SVC/1/ROOT/a ""b"""')).toMatchObject({ argv: ['-s', 'W3SVC/1/ROOT/a "b"'] });
    expect(step('aspnet_regiis --db other.db -lk')).toMatchObject({ argv: ['/-db', 'other.db', '-lk'] });
  });

  it('drops redirections that discard output, refuses the others', () => {
    expect(step('aspnet_regiis -i >nul 2>&1')).toMatchObject({ kind: 'run', argv: ['-i'] });
    expect(step('aspnet_regiis -i 2>NUL')).toMatchObject({ kind: 'run', argv: ['-i'] });
    expect(step('aspnet_regiis -lk > keys.txt')).toMatchObject({ kind: 'not-emulated', reason: expect.stringContaining('>keys.txt') });
    expect(step('aspnet_regiis -lk | find "App"')).toMatchObject({ kind: 'not-emulated', reason: expect.stringContaining('pipes') });
    expect(step('aspnet_regiis -i && iisreset')).toMatchObject({ kind: 'not-emulated' });
    expect(step('echo "a > b" inside quotes')).toEqual({ kind: 'echo', text: '"a > b" inside quotes' });
  });
});

describe('other commands', () => {
  it('cscript adsutil.vbs with or without //nologo and a path', () => {
    expect(step('cscript //nologo C:\\Inetpub\\AdminScripts\\adsutil.vbs SET W3SVC/1/ROOT/AppPoolId "Pool 2"')).toEqual({
      kind: 'adsutil',
      words: ['SET', 'W3SVC/1/ROOT/AppPoolId', 'Pool 2'],
    });
    expect(step('CSCRIPT.EXE adsutil.vbs ENUM W3SVC')).toEqual({ kind: 'adsutil', words: ['ENUM', 'W3SVC'] });
    expect(step('cscript other.vbs')).toMatchObject({ kind: 'not-emulated' });
  });

  it('iisreset restarts; its other modes are not emulated', () => {
    expect(step('iisreset')).toEqual({ kind: 'run', program: 'metabase', argv: ['iisreset'] });
    expect(step('iisreset.exe /noforce /timeout:30')).toEqual({ kind: 'run', program: 'metabase', argv: ['iisreset'] });
    expect(step('iisreset /stop')).toMatchObject({ kind: 'not-emulated' });
  });

  it.each([
    ['dotnetfx35.exe /q', '2.0.50727'],
    ['NetFx20SP2_x86.exe /passive', '2.0.50727'],
    ['dotNetFx40_Full_x86_x64.exe /q /norestart', '4.0.30319'],
    ['NDP48-x86-x64-AllOS-ENU.exe /q', '4.0.30319'],
    ['\\\\server\\share\\NET11\\dotnetfx.exe /q:a', '1.1.4322'],
    ['D:\\setup\\1.0\\dotnetfx.exe', '1.0.3705'],
    ['D:\\redist\\v2.0.50727\\dotnetfx.exe', '2.0.50727'],
  ])('%s installs %s', (line, version) => {
    expect(step(line)).toEqual({ kind: 'run', program: 'metabase', argv: ['framework', 'install', version] });
  });

  it('understands /c:"install /noaspupgrade"', () => {
    expect(step('NET11\\dotnetfx.exe /q:a /c:"install /q /noaspupgrade"')).toEqual({
      kind: 'run',
      program: 'metabase',
      argv: ['framework', 'install', '1.1.4322', '--noaspupgrade'],
    });
  });

  it('a dotnetfx.exe whose path names no version fails its line', () => {
    expect(installerVersion('dotnetfx.exe')).toBeUndefined();
    expect(step('dotnetfx.exe /q')).toMatchObject({ kind: 'fail', reason: expect.stringContaining('cannot tell which') });
  });

  it('exit, exit /b and exit /b N', () => {
    expect(step('exit')).toEqual({ kind: 'exit', code: 0 });
    expect(step('exit /b')).toEqual({ kind: 'exit', code: 0 });
    expect(step('EXIT /B 3')).toEqual({ kind: 'exit', code: 3 });
    expect(step('exit /b %ERRORLEVEL%')).toEqual({ kind: 'exit', code: 0 });
  });

  it.each(['net stop w3svc', 'goto end', 'if exist x echo y', 'call other.cmd', 'copy a b'])('%s is not emulated', (line) => {
    expect(step(line)).toMatchObject({ kind: 'not-emulated' });
  });
});

describe('checking a batch before it runs', () => {
  it('finds the lines that are not emulated, with their numbers, following set and stopping at exit', () => {
    const lines = batchLines(['@echo off', 'set CMD=net', '%CMD% stop w3svc', 'aspnet_regiis -i', 'exit /b 0', 'goto nowhere'].join('\r\n'));
    expect(notEmulatedLines(lines, env())).toEqual([{ line: 3, text: '%CMD% stop w3svc', reason: 'the command net is not emulated' }]);
  });
});
