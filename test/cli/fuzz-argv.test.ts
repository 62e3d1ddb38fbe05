import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { main as aspnetRegiis } from '../../src/cli/aspnet-regiis.js';
import { main as metabase } from '../../src/cli/metabase.js';
import { captureIo, run, tempDir } from '../support/console.js';
import { STACK_LINE, hashFile, listing } from '../support/files.js';
import { dirname } from 'node:path';

/**
 * Random command lines for both programs, run in-process: never an exception out of `main`, never a stack
 * trace or an "internal error", always exit 0 or 1 (2 only with --detailed-exitcode), and a message with 1.
 * A command that fails leaves the machine file byte for byte as it was (but the tool's documented partial
 * failure, "Setup has detected some errors", which keeps what was done).
 */

const PATHS = ['W3SVC', 'W3SVC/', 'W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/', 'w3svc/1/root/App', 'W3SVC/2/ROOT', '/', '', 'W3SVC//1', 'W3SVC/AppPools/DefaultAppPool', 'W3SVC/Filters', '/LM', 'LM'];
const VALUES = ['1.0', '1.1', '2.0', '3.5', '4', '4.8', '5.0', 'v2.0.50727', 'abc', '-1', '0', '99999999999999999999', 'NaN', '2026-01-01T00:00:00Z', 'yesterday', ':80:', 'a:b:c', 'C:\\Sites\\X', 'C:\\', '\\\\server\\share', 'DefaultAppPool', 'Pool2', 'ScriptMaps', 'AppPoolId', 'IIsWebDirectory', 'true', 'false', '%windir%', '"', "'", '*', '..', '.', '\u00e9t\u00e9', '\ud83d\ude00', 'x'.repeat(300)];
const TOOL_OPTIONS = ['-i', '-ir', '-iru', '-r', '-s', '-sn', '-k', '-kn', '-u', '-ua', '-lv', '-lk', '-c', '-e', '-ea', '-ga', '-enable', '-disable', '-norestart', '-?', '/?', '/LK', '/s', '-S', '-pe', '-config+', '-x', '-', '/', '-s-', '--', '---'];
const EMULATOR_OPTIONS = ['--framework', '--what-if', '--json', '--detailed-exitcode', '--now', '--crlf', '--framework=4.8', '--json=false', '--what-if=maybe', '--now=', '--help', '--version', '--no-json', '--bogus', '--crlf', '--framework='];
const METABASE_WORDS = [
  'init', 'profiles', 'site', 'add', 'vdir', 'app', 'create', 'delete', 'pool', 'assign', 'list', 'mode', 'iis6', 'iis6-iis5-isolation', 'iis5',
  'framework', 'install', 'uninstall', 'break', 'get', 'set', 'files', 'mkdir', 'rm', 'events', 'tree', 'check', 'request', 'export', 'import', 'snapshot', 'doctor',
  '--profile', 'win2000', 'win2003-net40', 'iis6-bare', 'nope', '--force', '--id', '--bindings', '--path', '--pool', '--app', '--type', '--log', 'audit', 'application',
  '--since', '--source', '--depth', '--noaspupgrade', '--json', '--now', '--help', '-h', '--version', '--strict', '--', '--no-json', '--id=3', '--log=x', '--at',
  'save', 'restore', 'base', 'diff', 'plan', 'play', '--tap', '--keep-going', '--verbose', '--inherited', 'iisreset', 'recycle', 'http://localhost/x.aspx',
];

/** A word the fuzzer may use: never one that names another file to write (--db and friends are fixed). */
const safe = (word: string): boolean => !/^-+(no-)?(db|out|junit)/i.test(word) && !word.includes('\0');

const anyWord = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PATHS, ...VALUES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);
const regiisArgv = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOOL_OPTIONS) }, { weight: 2, arbitrary: fc.constantFrom(...EMULATOR_OPTIONS) }, { weight: 3, arbitrary: anyWord }), { maxLength: 7 });
const metabaseArgv = fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...METABASE_WORDS) }, { weight: 3, arbitrary: anyWord }), { maxLength: 7 });

let template: string;
let db: string;
beforeAll(async () => {
  const dir = tempDir((fn) => process.on('exit', fn));
  template = join(dir, 'template.db');
  db = join(dir, 'fuzz.db');
  expect((await run('metabase', template, ['init', '--profile', 'win2003-net40'])).exit).toBe(0);
  copyFileSync(template, db);
});

async function expectWellBehaved(program: 'aspnet_regiis' | 'metabase', words: string[]): Promise<void> {
  const argv = ['--db', db, '--now', '2026-01-01T00:00:00Z', ...words.filter(safe)];
  const io = captureIo({});
  const before = hashFile(db);
  const main = program === 'aspnet_regiis' ? aspnetRegiis : metabase;
  let exit: number;
  try {
    exit = await main(argv, io);
  } catch (error) {
    throw new Error(`${program} ${JSON.stringify(argv)} threw: ${(error as Error).stack}`);
  }
  const output = io.stdout() + io.stderr();
  const where = `${program} ${JSON.stringify(argv.slice(4))} -> ${exit}\n${output}`;
  const detailed = program === 'aspnet_regiis' && argv.some((w) => /^--detailed-exitcode(=|$)/.test(w));
  expect(detailed ? [0, 1, 2] : [0, 1], where).toContain(exit);
  expect(output, where).not.toMatch(STACK_LINE);
  expect(output, where).not.toMatch(/internal error/i);
  if (exit === 1) expect(output.trim(), where).not.toBe('');
  if (exit === 1 && !output.includes('Setup has detected some errors')) expect(hashFile(db), where).toBe(before);
  expect(listing(dirname(db)), where).toEqual(['fuzz.db', 'template.db']);
}

describe('random command lines', () => {
  test('aspnet_regiis', async () => {
    await fc.assert(
      fc.asyncProperty(regiisArgv, async (words) => {
        await expectWellBehaved('aspnet_regiis', words);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  test('metabase', async () => {
    await fc.assert(
      fc.asyncProperty(metabaseArgv, async (words) => {
        await expectWellBehaved('metabase', words);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
