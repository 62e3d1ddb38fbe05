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

/**
 * A reader that goes away early (`aspnet_regiis -lk | head -1`) closes the pipe: what is left to print is
 * dropped instead of crashing the program with an unhandled EPIPE and a stack trace. The command itself has
 * finished (or finishes) normally, its transaction committed or not exactly as without the pipe.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return stream;
}

export const processIo: Io = {
  out: (text) => quietOnClosedPipe(process.stdout).write(text),
  err: (text) => quietOnClosedPipe(process.stderr).write(text),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  errIsTTY: process.stderr.isTTY === true,
};

/** A console that keeps what a program printed: playbook steps run in-process, and tests. */
export function captureIo(env: Io['env'] = {}): Io & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env,
    isTTY: false,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Writes lines, each ended by `eol`. */
export function writeLines(write: (text: string) => void, lines: readonly string[], eol = '\n'): void {
  if (lines.length > 0) write(lines.map((line) => line + eol).join(''));
}
