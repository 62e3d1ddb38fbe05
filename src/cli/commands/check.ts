import { checkServer } from '../../app/runtime.js';
import { checkFails } from '../../iis/check.js';
import { type Command, flag } from '../command.js';
import { print, withMachine } from '../context.js';

/** `check [--strict]`: one line per finding; exit 1 on an error (with --strict, on a warning too). */
export const check: Command = {
  command: 'check',
  describe: 'find what will break, and say what to do',
  builder: (y) => y.option('strict', { type: 'boolean', default: false, describe: 'exit 1 on a warning too' }),
  run: async (args, ctx) => {
    const findings = await withMachine(ctx, checkServer);
    print(ctx, findings, () =>
      findings.length === 0 ? ['no findings'] : findings.map((f) => `${f.severity.padEnd(7)} ${f.code}: ${f.text}. To fix: ${f.fix}.`),
    );
    return checkFails(findings, flag(args, 'strict')) ? 1 : 0;
  },
};
