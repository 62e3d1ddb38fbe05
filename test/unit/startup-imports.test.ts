import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A cold start of `aspnet_regiis` must stay close to Node's own: its entry may not load Kysely or yargs
 * before it runs (they are loaded on demand, by `await import`, when a file needs migrating or an
 * emulator option is written unusually). The workshop needs yargs, and Kysely only in a few commands. This follows the static imports from the entry through the
 * sources, skipping type-only imports, which TypeScript erases.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');

/** The value imports of a source file: relative ones resolved to .ts files, packages by name. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+([^;]*?)\s+from\s+'([^']+)'/gms)) {
    const clause = match[1]!;
    if (/^type\b/.test(clause)) continue;
    const named = /^\{([^}]*)\}$/s.exec(clause.trim());
    if (named && named[1]!.split(',').every((part) => part.trim() === '' || /^type\b/.test(part.trim()))) continue;
    found.push(match[2]!);
  }
  for (const match of text.matchAll(/^import\s+'([^']+)'/gm)) found.push(match[1]!);
  return found;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else seen.add(`package:${spec.split('/')[0]}`);
    }
  }
  return seen;
}

describe('what a cold start loads', () => {
  const fromTool = reachable(join(ROOT, 'src', 'cli', 'aspnet-regiis.ts'));

  it('aspnet_regiis loads neither Kysely nor yargs nor the metabase CLI before it runs', () => {
    expect(fromTool.has(join(ROOT, 'src', 'store', 'open.ts'))).toBe(true);
    expect(fromTool.has('package:better-sqlite3')).toBe(true);
    expect(fromTool.has('package:kysely')).toBe(false);
    expect(fromTool.has('package:yargs')).toBe(false);
    expect([...fromTool].filter((f) => f.includes(join('src', 'cli', 'commands')) || f.endsWith(join('src', 'cli', 'metabase.ts')))).toEqual([]);
  });

  it('the metabase CLI loads yargs but not Kysely (commands that need it load it: store.kysely())', () => {
    const fromWorkshop = reachable(join(ROOT, 'src', 'cli', 'metabase.ts'));
    expect(fromWorkshop.has('package:yargs')).toBe(true);
    expect(fromWorkshop.has('package:kysely')).toBe(false);
  });
});
