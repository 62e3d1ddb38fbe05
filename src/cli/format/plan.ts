import { asList } from '../../metabase/metabase.js';
import { toolPath } from '../../metabase/paths.js';
import { listVersion, parseEntry } from '../../metabase/scriptmaps.js';
import type { Change } from '../../machine/machine.js';

/** What happened to a list's entries: moved (same extension, new text), added, dropped. */
export function entryDelta(before: readonly string[], after: readonly string[]): { moved: number; added: number; dropped: number } {
  const byExtBefore = new Map(before.map((e) => [parseEntry(e).extension.toLowerCase(), e]));
  const extsAfter = new Set<string>();
  let moved = 0;
  let added = 0;
  for (const entry of after) {
    const ext = parseEntry(entry).extension.toLowerCase();
    extsAfter.add(ext);
    const old = byExtBefore.get(ext);
    if (old === undefined) added++;
    else if (old !== entry) moved++;
  }
  const dropped = [...byExtBefore.keys()].filter((ext) => !extsAfter.has(ext)).length;
  return { moved, added, dropped };
}

const versionText = (list: readonly string[] | undefined): string => (list === undefined ? '(inherits)' : (listVersion(list) ?? 'none'));

/** The per-change lines of a plan (`--what-if`); `verbose` adds the full lists. */
export function planLines(changes: readonly Change[], verbose = false): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    switch (change.kind) {
      case 'setProperty':
        if (change.after.name.toLowerCase() === 'scriptmaps') {
          const before = change.before ? asList(change.before.value) : undefined;
          const after = asList(change.after.value);
          const delta = entryDelta(before ?? [], after);
          lines.push(
            `  ${toolPath(change.path)}/  ScriptMaps  ${versionText(before)} -> ${versionText(after)}  (moved ${delta.moved}, added ${delta.added}, dropped ${delta.dropped})`,
          );
          if (verbose) for (const entry of after) lines.push(`      ${entry}`);
        } else {
          lines.push(`  ${toolPath(change.path)}/  ${change.after.name} = ${JSON.stringify(change.after.value)}`);
        }
        break;
      case 'deleteProperty':
        lines.push(`  ${toolPath(change.path)}/  ${change.before.name} deleted`);
        break;
      case 'createKey':
        lines.push(`  create key ${toolPath(change.path)} (${change.keyType})`);
        break;
      case 'deleteKey':
        lines.push(`  delete key ${toolPath(change.path)}`);
        break;
      case 'framework':
        lines.push(
          `  framework ${change.after.version}: ${change.after.registered ? 'registered' : 'not registered'}, ${change.after.installed ? 'installed' : 'not installed'}${change.after.isapiPresent ? '' : ', aspnet_isapi.dll missing'}`,
        );
        break;
      case 'mkdir':
        lines.push(`  mkdir ${change.path}`);
        break;
      case 'rmdir':
        lines.push(`  rmdir ${change.path}`);
        break;
      case 'services':
        lines.push(
          `  services: aspnet_state ${change.after.stateService ?? 'none'}, performance counters ${change.after.perfCounters ?? 'none'}, ASPNET account ${change.after.aspnetAccount ? 'present' : 'absent'}`,
        );
        break;
      case 'setupLog':
        lines.push(`  setup log ASPNETSetup_${String(change.next - 1).padStart(5, '0')}.log written`);
        break;
      case 'grant':
        lines.push(`  grant ${change.user} access (ASP.NET ${change.version})`);
        break;
    }
  }
  return lines;
}
