import { notFound } from '../../app/errors.js';
import { inspect, mutate } from '../../app/session.js';
import { createRaw, deleteRaw, requireKey, setRaw } from '../../iis/admin.js';
import { type Property, inherits } from '../../metabase/metabase.js';
import { selfAndAncestors, toolPath } from '../../metabase/paths.js';
import type { MachineState } from '../../machine/machine.js';
import { type Command, optStr, str, strs } from '../command.js';
import { done, print, withMachine } from '../context.js';

interface Shown {
  readonly name: string;
  readonly value: Property['value'];
  /** The key it is inherited from; undefined when the key holds it. */
  readonly inheritedFrom?: string;
}

/** Every property a key holds, then every inheritable one it takes from above (nearest first). */
function propertiesOf(state: MachineState, typed: string): Shown[] {
  const key = requireKey({ metabase: state.metabase }, typed);
  const shown: Shown[] = [...key.properties.values()].map((p) => ({ name: p.name, value: p.value }));
  const seen = new Set(key.properties.keys());
  for (const ancestor of selfAndAncestors(key.path).slice(1)) {
    for (const [id, prop] of state.metabase.get(ancestor)?.properties ?? []) {
      if (seen.has(id) || !inherits(prop)) continue;
      seen.add(id);
      shown.push({ name: prop.name, value: prop.value, inheritedFrom: `${toolPath(state.metabase.canonical(ancestor))}/` });
    }
  }
  return shown;
}

function valueLines(value: Property['value']): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

export const get: Command = {
  command: 'get <key> [property]',
  describe: 'print a property held at the key or inherited (one entry a line), or every property of the key',
  run: async (args, ctx) => {
    const name = optStr(args, 'property');
    const typed = str(args, 'key');
    await withMachine(ctx, (store) =>
      inspect(store, (state) => {
        if (name !== undefined) {
          const key = requireKey({ metabase: state.metabase }, typed);
          const found = state.metabase.effective(key.path, name);
          if (!found) throw notFound(`${typed}: ${name} is not set here and not inherited`);
          print(ctx, found.property.value, () => valueLines(found.property.value));
          return;
        }
        const shown = propertiesOf(state, typed);
        print(ctx, shown, () =>
          shown.flatMap((p) => {
            const suffix = p.inheritedFrom ? `  (inherited from ${p.inheritedFrom})` : '';
            return typeof p.value === 'string' ? [`${p.name} = ${p.value}${suffix}`] : [`${p.name}${suffix}`, ...p.value.map((v) => `  ${v}`)];
          }),
        );
      }),
    );
  },
};

export const set: Command = {
  command: 'set <key> <property> <values..>',
  describe: 'set a property (a MULTISZ takes one value per entry)',
  run: async (args, ctx) => {
    const path = await withMachine(ctx, (store) =>
      mutate(store, ctx.clock, ctx.commandLine, (d) => ({ result: setRaw(d, str(args, 'key'), str(args, 'property'), strs(args, 'values')) })),
    );
    done(ctx, `set ${toolPath(path)} ${str(args, 'property')}`);
  },
};

export const remove: Command = {
  command: 'delete <key> [property]',
  describe: 'delete a property, or a key with everything below it',
  run: async (args, ctx) => {
    const name = optStr(args, 'property');
    const path = await withMachine(ctx, (store) => mutate(store, ctx.clock, ctx.commandLine, (d) => ({ result: deleteRaw(d, str(args, 'key'), name) })));
    done(ctx, name === undefined ? `deleted ${toolPath(path)} and everything below it` : `deleted ${name} at ${toolPath(path)}`);
  },
};

export const create: Command = {
  command: 'create <key>',
  describe: 'create a key',
  builder: (y) => y.option('type', { type: 'string', default: 'IIsObject', describe: 'its KeyType (IIsWebDirectory, IIsWebVirtualDir, ...)' }),
  run: async (args, ctx) => {
    const path = await withMachine(ctx, (store) => mutate(store, ctx.clock, ctx.commandLine, (d) => ({ result: createRaw(d, str(args, 'key'), str(args, 'type')) })));
    done(ctx, `created ${toolPath(path)} (${str(args, 'type')})`);
  },
};
