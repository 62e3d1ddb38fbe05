import { asList, inherits } from '../metabase/metabase.js';
import { pathKey, selfAndAncestors } from '../metabase/paths.js';
import { sameList } from '../metabase/scriptmaps.js';
import type { Draft } from '../machine/machine.js';

/** The effective ScriptMaps a key had before the run began. */
function effectiveBefore(d: Draft, path: string): readonly string[] {
  let first = true;
  for (const p of selfAndAncestors(path)) {
    const prop = d.original(p, 'ScriptMaps');
    if (prop && (first || inherits(prop))) return asList(prop.value);
    first = false;
  }
  return [];
}

/**
 * The applications whose AppDomains a run recycles (machine.md §5): all of them when W3SVC restarts,
 * otherwise those whose effective script maps differ entry by entry from before the run.
 */
export function recycledApplications(d: Draft, restarted: boolean): string[] {
  const apps = [...d.metabase.applications()];
  if (restarted) return apps.map((app) => app.path);
  const touched = d.changes.flatMap((c) =>
    c.kind === 'setProperty' && c.after.name.toLowerCase() === 'scriptmaps'
      ? [c.path]
      : c.kind === 'deleteProperty' && c.before.name.toLowerCase() === 'scriptmaps'
        ? [c.path]
        : [],
  );
  if (touched.length === 0) return [];
  // An application is hit when it, or a key above it, had its list touched: look up its ancestors in a set
  // rather than compare every application with every touched key.
  const hit = new Set(touched.map(pathKey));
  return apps
    .filter((app) => selfAndAncestors(app.path).some((path) => hit.has(pathKey(path))))
    .filter((app) => !sameList(effectiveBefore(d, app.path), asList(d.metabase.effective(app.path, 'ScriptMaps')?.property.value)))
    .map((app) => app.path);
}
