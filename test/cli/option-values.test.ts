import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';
import { isOneLine } from '../support/files.js';

/** Option values yargs hands over in shapes the commands did not expect (found by the argv fuzzer). */
describe('options given twice, without a value, or negated', () => {
  test.for([
    [['--framework', '--framework', '-lk'], /--framework: give a version/],
    [['--framework', '2.0', '--no-framework', '-lk'], /--framework: give a value/],
    [['--no-db', '-lk'], /--db: give a value/],
    [['--now', '', '-lk'], /--now: not an ISO 8601 time/],
  ])('aspnet_regiis %j is refused in one line', async ([args, message], { db }) => {
    const got = await regiis(db, ...(args as string[]));
    expect(got.exit).toBe(1);
    expect(isOneLine(got.stderr), got.stderr).toBe(true);
    expect(got.stderr).toMatch(message as RegExp);
    expect(got.stderr).not.toMatch(/internal error/);
  });

  test('aspnet_regiis: the last of two values wins', async ({ db }) => {
    const got = await regiis(db, '--framework', '4.0', '--framework', '1.1', '--json', '--json', '-lv');
    expect(got.exit, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout).tool).toBe('1.1.4322');
  });

  test.for([
    [['--no-db', 'pool', 'list'], /--db: give a value/],
    [['site', 'add', 'X', '--id', 'abc'], /--id: not a number: abc/],
    [['site', 'add', 'X', '--no-path'], /--path: give a value/],
    [['events', '--id', 'x1'], /--id: not a number: x1/],
    [['tree', '--depth', 'deep'], /--depth: not a number: deep/],
    [['pool', 'list', '--now', ''], /--now: not an ISO 8601 time/],
  ])('metabase %j is refused in one line', async ([args, message], { db }) => {
    const got = await mb(db, ...(args as string[]));
    expect(got.exit).toBe(1);
    expect(isOneLine(got.stderr), got.stderr).toBe(true);
    expect(got.stderr).toMatch(message as RegExp);
  });

  test('metabase: the last of two values wins, and lists stay lists', async ({ db }) => {
    expect((await mb(db, 'site', 'add', 'X', '--id', '7', '--id', '8')).stdout).toBe('added site W3SVC/8\n');
    expect((await mb(db, 'set', 'W3SVC/8/ROOT', 'HttpCustomHeaders', 'a: 1', 'b: 2')).exit).toBe(0);
    const got = await mb(db, 'get', 'W3SVC/8/ROOT', 'HttpCustomHeaders', '--json', '--json');
    expect(JSON.parse(got.stdout)).toEqual(['a: 1', 'b: 2']);
  });
});
