import type { Argv } from 'yargs';
import { badInput } from '../app/errors.js';
import type { Context } from './context.js';
import { optionFlag, optionText } from './globals.js';

/**
 * One `metabase` command: its yargs signature, a builder for its own options, and a handler that turns the
 * parsed arguments into a typed call. Commands are listed in one array in `metabase.ts`.
 */
export interface Command {
  readonly command: string;
  readonly describe: string;
  readonly builder?: (y: Argv) => Argv;
  readonly run: (args: Args, ctx: Context) => Promise<number | void>;
}

/** Parsed arguments as yargs gives them; commands read them through the typed helpers below. */
export type Args = Readonly<Record<string, unknown>>;

export const str = (args: Args, name: string): string => optionText(name, args[name]) ?? '';
export const optStr = (args: Args, name: string): string | undefined => optionText(name, args[name]);
export const strs = (args: Args, name: string): string[] => ((args[name] as unknown[] | undefined) ?? []).map(String);
export const flag = (args: Args, name: string): boolean => optionFlag(args[name]);
/** A number option; yargs turns `--id abc` into NaN, which must not reach the command as a number. */
export function optNum(args: Args, name: string): number | undefined {
  const text = optionText(name, args[name]);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw badInput(`--${name}: not a number: ${text}`);
  return value;
}

/** A group of subcommands (`site add`, `pool list`) under one word. */
export function group(name: string, describe: string, commands: readonly Command[], register: (y: Argv, c: Command) => Argv): Command {
  return {
    command: name,
    describe,
    builder: (y) => commands.reduce(register, y).demandCommand(1, `${name}: name a subcommand`),
    run: async () => undefined,
  };
}
