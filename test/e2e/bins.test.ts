import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The real compiled programs, spawned as users run them (`npm test` builds dist/ first). */
const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = (name: string) => join(ROOT, 'bin', `${name}.js`);

let cwd: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'aspnet-regiis.js'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  cwd = mkdtempSync(join(tmpdir(), 'regiis-e2e-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const run = (name: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN(name), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('the installed programs', () => {
  it('create ./metabase.db with the default machine on first use', () => {
    const lv = run('aspnet_regiis', ['-lv']);
    expect(lv).toEqual({ exit: 0, stdout: '1.1.4322.0\tValid (Root)\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll\n', stderr: '' });
    expect(existsSync(join(cwd, 'metabase.db'))).toBe(true);
  });

  it('rehearse an application moved to another framework', () => {
    expect(run('metabase', ['vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app']).exit).toBe(0);
    expect(run('metabase', ['framework', 'install', '2.0', '--noaspupgrade']).exit).toBe(0);
    const s = run('aspnet_regiis', ['--framework', '2.0', '/s', 'W3SVC/1/ROOT/App'], { REGIIS_NOW: '2026-01-01T00:00:00Z' });
    expect(s).toEqual({
      exit: 0,
      stdout: 'Start registering ASP.NET scriptmap (2.0.50727) recursively at W3SVC/1/ROOT/App.\nFinished registering ASP.NET scriptmap (2.0.50727) recursively at W3SVC/1/ROOT/App.\n',
      stderr: '',
    });
    expect(run('aspnet_regiis', ['-lk']).stdout).toBe('W3SVC/\t1.1.4322.0\nW3SVC/1/ROOT/App/\t2.0.50727.0\n');
  });

  it('exit 1 with the real message on bad options, and stderr for emulator errors, no stack traces', () => {
    expect(run('aspnet_regiis', ['-sn'])).toEqual({ exit: 1, stdout: 'Invalid arguments.\n', stderr: '' });
    const missing = run('aspnet_regiis', ['--db', join(cwd, 'no', 'such', 'dir.db'), '-lv']);
    expect(missing.exit).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const bad = run('metabase', ['pool', 'assign', 'W3SVC/1/ROOT', 'Nope']);
    expect(bad.exit).toBe(1);
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('--crlf and --detailed-exitcode work from the shell', () => {
    expect(run('aspnet_regiis', ['--crlf', '-lk']).stdout).toBe('W3SVC/\t1.1.4322.0\r\nW3SVC/1/ROOT/App/\t2.0.50727.0\r\n');
    expect(run('aspnet_regiis', ['--detailed-exitcode', '--framework', '2.0', '-sn', 'W3SVC/1/ROOT']).exit).toBe(2);
  });
});
