import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../src/cli/io.js';
import { main as aspnetRegiis } from '../../src/cli/aspnet-regiis.js';
import { main as metabase } from '../../src/cli/metabase.js';

// Tests capture output with the program's own console (playbook steps run the same way).
export { captureIo };

export interface Ran {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
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
