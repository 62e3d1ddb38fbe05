// A process that runs many commands of the built programs one after another, each exactly as its bin does
// (bin/*.js call the same `main` with the process's console): used to load one machine file from several
// processes at once without paying Node's start-up for every command. Argument: a JSON array of argv arrays,
// each starting with the program's name. Exit 1 if any command failed; each failure is reported on stderr.
import { main as aspnetRegiis } from '../../dist/src/cli/aspnet-regiis.js';
import { main as metabase } from '../../dist/src/cli/metabase.js';

const commands = JSON.parse(process.argv[2]);
let failed = 0;
for (const [program, ...args] of commands) {
  let err = '';
  const io = { out: () => {}, err: (text) => void (err += text), env: {}, isTTY: false };
  const code = await (program === 'aspnet_regiis' ? aspnetRegiis : metabase)(args, io);
  if (code !== 0) {
    failed++;
    process.stderr.write(`${program} ${args.join(' ')} -> exit ${code}: ${err}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
