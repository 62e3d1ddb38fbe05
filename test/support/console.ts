import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { main as aspnetRegiis } from '../../src/cli/aspnet-regiis.js';
import { main as metabase } from '../../src/cli/metabase.js';

export interface Ran {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A console that records what a program printed. */
export function captureIo(env: Record<string, string | undefined> = {}): Io & { stdout: () => string; stderr: () => string } {
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

/** Runs one of the two programs in-process against a machine file. */
export async function run(program: 'aspnet_regiis' | 'metabase', db: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Ran> {
  const io = captureIo(env);
  const main = program === 'aspnet_regiis' ? aspnetRegiis : metabase;
  const exit = await main(['--db', db, ...args], io);
  return { exit, stdout: io.stdout(), stderr: io.stderr() };
}

/** A fresh temporary folder, removed when the test finishes. */
export function tempDir(onCleanup: (fn: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'regiis-sim-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
