/** Errors of the emulator itself (the file, its schema). The CLI turns them into a message and exit 1. */
export class StoreError extends Error {
  constructor(
    readonly code: 'not-a-machine' | 'newer-schema' | 'no-directory' | 'cannot-open' | 'exists' | 'read-only' | 'damaged',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
