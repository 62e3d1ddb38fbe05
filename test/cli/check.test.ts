import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

interface JsonFinding {
  severity: string;
  code: string;
  text: string;
  fix: string;
  keys: string[];
}

const findings = async (db: string): Promise<JsonFinding[]> => {
  const got = await mb(db, 'check', '--json');
  return JSON.parse(got.stdout) as JsonFinding[];
};

describe('metabase check', () => {
  test('a clean machine: "no findings", exit 0; --json an empty array', async ({ db }) => {
    await mb(db, 'init');
    expect(await mb(db, 'check')).toEqual({ exit: 0, stdout: 'no findings\n', stderr: '' });
    expect(await mb(db, 'check', '--strict')).toMatchObject({ exit: 0 });
    expect(JSON.parse((await mb(db, 'check', '--json')).stdout)).toEqual([]);
  });

  test('an error: one line per finding, severity and code first, exit 1 (scenario 02)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Legacy', '--path', 'C:\\Inetpub\\Legacy', '--app');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/Legacy');
    const got = await mb(db, 'check');
    expect(got.exit).toBe(1);
    const lines = got.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^error +pool-clr-conflict: pool DefaultAppPool: applications on CLR 1\.1\.4322 and 2\.0\.50727 \(event 1062 waiting to happen\): W3SVC\/1\/ROOT \(2\.0\.50727\), W3SVC\/1\/ROOT\/Legacy \(1\.1\.4322\)\. To fix: /,
    );
    expect(lines[1]).toMatch(/^warning older-under-newer: /);
    // Once the application has its own pool, only the warning is left: exit 0, but 1 with --strict.
    await mb(db, 'pool', 'add', 'Legacy11');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/Legacy', 'Legacy11');
    expect((await mb(db, 'check')).exit).toBe(0);
    expect((await mb(db, 'check', '--strict')).exit).toBe(1);
    expect((await findings(db)).map((f) => [f.severity, f.code])).toEqual([['warning', 'older-under-newer']]);
  });

  test('a key stripped by -u is found from the audit log, until it is mapped again (scenario 05)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await regiis(db, '--framework', '2.0', '-u');
    const stripped = (await findings(db)).filter((f) => f.code === 'stripped-served-as-text');
    expect(stripped.map((f) => f.keys)).toEqual([['W3SVC']]);
    expect(stripped[0]!.text).toContain('aspnet_regiis (2.0.50727) -u');
    expect((await mb(db, 'request', 'http://localhost/default.aspx')).stdout).toContain('plain text');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC');
    expect((await findings(db)).filter((f) => f.code === 'stripped-served-as-text')).toEqual([]);
  });

  test('a key stripped by -k is found too', async ({ db }) => {
    await mb(db, 'init');
    await regiis(db, '-k', 'W3SVC');
    expect((await findings(db)).map((f) => [f.code, f.keys])).toEqual([['stripped-served-as-text', ['W3SVC']]]);
  });

  test('a worker process older than a -norestart change is information naming -norestart (scenario 09)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    await mb(db, 'pool', 'add', 'AppPool2');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/App', 'AppPool2');
    await mb(db, 'request', 'http://localhost/App/default.aspx');
    await regiis(db, '--framework', '1.1', '-norestart', '-s', 'W3SVC/1/ROOT/App');
    const got = await mb(db, 'check');
    expect(got.exit).toBe(0);
    expect(got.stdout).toMatch(/^info +outdated-worker: w3wp\.exe #1 of pool AppPool2 .*-norestart/m);
    await mb(db, 'recycle', 'AppPool2');
    const after = await mb(db, 'check');
    expect(after.exit).toBe(0);
    expect(after.stdout).not.toContain('outdated-worker');
    expect(after.stdout).toMatch(/^warning older-under-newer: /);
  });
});
