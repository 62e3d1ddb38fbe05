#!/usr/bin/env node
// A short rehearsal on ./metabase.db (created with the default Windows Server 2003 machine on first use):
// list the frameworks and mapped keys, create an application, move it to ASP.NET 2.0 with -s, and show what
// that did to the machine: two CLR versions in one pool, the request that loses the race, and the check that
// warns of it. Safe to run again: it only creates what is missing.
import { main as aspnetRegiis } from '../dist/src/cli/aspnet-regiis.js';
import { main as metabase } from '../dist/src/cli/metabase.js';
import { processIo } from '../dist/src/cli/io.js';

const APP = 'W3SVC/1/ROOT/Rehearsal';
const quiet = { ...processIo, out: () => {}, err: () => {} };
const programs = { aspnet_regiis: aspnetRegiis, metabase };

async function step(program, ...args) {
  processIo.out(`\n> ${program} ${args.join(' ')}\n`);
  const code = await programs[program](args, processIo);
  if (code !== 0 && code !== 2) processIo.out(`(exit ${code})\n`);
  return code;
}

const started = new Date().toISOString();
await step('aspnet_regiis', '-lv');
await step('aspnet_regiis', '-lk');
if ((await metabase(['get', APP, 'AppRoot'], quiet)) !== 0) {
  await step('metabase', 'vdir', 'add', APP, '--path', 'C:\\Inetpub\\Rehearsal', '--app');
}
if ((await aspnetRegiis(['--framework', '2.0', '-lv'], quiet)) !== 0) {
  await step('metabase', 'framework', 'install', '2.0', '--noaspupgrade');
}
await step('aspnet_regiis', '--framework', '2.0', '--what-if', '-s', APP);
await step('aspnet_regiis', '--framework', '2.0', '-s', APP);
await step('aspnet_regiis', '-lk');
await step('metabase', 'pool', 'list');
await step('metabase', 'request', 'http://localhost/Rehearsal/default.aspx');
await step('metabase', 'request', 'http://localhost/default.aspx');
await step('metabase', 'check');
await step('metabase', 'events', '--since', started);
processIo.out('\nThe machine is ./metabase.db: look around with `node bin/metabase.js --help`, start over with `node bin/metabase.js init --force`.\n');
