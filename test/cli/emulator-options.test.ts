import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEmulatorOptions, quickEmulatorOptions } from '../../src/cli/aspnet-regiis.js';

/** The emulator options' fast path must read every argv it accepts exactly as yargs does. */

const value = fc.oneof(
  fc.constantFrom('2.0', '4', '4.0.30319', 'v2.0.50727', '1.1', '2026-01-01T00:00:00Z', 'C:\\machines\\m.db', '/tmp/a b.db', 'x', '0', '10', 'true', 'false'),
  fc.stringMatching(/^[A-Za-z0-9_.:\\/][A-Za-z0-9_.:\\/ -]{0,12}$/),
);
const option = fc.oneof(
  fc.tuple(fc.constantFrom('--db', '--framework', '--now'), value).map(([name, v]) => [name, v]),
  fc.constantFrom(['--what-if'], ['--json'], ['--detailed-exitcode'], ['--crlf'], ['--verbose']),
);
/** Each option at most once, in any order: the everyday form. */
const everyday = fc
  .uniqueArray(option, { selector: (words) => words[0], maxLength: 8 })
  .chain((options) => fc.shuffledSubarray(options, { minLength: options.length, maxLength: options.length }))
  .map((options) => options.flat());

describe('emulator options', () => {
  it('the fast path reads everyday argv as yargs does', async () => {
    await fc.assert(
      fc.asyncProperty(everyday, async (words) => {
        const quick = quickEmulatorOptions(words);
        expect(quick).toBeDefined();
        expect(quick).toEqual(await parseEmulatorOptions(words));
      }),
      { numRuns: 200 },
    );
  });

  for (const words of [
    ['--db=x.db'],
    ['--db', 'a', '--db', 'b'],
    ['--json', '--json'],
    ['--no-json'],
    ['--db'],
    ['--db', '--json'],
    ['--db', ''],
    ['--now', '-1'],
    ['--DB', 'x'],
    ['--frame', '2.0'],
    ['--whatIf'],
    ['-json'],
  ]) {
    it(`leaves ${JSON.stringify(words)} to yargs`, () => {
      expect(quickEmulatorOptions(words)).toBeUndefined();
    });
  }
});
