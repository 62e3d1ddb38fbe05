import { type FrameworkVersion, FRAMEWORK_VERSIONS, facts, parseFrameworkVersion } from '../regiis/frameworks.js';
import { splitWords } from './words.js';

/**
 * Batch playbooks (`.cmd`, `.bat`; metabase-cli.md, "Playbooks"): the script an admin would run on the server,
 * read the way cmd.exe reads it, one line at a time, each line's `%VARIABLES%` expanded just before it runs.
 * Pure: a line and the variables set so far go in, what the line does comes out. The runner carries it out.
 */

export interface BatchLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
}

/** What one line does. */
export type BatchStep =
  /** Nothing: blank, `rem`, `::`, a label, `echo off`/`on`, `pause`. */
  | { readonly kind: 'nothing' }
  | { readonly kind: 'echo'; readonly text: string }
  /** `set NAME=VALUE`; an empty value removes the variable. */
  | { readonly kind: 'set'; readonly name: string; readonly value: string }
  | { readonly kind: 'exit'; readonly code: number }
  /** A line the emulator runs as one of its two programs (installers run `metabase framework install`, iisreset `metabase iisreset`). */
  | { readonly kind: 'run'; readonly program: 'aspnet_regiis' | 'metabase'; readonly argv: readonly string[] }
  /** `cscript adsutil.vbs VERB ARGS...`. */
  | { readonly kind: 'adsutil'; readonly words: readonly string[] }
  /** A command the emulator knows but cannot run as written: the line fails, the batch goes on. */
  | { readonly kind: 'fail'; readonly reason: string }
  /** Anything else: the run stops here (or the line is skipped under --keep-going). */
  | { readonly kind: 'not-emulated'; readonly reason: string };

/** Variables by upper-case name (cmd.exe's names are case-insensitive). */
export type BatchEnv = ReadonlyMap<string, string>;

/** The variables a batch starts with on the machine: its Windows folder under both names, and the system drive. */
export function batchEnvironment(windir: string): Map<string, string> {
  return new Map([
    ['WINDIR', windir],
    ['SYSTEMROOT', windir],
    ['SYSTEMDRIVE', windir.slice(0, 2)],
    ['ERRORLEVEL', '0'],
  ]);
}

/** Splits a file into numbered lines (CRLF or LF). */
export function batchLines(text: string): BatchLine[] {
  return text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t }));
}

/**
 * Expands `%NAME%` as cmd.exe does in a batch file: an undefined variable expands to nothing, `%%` is one `%`.
 * The batch gets no parameters: `%1`..`%9` and `%*` are empty, `%0` is the file name, `%~dp0` the file's own
 * folder, written `.\`. Substitutions (`%NAME:a=b%`, `%NAME:~0,3%`) are not emulated.
 */
export function expandVariables(text: string, env: BatchEnv, file = 'playbook.cmd'): { text: string; problem?: string } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      out += '%';
      i++;
    } else if (next !== undefined && /[0-9*]/.test(next)) {
      out += next === '0' ? file : '';
      i++;
    } else if (next === '~') {
      const m = /^~([a-z]*)([0-9])/i.exec(text.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      out += m[2] === '0' && /[dp]/i.test(m[1]!) ? '.\\' : '';
      i += m[0].length;
    } else {
      const end = text.indexOf('%', i + 1);
      if (end < 0) {
        out += text.slice(i);
        break;
      }
      const name = text.slice(i + 1, end);
      if (name.includes(':')) return { text, problem: `variable substitution (%${name}%) is not emulated` };
      out += env.get(name.toUpperCase()) ?? '';
      i = end;
    }
  }
  return { text: out };
}

/** The file name of a command word (`C:\x\aspnet_regiis.exe` -> `aspnet_regiis.exe`), lower-case. */
const fileName = (word: string): string => word.split(/[\\/]/).pop()!.toLowerCase();
const folders = (word: string): string[] => word.split(/[\\/]/).slice(0, -1);
const isCommand = (word: string, name: string): boolean => [name, `${name}.exe`].includes(fileName(word));

/**
 * Splits off the redirections of a line (outside quotes). Those that only discard output (`>nul`, `2>nul`,
 * `2>&1`) are harmless here and dropped; redirection to a file, input redirection, pipes and chaining are not
 * emulated.
 */
function stripRedirections(text: string): { text: string; problem?: string } {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    if (quoted || !/[<>|&]/.test(c)) {
      out += c;
      continue;
    }
    if (c === '|' || c === '&') return { text, problem: 'pipes and command chaining (| & && ||) are not emulated' };
    if (c === '<') return { text, problem: 'input redirection (<) is not emulated' };
    // `>`: a handle digit may stand right before it, the target follows it.
    const handle = /(^|\s)([12])$/.exec(out);
    if (handle) out = out.slice(0, out.length - 1);
    const m = /^(>>?)\s*(&[12]|"[^"]*"|[^\s]*)/.exec(text.slice(i))!;
    const target = m[2]!;
    if (!/^(nul|&[12])$/i.test(target)) return { text, problem: `redirection to a file (${handle?.[2] ?? ''}${m[1]}${target}) is not emulated` };
    i += m[0].length - 1;
  }
  return { text: out.trimEnd() };
}

/**
 * The tool version of `aspnet_regiis.exe` from its path: the folder it sits in (`...\Framework\v2.0.50727\`, or
 * `Framework64`: bitness is not modelled, the same version runs). A bare `aspnet_regiis` runs the default tool.
 */
export function toolFromPath(word: string): { framework: FrameworkVersion | undefined } | { problem: string } {
  const dirs = folders(word);
  if (dirs.length === 0) return { framework: undefined };
  const folder = dirs[dirs.length - 1]!;
  const version = FRAMEWORK_VERSIONS.find((v) => facts(v).folder.toLowerCase() === folder.toLowerCase());
  if (version) return { framework: version };
  if (/^v\d+\.\d+(\.\d+)?$/i.test(folder)) return { problem: `${word}: ${folder} is not a framework folder that has aspnet_regiis.exe` };
  return { problem: `${word}: not in a framework folder (...\\Microsoft.NET\\Framework\\v2.0.50727\\), so its version is unknown` };
}

/** Installer file names: the redistributables and their later offline installers (`NDP48-...exe`). */
const INSTALLER = /^(?:dotnetfx|netfx|ndp)(\d*)[^\\/]*\.exe$/i;

/** The framework an installer sets up: named by the digits in its name, else by a version in its folders. */
export function installerVersion(word: string): FrameworkVersion | undefined {
  const m = INSTALLER.exec(fileName(word));
  if (!m) return undefined;
  const fromDigits = (digits: string): FrameworkVersion | undefined => {
    if (digits === '') return undefined;
    if (digits.startsWith('1')) return digits[1] === '0' ? '1.0.3705' : '1.1.4322';
    if (digits.startsWith('2') || digits.startsWith('3')) return '2.0.50727';
    if (digits.startsWith('4')) return '4.0.30319';
    return undefined;
  };
  const named = fromDigits(m[1]!);
  if (named) return named;
  // `dotnetfx.exe` was the name of the 1.0, 1.1 and 2.0 redistributables alike: its folder must say which.
  for (const dir of folders(word).reverse()) {
    const dotted = /(?:^|[^\d.])v?(\d\.\d)(?:\.\d+)*(?![\d.])/i.exec(dir);
    if (dotted) {
      const v = parseFrameworkVersion(dotted[1]!);
      if (v) return v;
    }
    const compact = /(?:net|fx|framework)[-_ ]?(\d{2})(?!\d)/i.exec(dir);
    if (compact) return fromDigits(compact[1]!);
  }
  return undefined;
}

const isInstaller = (word: string): boolean => INSTALLER.test(fileName(word));

/** The options iisreset takes for a plain restart; the others (/stop, /start, /status, /reboot...) are not emulated. */
const RESTART_OPTION = /^\/(?:restart|noforce|timeout[:=]\d+)$/i;

/** What one line does, given the variables set so far (see `BatchStep`). */
export function interpretLine(raw: string, env: BatchEnv, file?: string): BatchStep {
  let text = raw.trim();
  while (text.startsWith('@')) text = text.slice(1).trimStart();
  if (text === '' || text.startsWith('::') || /^rem(\s|$)/i.test(text)) return { kind: 'nothing' };
  if (text.startsWith(':')) return { kind: 'nothing' }; // a label: nothing jumps to it (goto is not emulated)

  const expanded = expandVariables(text, env, file);
  if (expanded.problem) return { kind: 'not-emulated', reason: expanded.problem };
  text = expanded.text.trim();

  const echo = /^echo(?:([.:,;/(])|\s+|$)(.*)$/is.exec(text);
  if (echo) {
    if (echo[1] === undefined && echo[2]!.trim() === '') return { kind: 'nothing' }; // bare `echo` only reports the echo state
    const rest = stripRedirections(echo[2]!);
    if (rest.problem) return { kind: 'not-emulated', reason: rest.problem };
    if (echo[1] === undefined && /^(on|off)\s*$/i.test(rest.text)) return { kind: 'nothing' };
    return { kind: 'echo', text: echo[1] === undefined ? rest.text.trimEnd() : rest.text };
  }
  const set = /^set(\s+(.*))?$/is.exec(text);
  if (set) return interpretSet(set[2] ?? '');

  const stripped = stripRedirections(text);
  if (stripped.problem) return { kind: 'not-emulated', reason: stripped.problem };
  let words: string[];
  try {
    words = splitWords(stripped.text);
  } catch {
    return { kind: 'not-emulated', reason: 'a line with an unterminated quote is not emulated' };
  }
  const [command = '', ...args] = words;
  const name = fileName(command);

  if (name === 'pause') return { kind: 'nothing' };
  if (name === 'exit') {
    const rest = args[0]?.toLowerCase() === '/b' ? args.slice(1) : args;
    if (rest.length > 1 || (rest[0] !== undefined && !/^-?\d+$/.test(rest[0]))) return { kind: 'not-emulated', reason: `exit ${args.join(' ')} is not emulated (only exit [/b] [N])` };
    return { kind: 'exit', code: rest[0] === undefined ? 0 : Number(rest[0]) };
  }
  if (isCommand(command, 'aspnet_regiis')) {
    const tool = toolFromPath(command);
    if ('problem' in tool) return { kind: 'fail', reason: tool.problem };
    // The emulator's own options start with `--`; the real tool reads `-` and `/` alike, so `--x` is passed
    // as `/-x`: the same unknown option to the tool, and never an emulator option.
    const toolWords = args.map((w) => (w.startsWith('--') ? `/${w.slice(1)}` : w));
    return { kind: 'run', program: 'aspnet_regiis', argv: [...(tool.framework ? ['--framework', tool.framework] : []), ...toolWords] };
  }
  if (isCommand(command, 'cscript')) {
    const rest = args.filter((w) => !w.startsWith('//'));
    const script = rest[0];
    if (script === undefined || fileName(script) !== 'adsutil.vbs') return { kind: 'not-emulated', reason: `cscript ${script ?? '(no script)'} is not emulated (only adsutil.vbs)` };
    return { kind: 'adsutil', words: rest.slice(1) };
  }
  if (isCommand(command, 'iisreset')) {
    const bad = args.find((w) => !RESTART_OPTION.test(w));
    if (bad !== undefined) return { kind: 'not-emulated', reason: `iisreset ${bad} is not emulated (only a restart: iisreset [/restart] [/noforce] [/timeout:N])` };
    return { kind: 'run', program: 'metabase', argv: ['iisreset'] };
  }
  if (isInstaller(command)) {
    const version = installerVersion(command);
    if (!version) return { kind: 'fail', reason: `${command}: cannot tell which .NET Framework this installer sets up (put its version in its folder, e.g. NET11\\dotnetfx.exe)` };
    // `/c:"install /noaspupgrade"` reaches setup as one word once its quotes are read.
    const noAspUpgrade = args.some((w) => /(^|\s|:)\/noaspupgrade(\s|$)/i.test(w));
    return { kind: 'run', program: 'metabase', argv: ['framework', 'install', version, ...(noAspUpgrade ? ['--noaspupgrade'] : [])] };
  }
  return { kind: 'not-emulated', reason: `the command ${command} is not emulated` };
}

/** `set NAME=VALUE` and `set "NAME=VALUE"`; `set /a`, `set /p` and listing variables are not emulated. */
function interpretSet(rest: string): BatchStep {
  let body = rest.trimStart();
  if (/^\/[ap]\b/i.test(body)) return { kind: 'not-emulated', reason: `set ${body.slice(0, 2)} (arithmetic, prompts) is not emulated` };
  if (body.startsWith('"')) {
    const close = body.lastIndexOf('"');
    body = close > 0 ? body.slice(1, close) : body.slice(1);
  }
  const eq = body.indexOf('=');
  if (eq <= 0) return { kind: 'not-emulated', reason: 'set without NAME=VALUE (listing variables) is not emulated' };
  return { kind: 'set', name: body.slice(0, eq).trim(), value: body.slice(eq + 1) };
}

/** Applies a `set` to the variables. */
export function applySet(env: Map<string, string>, step: Extract<BatchStep, { kind: 'set' }>): void {
  if (step.value === '') env.delete(step.name.toUpperCase());
  else env.set(step.name.toUpperCase(), step.value);
}

/**
 * The lines of a batch that are not emulated, found before anything runs: every `set` is applied as the run
 * would apply it, and the walk stops at `exit`. The runner refuses a batch with such lines (unless told to keep
 * going), so a rehearsal never stops half-way through.
 */
export function notEmulatedLines(lines: readonly BatchLine[], env: BatchEnv, file?: string): { line: number; text: string; reason: string }[] {
  const vars = new Map(env);
  const found: { line: number; text: string; reason: string }[] = [];
  for (const line of lines) {
    const step = interpretLine(line.text, vars, file);
    if (step.kind === 'set') applySet(vars, step);
    if (step.kind === 'not-emulated') found.push({ line: line.line, text: line.text.trim(), reason: step.reason });
    if (step.kind === 'exit') break;
  }
  return found;
}
