import { toolPath } from '../../metabase/paths.js';
import type { KeyDelta, MachineDiff, PropertyDelta, PropertySide, ScriptMapsDelta, WorkerDelta } from '../../machine/diff.js';
import type { FrameworkView, ServicesView } from '../../machine/diff.js';

/** Pure formatters: a `MachineDiff` as the lines `--what-if` and `metabase diff` print. */

const keyName = (path: string): string => `${toolPath(path)}/`;
// Windows paths read better unescaped: values are shown between plain double quotes.
const quote = (value: string): string => `"${value}"`;

function valueText(side: PropertySide | null): string {
  if (side === null) return '(none)';
  return typeof side.value === 'string' ? quote(side.value) : `(${side.value.length} entries)`;
}

const versionText = (v: ScriptMapsDelta['before']): string =>
  `${v.version ?? (v.list.length === 0 ? 'no script maps' : 'no ASP.NET')}${v.inherited ? ' (inherited)' : ''}`;

function scriptMapsLines(delta: ScriptMapsDelta, verbose: boolean): string[] {
  const lines = [
    `ScriptMaps: ${versionText(delta.before)} -> ${versionText(delta.after)}: ${delta.moved.length} moved, ${delta.added.length} added, ${delta.dropped.length} dropped`,
  ];
  if (verbose) {
    for (const m of delta.moved) lines.push(`  moved   ${m.before}`, `       -> ${m.after}`);
    for (const e of delta.added) lines.push(`  added   ${e}`);
    for (const e of delta.dropped) lines.push(`  dropped ${e}`);
  }
  return lines;
}

function propertyLines(p: PropertyDelta, key: KeyDelta, verbose: boolean): string[] {
  if (p.name.toLowerCase() === 'scriptmaps' && key.scriptMaps) return scriptMapsLines(key.scriptMaps, verbose);
  const before = p.before?.value;
  const after = p.after?.value;
  if (before !== undefined && after !== undefined && typeof before !== 'string' && typeof after !== 'string') {
    // Lists: the entries that appeared and went, in their order.
    const removed = before.filter((e) => !after.includes(e));
    const added = after.filter((e) => !before.includes(e));
    const lines = [`${p.name}: ${before.length} -> ${after.length} entries${removed.length + added.length === 0 ? ' (reordered)' : ''}`];
    for (const e of removed) lines.push(`  - ${quote(e)}`);
    for (const e of added) lines.push(`  + ${quote(e)}`);
    return lines;
  }
  const lines = [`${p.name}: ${valueText(p.before)} -> ${p.after === null ? '(deleted)' : valueText(p.after)}`];
  // A list that appears (or replaces a single value) shows its entries.
  if (after !== undefined && typeof after !== 'string') for (const e of after) lines.push(`  + ${quote(e)}`);
  return lines;
}

function keyLines(key: KeyDelta, verbose: boolean): string[] {
  if (key.change === 'removed') {
    const lines = [`- ${keyName(key.path)} (${key.keyType.before})`];
    if (verbose) for (const p of key.properties) lines.push(`    ${p.name} = ${valueText(p.before)}`);
    return lines;
  }
  const head =
    key.change === 'added'
      ? `+ ${keyName(key.path)} (${key.keyType.after})`
      : key.keyType.before !== key.keyType.after
        ? `~ ${keyName(key.path)} (${key.keyType.before} -> ${key.keyType.after})`
        : `~ ${keyName(key.path)}`;
  return [head, ...key.properties.flatMap((p) => propertyLines(p, key, verbose).map((l) => `    ${l}`))];
}

const frameworkText = (f: FrameworkView | null): string =>
  f === null
    ? 'absent'
    : [f.installed ? 'installed' : 'files removed', f.registered ? 'registered' : 'not registered', ...(f.isapiPresent ? [] : ['aspnet_isapi.dll missing'])].join(', ');

function servicesLines(before: ServicesView, after: ServicesView): string[] {
  const lines: string[] = [];
  if (before.stateService !== after.stateService) lines.push(`aspnet_state service: ${before.stateService ?? 'none'} -> ${after.stateService ?? 'none'}`);
  if (before.perfCounters !== after.perfCounters) lines.push(`performance counters: ${before.perfCounters ?? 'none'} -> ${after.perfCounters ?? 'none'}`);
  if (before.aspnetAccount !== after.aspnetAccount) lines.push(`ASPNET account: ${before.aspnetAccount ? 'present' : 'absent'} -> ${after.aspnetAccount ? 'present' : 'absent'}`);
  return lines;
}

const section = (title: string, lines: readonly string[]): string[] => (lines.length === 0 ? [] : [`${title}:`, ...lines.map((l) => `  ${l}`)]);

/** The sections of a diff: keys, registrations (frameworks and shared services), files, grants, pools. */
export function diffLines(diff: MachineDiff, verbose = false): string[] {
  return [
    ...section('Machine', diff.machine.map((m) => `${m.field}: ${m.before} -> ${m.after}`)),
    ...section('Keys', diff.keys.flatMap((k) => keyLines(k, verbose))),
    ...section('Registrations', [
      ...diff.frameworks.map((f) => `framework ${f.version}: ${frameworkText(f.before)} -> ${frameworkText(f.after)}`),
      ...(diff.services ? servicesLines(diff.services.before, diff.services.after) : []),
    ]),
    ...section('Files', [...diff.directories.added.map((d) => `+ ${d}`), ...diff.directories.removed.map((d) => `- ${d}`)]),
    ...section('Grants', [
      ...diff.grants.added.map((g) => `+ ${g.principal} (ASP.NET ${g.version})`),
      ...diff.grants.removed.map((g) => `- ${g.principal} (ASP.NET ${g.version})`),
    ]),
    ...section(
      'Pools',
      diff.pools.flatMap((p) => [
        `${p.pool}${p.change === 'changed' ? '' : ` (${p.change})`}`,
        ...p.joined.map((a) => `  + ${keyName(a)}`),
        ...p.left.map((a) => `  - ${keyName(a)}`),
      ]),
    ),
  ];
}

/** Worker processes that started, stopped or changed their AppDomains (only `metabase diff` shows them). */
export function workerLines(workers: readonly WorkerDelta[]): string[] {
  return section(
    'Workers',
    workers.flatMap((w) => [
      `${w.worker.image}${w.worker.pool ? ` (pool ${w.worker.pool})` : ''}${w.worker.clr ? ` CLR ${w.worker.clr}` : ''}, started ${w.worker.startedAt}: ${w.change}`,
      ...w.loaded.map((a) => `  + AppDomain ${keyName(a)}`),
      ...w.unloaded.map((a) => `  - AppDomain ${keyName(a)}`),
    ]),
  );
}
