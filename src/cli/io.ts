/** The console a CLI entry writes to: the real process, or a capture in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal (colour, progress); false in pipes and tests. */
  readonly isTTY: boolean;
  /** True when stderr is a terminal: progress bars go there. */
  readonly errIsTTY?: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  errIsTTY: process.stderr.isTTY === true,
};

/** Writes lines, each ended by `eol`. */
export function writeLines(write: (text: string) => void, lines: readonly string[], eol = '\n'): void {
  if (lines.length > 0) write(lines.map((line) => line + eol).join(''));
}

/** Colour only on a terminal and never when NO_COLOR is set (https://no-color.org). */
export function useColour(io: Io): boolean {
  return io.isTTY && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
}
