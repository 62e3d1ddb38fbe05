import { diagnose } from '../../app/doctor.js';
import type { Problem } from '../../machine/doctor.js';
import type { Command } from '../command.js';
import { print } from '../context.js';

const line = (p: Problem): string => `${p.severity} ${p.code}${p.key === undefined ? '' : ` ${p.key}`}: ${p.text}`;

export const doctor: Command = {
  command: 'doctor',
  describe: "check the file (SQLite integrity, foreign keys, rows) and the machine's invariants; exit 1 on an error",
  run: async (_args, ctx) => {
    const problems = await diagnose(ctx.db);
    print(ctx, problems, () => (problems.length === 0 ? ['no problems found'] : problems.map(line)));
    return problems.some((p) => p.severity === 'error') ? 1 : 0;
  },
};
