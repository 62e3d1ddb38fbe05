import { type GenerateOptions, type GeneratedSummary, generateHostingServer } from '../iis/generate.js';
import type { Store } from '../store/open.js';
import { replaceMachine } from '../store/machine-repo.js';
import { appendAudit } from '../store/log-repo.js';
import { loadRuntime, saveRuntime } from '../store/runtime-repo.js';
import { restart } from '../iis/runtime.js';
import type { Clock } from './clock.js';

/**
 * `metabase generate`: builds a hosting server (pure) and writes it over the machine in one transaction,
 * keeping the logs, which record the command and what it built.
 */
export async function generateMachine(store: Store, options: GenerateOptions, clock: Clock, commandLine: string): Promise<GeneratedSummary> {
  const { state, summary } = generateHostingServer(options);
  return store.write(async () => {
    await replaceMachine(store.sqlite, state);
    // A new server: no worker process of the old one runs on.
    await saveRuntime(store.sqlite, restart(await loadRuntime(store.sqlite)));
    await appendAudit(
      store.sqlite,
      [
        { kind: 'command', text: commandLine },
        {
          kind: 'note',
          text: `machine replaced by a generated hosting server: ${summary.sites} sites, ${summary.keys} keys, ${summary.scriptMaps} explicit ScriptMaps, ${summary.pools} app pools (seed ${summary.seed})`,
        },
      ],
      clock.now(),
    );
    return summary;
  });
}
