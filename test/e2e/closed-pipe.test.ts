import { spawn } from 'node:child_process';
import { beforeAll, expect } from 'vitest';
import { mb, test } from '../support/fixtures.js';
import { BIN, requireBuild } from '../support/spawn.js';
import { STACK_LINE } from '../support/files.js';

/** `metabase ... | head -1`: the reader closes the pipe early; the program must not die with a stack trace. */

beforeAll(requireBuild);

test('a reader that closes the pipe early gets no EPIPE crash', async ({ db }) => {
  expect((await mb(db, 'set', 'W3SVC/1/ROOT', 'ServerComment', 'x'.repeat(512 * 1024))).exit).toBe(0);
  const child = spawn(process.execPath, [BIN.metabase, '--db', db, 'get', 'W3SVC/1/ROOT', 'ServerComment'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  // Read one chunk, then hang up, as `head -c 10` would.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).not.toMatch(STACK_LINE);
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(0);
});
