import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Plans, snapshots and playbooks through the real compiled programs, spawned as a user runs them. */
const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = (name: string) => join(ROOT, 'bin', `${name}.js`);

let cwd: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'metabase.js'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  cwd = mkdtempSync(join(tmpdir(), 'regiis-e2e-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const run = (name: string, args: string[]) => {
  const r = spawnSync(process.execPath, [BIN(name), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('rehearsing from the shell', () => {
  it('snapshot, play a batch on the machine, diff, plan, restore', () => {
    expect(run('metabase', ['init', '--profile', 'win2003-net20']).exit).toBe(0);
    expect(run('metabase', ['snapshot', 'save', 'before']).exit).toBe(0);
    writeFileSync(
      join(cwd, 'pin.cmd'),
      '@echo off\r\ncscript //nologo adsutil.vbs CREATE_VDIR W3SVC/1/ROOT/Old\r\ncscript //nologo adsutil.vbs APPCREATEPOOLPROC W3SVC/1/ROOT/Old\r\n%windir%\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_regiis.exe -s W3SVC/1/ROOT/Old\r\n',
    );
    const played = run('metabase', ['play', 'pin.cmd']);
    expect(played).toMatchObject({ exit: 0, stderr: '' });
    expect(played.stdout.endsWith('3 passed, 0 failed\n')).toBe(true);
    expect(run('metabase', ['diff', 'before']).stdout).toContain('ScriptMaps: 2.0.50727 (inherited) -> 1.1.4322');
    expect(run('metabase', ['plan', '--', '--detailed-exitcode', '-r']).exit).toBe(2);
    expect(run('metabase', ['snapshot', 'restore', 'before']).exit).toBe(0);
    expect(run('aspnet_regiis', ['-lk']).stdout).toBe('W3SVC/\t2.0.50727.0\n');
  }, 30_000);

  it('a scenario with --junit: exit 1 on a failure, a report on disk', () => {
    writeFileSync(join(cwd, 's.yaml'), 'machine: { profile: win2003 }\nsteps:\n  - run: aspnet_regiis -lk\n    expect: { stdout: "W3SVC/\\t2.0.50727.0\\n" }\n');
    const got = run('metabase', ['play', 's.yaml', '--junit', 'out.xml']);
    expect(got.exit).toBe(1);
    expect(got.stdout.endsWith('0 passed, 1 failed\n')).toBe(true);
    expect(readFileSync(join(cwd, 'out.xml'), 'utf8')).toContain('<failure message="stdout line 1: expected &quot;W3SVC/\\t2.0.50727.0&quot;, got &quot;W3SVC/\\t1.1.4322.0&quot;">');
  }, 30_000);
});
