import { type Property, property } from '../../src/metabase/metabase.js';
import { moveList } from '../../src/metabase/scriptmaps.js';
import { type MachineState, processorPath } from '../../src/machine/machine.js';
import { buildProfile, iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import type { FrameworkVersion } from '../../src/regiis/frameworks.js';
import { openStore } from '../../src/store/open.js';
import { insertMachine } from '../../src/store/machine-repo.js';
import { appendAudit } from '../../src/store/log-repo.js';

/**
 * A large machine for crash and load tests, built directly (no `metabase generate`): the `win2003-net20`
 * profile plus `sites` web sites of `appsPerSite` applications each, every site root and application holding
 * an explicit ScriptMaps list on `version`, with its home directory present.
 */
export function bigMachine(sites: number, appsPerSite: number, version: FrameworkVersion = '1.1.4322'): MachineState {
  const state = buildProfile('win2003-net20');
  const list = moveList(iisDefaultScriptMaps(state.windir), version, processorPath(state, version));
  const key = (path: string, keyType: string, ...properties: Property[]): void =>
    state.metabase.put({ path, keyType, properties: new Map(properties.map((p) => [p.name.toLowerCase(), p])) });
  const app = (path: string, home: string): Property[] => [
    property('Path', home),
    property('AppRoot', path),
    property('AppFriendlyName', path.slice(path.lastIndexOf('/') + 1)),
    property('AppIsolated', '2'),
    property('ScriptMaps', list),
  ];
  for (let s = 0; s < sites; s++) {
    const id = 100 + s;
    const site = `/LM/W3SVC/${id}`;
    const home = `C:\\Sites\\Site${id}`;
    key(site, 'IIsWebServer', property('ServerComment', `Site ${id}`), property('ServerBindings', [`:80:site${id}.example.com`]));
    key(`${site}/ROOT`, 'IIsWebVirtualDir', ...app(`${site}/ROOT`, home));
    state.directories.set('c:\\sites', 'C:\\Sites');
    state.directories.set(home.toLowerCase(), home);
    for (let a = 0; a < appsPerSite; a++) {
      const path = `${site}/ROOT/App${a}`;
      key(path, 'IIsWebVirtualDir', ...app(path, `${home}\\App${a}`));
    }
  }
  return state;
}

/** Writes a machine into a new file through the real store (insertMachine, insertMetabase). */
export async function writeMachine(file: string, state: MachineState, time = '2026-01-01T00:00:00.000Z'): Promise<void> {
  const store = await openStore(file, {
    initialise: async (s) => {
      await insertMachine(s.db, state, time);
      await appendAudit(s.db, [{ kind: 'command', text: 'machine created by the test builder' }], time);
    },
  });
  await store.close();
}
