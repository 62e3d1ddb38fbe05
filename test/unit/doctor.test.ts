import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Problem, machineProblems } from '../../src/machine/doctor.js';
import { Draft, type MachineState } from '../../src/machine/machine.js';
import { type ProfileName, buildProfile } from '../../src/machine/profiles.js';
import { property } from '../../src/metabase/metabase.js';
import { addPool, addSite, addVirtualDirectory, assignPool, createApplication, deleteApplication } from '../../src/iis/admin.js';
import { parseToolArgs } from '../../src/regiis/args.js';
import { FRAMEWORK_VERSIONS, type FrameworkVersion } from '../../src/regiis/frameworks.js';
import { breakFramework, installFramework, uninstallFramework } from '../../src/regiis/setup.js';
import { runTool } from '../../src/regiis/tool.js';
import { cloneState, commandSpec, commandWords } from '../support/arbitraries.js';

const errors = (state: MachineState): Problem[] => machineProblems(state).filter((p) => p.severity === 'error');
const codes = (state: MachineState): string[] => machineProblems(state).map((p) => `${p.severity} ${p.code}${p.key ? ` ${p.key}` : ''}`);

/** The workshop's own operations (not the raw ones, which can write anything, as adsutil can). */
type AdminStep =
  | { readonly kind: 'site' }
  | { readonly kind: 'vdir'; readonly app: boolean; readonly pool: boolean }
  | { readonly kind: 'pool' }
  | { readonly kind: 'assign' }
  | { readonly kind: 'app-delete' }
  | { readonly kind: 'install' | 'uninstall' | 'break'; readonly version: FrameworkVersion };

const adminStep: fc.Arbitrary<AdminStep> = fc.oneof(
  fc.constant({ kind: 'site' as const }),
  fc.record({ kind: fc.constant('vdir' as const), app: fc.boolean(), pool: fc.boolean() }),
  fc.constant({ kind: 'pool' as const }),
  fc.constant({ kind: 'assign' as const }),
  fc.constant({ kind: 'app-delete' as const }),
  fc.record({ kind: fc.constantFrom('install' as const, 'uninstall' as const, 'break' as const), version: fc.constantFrom(...FRAMEWORK_VERSIONS) }),
);

/** Plays one workshop step the way its command does: a refused step changes nothing (its draft is dropped). */
function playAdmin(before: MachineState, step: AdminStep, n: number): MachineState {
  const state = cloneState(before);
  const d = new Draft(state);
  const pools = [...state.metabase.childrenOf('/LM/W3SVC/AppPools')].map((k) => k.path.slice(k.path.lastIndexOf('/') + 1));
  const apps = [...state.metabase.applications()];
  try {
    switch (step.kind) {
      case 'site':
        addSite(d, { name: `Site${n}` });
        break;
      case 'vdir':
        addVirtualDirectory(d, `W3SVC/1/ROOT/V${n}`, `C:\\V${n}`, step.app, step.app && step.pool ? pools[n % Math.max(pools.length, 1)] : undefined);
        break;
      case 'pool':
        addPool(d, `Pool${n}`);
        break;
      case 'assign':
        if (apps.length > 0) assignPool(d, apps[n % apps.length]!.path, pools[n % Math.max(pools.length, 1)] ?? 'DefaultAppPool');
        break;
      case 'app-delete':
        if (apps.length > 0) deleteApplication(d, apps[n % apps.length]!.path);
        else createApplication(d, 'W3SVC/1/ROOT', undefined);
        break;
      case 'install':
        if (!state.frameworks.get(step.version)?.installed) installFramework(d, step.version, n % 2 === 0);
        break;
      case 'uninstall':
        if (state.frameworks.get(step.version)?.installed) uninstallFramework(d, step.version);
        break;
      case 'break':
        if (state.frameworks.get(step.version)?.installed) breakFramework(d, step.version);
        break;
    }
  } catch (error) {
    if ((error as Error).name !== 'AdminError') throw error;
    return before;
  }
  return state;
}

describe('doctor: the machine invariants', () => {
  test('every profile is healthy', () => {
    for (const profile of ['win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare'] as ProfileName[]) {
      expect(machineProblems(buildProfile(profile)), profile).toEqual([]);
    }
  });

  test('no sequence of the tool and workshop commands breaks an invariant', () => {
    const step = fc.oneof(commandSpec.map((c) => ({ tool: c })), adminStep.map((a) => ({ admin: a })));
    fc.assert(
      fc.property(fc.constantFrom<ProfileName>('win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare'), fc.array(step, { maxLength: 12 }), (profile, steps) => {
        let state = buildProfile(profile);
        for (const [n, s] of steps.entries()) {
          if ('admin' in s) {
            state = playAdmin(state, s.admin, n);
            continue;
          }
          const words = commandWords(state, s.tool);
          const parsed = parseToolArgs(words, s.tool.tool, state.os === 'win2000');
          if (parsed.ok) runTool(new Draft(state), parsed.command, s.tool.tool);
        }
        expect(errors(state)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('a key whose parent is gone, and a malformed path', () => {
    const state = buildProfile('win2003');
    state.metabase.put({ path: '/LM/W3SVC/9/ROOT', keyType: 'IIsWebVirtualDir', properties: new Map() });
    state.metabase.put({ path: '/LM/W3SVC//x/', keyType: 'IIsWebVirtualDir', properties: new Map() });
    expect(codes(state)).toEqual(['error orphan-key /LM/W3SVC/9/ROOT', 'error bad-path /LM/W3SVC//x/']);
  });

  test('malformed ScriptMaps: a single string, entries without processor or flags', () => {
    const state = buildProfile('win2003');
    const d = new Draft(state);
    d.setProperty('/LM/W3SVC/1/ROOT', property('ScriptMaps', ['.aspx,C:\\x\\aspnet_isapi.dll,1', '.asp', ',C:\\y.dll,5', '.php,C:\\php.dll,five']));
    d.createKey('/LM/W3SVC/1/ROOT/A', 'IIsWebDirectory');
    d.setProperty('/LM/W3SVC/1/ROOT/A', { ...property('ScriptMaps', '.aspx,C:\\x.dll,1'), dataType: 'STRING' });
    const found = machineProblems(state);
    expect(found.map((p) => `${p.code} ${p.key}`)).toEqual([
      'bad-scriptmap /LM/W3SVC/1/ROOT',
      'bad-scriptmap /LM/W3SVC/1/ROOT',
      'bad-scriptmap /LM/W3SVC/1/ROOT',
      'scriptmaps-not-a-list /LM/W3SVC/1/ROOT/A',
    ]);
    expect(found[0]!.text).toContain('entry 2');
  });

  test('an AppPoolId naming a pool that does not exist (IIS 6 only)', () => {
    const state = buildProfile('win2003');
    new Draft(state).setProperty('/LM/W3SVC/1/ROOT', property('AppPoolId', 'Nowhere'));
    expect(codes(state)).toEqual(['error missing-pool /LM/W3SVC/1/ROOT']);
    new Draft(state).setProperty('/LM/W3SVC/1/ROOT', property('AppPoolId', 'defaultapppool'));
    expect(codes(state)).toEqual([]);
  });

  test('frameworks: unknown versions, files without a folder, registered but broken (a note), services astray', () => {
    const state = buildProfile('win2003-net20');
    breakFramework(new Draft(state), '2.0.50727');
    expect(codes(state)).toEqual(['note framework-invalid']);
    state.frameworks.set('3.0.4506' as FrameworkVersion, { version: '3.0.4506' as FrameworkVersion, installed: true, registered: false, isapiPresent: true });
    state.frameworks.set('1.0.3705', { version: '1.0.3705', installed: false, registered: false, isapiPresent: true });
    state.services = { stateService: '1.0.3705', perfCounters: '1.1.4322', aspnetAccount: true };
    expect(codes(state)).toEqual([
      'note framework-invalid',
      'error unknown-framework',
      'error framework-files',
      'error services',
      'error services',
    ]);
  });

  test('a registered version whose Web Service Extension entry and filter key were removed by hand (notes)', () => {
    const state = buildProfile('win2003');
    const d = new Draft(state);
    d.setProperty('/LM/W3SVC', property('WebSvcExtRestrictionList', ['0,*.dll']));
    d.deleteKey('/LM/W3SVC/Filters/ASP.NET_1.1.4322.0');
    expect(codes(state)).toEqual(['note no-web-service-extension /LM/W3SVC', 'note no-filter /LM/W3SVC/Filters/ASP.NET_1.1.4322.0']);
  });
});
