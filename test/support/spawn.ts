import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The real programs, as installed: the bin shims over dist/ (built by `npm test` before the tests run). */
const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = { aspnet_regiis: join(ROOT, 'bin', 'aspnet_regiis.js'), metabase: join(ROOT, 'bin', 'metabase.js') } as const;

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'aspnet-regiis.js'))) {
    throw new Error('dist/ is missing: these tests spawn the built programs; run `npm run build` (npm test does)');
  }
}

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts one of the programs; `REGIIS_*` variables of the test's environment never leak in. */
export function start(program: keyof typeof BIN, args: readonly string[]): { child: ChildProcess; exited: Promise<Exited> } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGIIS_')));
  const child = spawn(process.execPath, [BIN[program], ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

export const runBin = (program: keyof typeof BIN, args: readonly string[]): Promise<Exited> => start(program, args).exited;
