/** Pieces of output are gathered up to this many characters before they are written. */
const CHUNK = 1 << 16;

/**
 * Writes `value` exactly as `JSON.stringify(value, null, 2)` and a newline, in pieces: the plan of a run on a
 * hosting server is hundreds of megabytes of JSON, which as one string (built, indented, then encoded) took
 * gigabytes of memory. Objects and arrays are written member by member down to `depth` levels (the plan's
 * keys and changes are at the third); each member below that is one `JSON.stringify`.
 */
export function writeJson(write: (text: string) => void, value: unknown, depth = 3): void {
  let pending = '';
  const out = (text: string): void => {
    pending += text;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  };
  member(out, jsonable(value), '', depth);
  write(`${pending}\n`);
}

/** What JSON makes of a value in an object (undefined: the member is left out) or, as null, in an array. */
function jsonable(value: unknown): unknown {
  const own = value as { toJSON?: () => unknown } | null | undefined;
  const plain = typeof own?.toJSON === 'function' ? own.toJSON() : value;
  return typeof plain === 'function' || typeof plain === 'symbol' ? undefined : plain;
}

function member(out: (text: string) => void, value: unknown, indent: string, depth: number): void {
  if (depth <= 0 || value === null || typeof value !== 'object') {
    out((JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return out('[]');
    out('[\n');
    value.forEach((item, i) => {
      out(inner);
      member(out, jsonable(item) ?? null, inner, depth - 1);
      out(i < value.length - 1 ? ',\n' : '\n');
    });
    return out(`${indent}]`);
  }
  const entries = Object.entries(value)
    .map(([name, item]) => [name, jsonable(item)] as const)
    .filter(([, item]) => item !== undefined);
  if (entries.length === 0) return out('{}');
  out('{\n');
  entries.forEach(([name, item], i) => {
    out(`${inner}${JSON.stringify(name)}: `);
    member(out, item, inner, depth - 1);
    out(i < entries.length - 1 ? ',\n' : '\n');
  });
  out(`${indent}}`);
}
