import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** The SHA-256 of a file's bytes, to prove a command left it exactly as it was. */
export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** What a folder holds, sorted: shows side files (-wal, -shm, -journal, temporaries) a command left behind. */
export function listing(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** A stack trace line as Node prints it (`    at fn (file:line:col)`). */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** True when `text` is exactly one non-empty line ended by a newline. */
export const isOneLine = (text: string): boolean => /^[^\n]+\n$/.test(text);
