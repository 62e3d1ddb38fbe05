#!/usr/bin/env node
// The benchmark behind README.md's Performance section: `npm run bench` (it builds dist/ first).
//
// It builds machines of about 1k, 10k and 100k keys with `metabase generate`, then runs each command as a
// fresh process, as a user would, and reports the median wall time of several runs and the peak RSS of the
// process. Every command that writes runs on a fresh copy of its machine. Commands this checkout does not
// have yet are listed as such. Figures go to the console and to bench-results.json (git-ignored).
//
//   node test/bench/bench.mjs [--runs N] [--max-keys 10000] [--out FILE] [--only NAME,...]
//
// Plain JavaScript on purpose: vitest only collects *.test.ts, and the benchmark needs no compiling.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = { aspnet_regiis: join(ROOT, 'bin', 'aspnet_regiis.js'), metabase: join(ROOT, 'bin', 'metabase.js') };
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const PROBE = join(ROOT, 'test', 'bench', 'rss-probe.mjs');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}
const RUNS = Math.max(3, Number(option('runs', '3')));
const MAX_KEYS = Number(option('max-keys', '100000'));
const OUT = resolve(option('out', join(ROOT, 'bench-results.json')));
const ONLY = option('only', undefined)?.split(',');

/** The targets of README.md's Performance section. */
const TARGET = { coldStartFactor: 2.5, commandMs: 2000, commandMb: 300, xmlMs: 15000, xmlMb: 400, growth: 12 };

const work = mkdtempSync(join(tmpdir(), 'regiis-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const devNull = openSync('/dev/null', 'w');

/**
 * Runs one process; returns its wall time (ms), peak RSS (MB), exit code and stderr. Peak RSS comes from
 * GNU time when the system has it, else from a preloaded probe that reports the process's own maxRSS.
 */
function measure(argv, env = {}) {
  const rssFile = join(work, 'rss.txt');
  rmSync(rssFile, { force: true });
  const [command, args, extraEnv] = TIME
    ? [TIME, ['-f', '%M', '-o', rssFile, ...argv], {}]
    : [argv[0], argv.slice(1), { NODE_OPTIONS: `--import=${new URL(`file://${PROBE}`).href}`, RSS_PROBE_FILE: rssFile }];
  const started = process.hrtime.bigint();
  const ran = spawnSync(command, args, { stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, ...extraEnv, ...env }, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { ms, mb: kb / 1024, exit: ran.status, stderr: ran.stderr.toString() };
}

/** Runs a program to prepare something (not timed); fails the benchmark when it fails. */
function setup(program, db, ...args) {
  const ran = spawnSync(process.execPath, [BIN[program], '--db', db, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (ran.status !== 0 && !(program === 'metabase' && args[0] === 'check')) {
    throw new Error(`setup failed: ${program} ${args.join(' ')}\n${ran.stderr}`);
  }
  return ran.stdout;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The `metabase` commands this checkout has, from its --help. */
function availableCommands() {
  const help = spawnSync(process.execPath, [BIN.metabase, '--help'], { encoding: 'utf8' }).stdout;
  return new Set([...help.matchAll(/^\s+metabase (\S+)/gm)].map((m) => m[1]));
}

// ---- machines -------------------------------------------------------------------------------------------
const machines = [{ label: 'default', sites: 0 }, { label: '1k', sites: 100 }, { label: '10k', sites: 1000 }, { label: '100k', sites: 10000 }].filter(
  (m) => m.sites * 10 <= MAX_KEYS,
);
for (const machine of machines) {
  machine.db = join(work, `${machine.label}.db`);
  const started = Date.now();
  if (machine.sites === 0) {
    setup('metabase', machine.db, 'init');
    machine.keys = 8;
  } else {
    const out = JSON.parse(setup('metabase', machine.db, 'generate', '--sites', String(machine.sites), '--seed', '1', '--json'));
    machine.keys = out.keys;
  }
  machine.generateMs = Date.now() - started;
  // A site of the machine, for `request` and `-s`: the first generated one (the Default Web Site on default).
  const lk = setup('aspnet_regiis', machine.db, '-lk');
  const site = /^W3SVC\/(\d{3,})\/ROOT\//m.exec(lk)?.[1];
  const bindings = site ? setup('metabase', machine.db, 'get', `W3SVC/${site}`, 'ServerBindings') : ':80:\n';
  machine.host = bindings.split('\n')[0].split(':')[2] || 'localhost';
  console.error(`machine ${machine.label}: ${machine.keys} keys (built in ${machine.generateMs} ms)`);
}

// ---- commands -------------------------------------------------------------------------------------------
const have = availableCommands();
/** Each command: which program, its words, whether it writes (fresh copy per run), what it needs first. */
const COMMANDS = [
  { name: 'aspnet_regiis -lv', program: 'aspnet_regiis', args: () => ['-lv'] },
  { name: 'aspnet_regiis -lk', program: 'aspnet_regiis', args: () => ['-lk'] },
  { name: 'aspnet_regiis -i', program: 'aspnet_regiis', args: () => ['-i'], writes: true },
  { name: 'aspnet_regiis -r', program: 'aspnet_regiis', args: () => ['-r'], writes: true },
  { name: 'aspnet_regiis -s W3SVC/1/ROOT', program: 'aspnet_regiis', args: () => ['-s', 'W3SVC/1/ROOT'], writes: true },
  { name: 'aspnet_regiis -k W3SVC', program: 'aspnet_regiis', args: () => ['-k', 'W3SVC'], writes: true },
  { name: 'aspnet_regiis -u', program: 'aspnet_regiis', args: () => ['-u'], writes: true },
  { name: 'aspnet_regiis --what-if -r', program: 'aspnet_regiis', args: () => ['--what-if', '-r'] },
  { name: 'metabase request', program: 'metabase', needs: 'request', args: (m) => ['request', `http://${m.host}/default.aspx`], writes: true },
  { name: 'metabase check', program: 'metabase', needs: 'check', args: () => ['check'] },
  { name: 'metabase tree --depth 2', program: 'metabase', needs: 'tree', args: () => ['tree', '--depth', '2'] },
  { name: 'metabase snapshot save', program: 'metabase', needs: 'snapshot', args: () => ['snapshot', 'save', 'bench'], writes: true },
  {
    name: 'metabase snapshot restore',
    program: 'metabase',
    needs: 'snapshot',
    args: () => ['snapshot', 'restore', 'bench'],
    writes: true,
    prepare: (db) => setup('metabase', db, 'snapshot', 'save', 'bench'),
  },
  {
    name: 'metabase export (MetaBase.xml)',
    program: 'metabase',
    needs: 'export',
    args: (m) => ['export', '--out', join(work, `${m.label}-out.xml`)],
    xml: true,
    // export refuses to overwrite a file: each run writes a new one.
    beforeRun: (m) => rmSync(join(work, `${m.label}-out.xml`), { force: true }),
  },
  {
    name: 'metabase import (MetaBase.xml)',
    program: 'metabase',
    needs: 'import',
    // Into a fresh default machine: the file replaces its metabase.
    args: (m) => ['import', m.xml],
    writes: true,
    xml: true,
    fresh: true,
    before: (m) => {
      m.xml = join(work, `${m.label}.xml`);
      setup('metabase', m.db, 'export', '--out', m.xml);
    },
  },
].filter((c) => !ONLY || ONLY.some((o) => c.name.includes(o)));

const results = [];
const missing = [];
const failures = [];
const freshDefault = join(work, 'fresh-default.db');
setup('metabase', freshDefault, 'init');

// The floor: a Node process that does nothing.
{
  const runs = Array.from({ length: Math.max(RUNS, 5) }, () => measure([process.execPath, '-e', '0']));
  results.push({ command: 'node -e 0', machine: '-', keys: 0, runs: runs.map((r) => r.ms), medianMs: median(runs.map((r) => r.ms)), peakMb: Math.max(...runs.map((r) => r.mb)) });
}

for (const command of COMMANDS) {
  if (command.needs && (!have.has(command.needs) || (command.before && !have.has('export')))) {
    missing.push(command.name);
    continue;
  }
  for (const machine of machines) {
    command.before?.(machine);
    const source = command.fresh ? freshDefault : machine.db;
    const template = join(work, 'template.db');
    copyFileSync(source, template);
    command.prepare?.(template);
    const runs = [];
    const exits = new Set();
    // The cold start is the target that matters most and the noisiest: give it more runs.
    const count = command.name === 'aspnet_regiis -lv' && machine.label === 'default' ? Math.max(RUNS, 7) : RUNS;
    for (let i = 0; i < count; i++) {
      let db = template;
      if (command.writes) {
        db = join(work, 'run.db');
        for (const suffix of ['-wal', '-shm']) rmSync(db + suffix, { force: true });
        copyFileSync(template, db);
      }
      command.beforeRun?.(machine);
      const ran = measure([process.execPath, BIN[command.program], '--db', db, ...command.args(machine)]);
      // check exits 1 when it finds errors, and a generated server has some: that is a result, not a failure.
      if (ran.exit !== 0 && !(command.name === 'metabase check' && ran.exit === 1)) {
        failures.push(`${command.name} on ${machine.label} exited ${ran.exit}: ${ran.stderr.split('\n')[0]}`);
        console.error(`FAILED ${failures[failures.length - 1]}`);
        break;
      }
      exits.add(ran.exit);
      runs.push(ran);
    }
    if (runs.length < count) continue;
    const ms = runs.map((r) => r.ms);
    results.push({
      command: command.name,
      machine: machine.label,
      keys: machine.keys,
      runs: ms.map((x) => Math.round(x)),
      medianMs: median(ms),
      peakMb: Math.max(...runs.map((r) => r.mb)),
      xml: command.xml === true,
    });
    console.error(`${command.name.padEnd(34)} ${machine.label.padStart(7)}  ${Math.round(median(ms))} ms  ${Math.round(Math.max(...runs.map((r) => r.mb)))} MB`);
  }
}

// ---- report ---------------------------------------------------------------------------------------------
const find = (command, machine) => results.find((r) => r.command === command && r.machine === machine);
const floor = find('node -e 0', '-');
const checks = [];
const coldStart = find('aspnet_regiis -lv', 'default');
if (coldStart) {
  checks.push({
    target: `cold start of aspnet_regiis -lv <= ${TARGET.coldStartFactor}x node -e 0`,
    value: `${(coldStart.medianMs / floor.medianMs).toFixed(2)}x`,
    ok: coldStart.medianMs <= TARGET.coldStartFactor * floor.medianMs,
  });
}
for (const r of results.filter((r) => r.machine === '100k')) {
  const [ms, mb] = r.xml ? [TARGET.xmlMs, TARGET.xmlMb] : [TARGET.commandMs, TARGET.commandMb];
  checks.push({ target: `${r.command} on 100k <= ${ms} ms, ${mb} MB`, value: `${Math.round(r.medianMs)} ms, ${Math.round(r.peakMb)} MB`, ok: r.medianMs <= ms && r.peakMb <= mb });
}
for (const r of results.filter((r) => r.machine === '100k')) {
  const small = find(r.command, '10k');
  if (!small) continue;
  const ratio = r.medianMs / small.medianMs;
  checks.push({ target: `${r.command}: time(100k)/time(10k) <= ${TARGET.growth}`, value: ratio.toFixed(2), ok: ratio <= TARGET.growth });
}

const labels = machines.map((m) => m.label);
const cell = (r) => (r ? `${String(Math.round(r.medianMs)).padStart(6)} ms ${String(Math.round(r.peakMb)).padStart(4)} MB` : ''.padStart(17));
const lines = [];
lines.push(`| command | ${machines.map((m) => `${m.label} (${m.keys} keys)`).join(' | ')} | 100k/10k |`);
lines.push(`|---|${labels.map(() => '---:').join('|')}|---:|`);
lines.push(`| node -e 0 | ${cell(floor)} |${labels.slice(1).map(() => ' |').join('')} |`);
for (const command of [...new Set(results.filter((r) => r.machine !== '-').map((r) => r.command))]) {
  const big = find(command, '100k');
  const mid = find(command, '10k');
  lines.push(`| ${command} | ${labels.map((l) => cell(find(command, l)).trim()).join(' | ')} | ${big && mid ? (big.medianMs / mid.medianMs).toFixed(1) : ''} |`);
}
console.log(`\nregiis-sim benchmark: median of ${RUNS}+ fresh processes, peak RSS; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
console.log(lines.join('\n'));
console.log('\nTargets:');
for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'MISS'}  ${c.target}: ${c.value}`);
if (missing.length > 0) console.log(`\nNot timed (this checkout does not have the command yet): ${missing.join(', ')}`);
if (failures.length > 0) console.log(`\nFailed (not timed):\n  ${failures.join('\n  ')}`);

writeFileSync(
  OUT,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryMb: Math.round(totalmem() / 2 ** 20),
      runs: RUNS,
      rss: TIME ? 'GNU time %M' : 'process.resourceUsage().maxRSS',
      machines: machines.map(({ label, sites, keys, generateMs }) => ({ label, sites, keys, generateMs })),
      results,
      targets: checks,
      missing,
      failures,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nfigures written to ${OUT}`);
closeSync(devNull);
process.exitCode = checks.every((c) => c.ok) && failures.length === 0 ? 0 : 1;
