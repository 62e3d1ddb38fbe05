import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/cli/format/json.js';

/** `writeJson` streams what `JSON.stringify(value, null, 2)` would print, byte for byte, in bounded pieces. */
const written = (value: unknown, depth?: number): { text: string; pieces: string[] } => {
  const pieces: string[] = [];
  writeJson((t) => pieces.push(t), value, depth);
  return { text: pieces.join(''), pieces };
};

// JSON values, with members JSON leaves out (undefined, functions) and values it changes (toJSON, NaN).
const odd = fc.constantFrom<unknown>(undefined, () => 1, Number.NaN, -0, { toJSON: () => 'dated' }, 'line\nbreak "quoted"');
const shapes = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), odd, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 }),
}));
// What the programs print is always an object or an array.
const value = fc.oneof(shapes.object, shapes.array, fc.jsonValue());

describe('JSON output', () => {
  it('is JSON.stringify(value, null, 2) and a newline, at every depth it streams to', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (v, depth) => {
        expect(written(v, depth).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it('writes a large value in pieces of bounded size, never as one string', () => {
    const plan = { diff: { keys: Array.from({ length: 5000 }, (_, i) => ({ path: `/LM/W3SVC/${i}/ROOT`, list: Array(40).fill('.aspx,C:\\x.dll,1') })) } };
    const { text, pieces } = written(plan);
    expect(text).toBe(`${JSON.stringify(plan, null, 2)}\n`);
    expect(pieces.length).toBeGreaterThan(50);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2 * 65536);
  });
});
