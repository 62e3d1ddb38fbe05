/**
 * Errors a command reports as one clear line on stderr and exit 1. Only the CLI entry turns them into exit
 * codes; the tool's own console errors (`Invalid arguments.`) are outcomes, not exceptions.
 */
export class CommandError extends Error {
  constructor(
    readonly code: 'bad-input' | 'not-found' | 'no-tool' | 'conflict' | 'not-emulated',
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export const badInput = (message: string): CommandError => new CommandError('bad-input', message);
export const notFound = (message: string): CommandError => new CommandError('not-found', message);
