import type { FrameworkVersion } from './frameworks.js';
import { majorOf } from './frameworks.js';

/**
 * The real tool's own command line: options start with `-` or `/`, any case; `-sn`, `-lk`, `-ir` are single
 * options, and the word after `-s -sn -k -kn -ga` is always their argument (aspnet_regiis.md).
 */
export type Action = 'i' | 'ir' | 'iru' | 'r' | 's' | 'sn' | 'k' | 'kn' | 'u' | 'ua' | 'lv' | 'lk' | 'c' | 'e' | 'ea' | 'ga' | '?';
type Modifier = 'enable' | 'disable' | 'norestart';
type OptionName = Action | Modifier;

const ACTIONS: readonly Action[] = ['i', 'ir', 'iru', 'r', 's', 'sn', 'k', 'kn', 'u', 'ua', 'lv', 'lk', 'c', 'e', 'ea', 'ga', '?'];
const MODIFIERS: readonly Modifier[] = ['enable', 'disable', 'norestart'];
const TAKES_ARGUMENT: ReadonlySet<OptionName> = new Set(['s', 'sn', 'k', 'kn', 'ga']);
/** Options the 1.0 and 1.1 tools do not have. */
const SINCE_2_0: ReadonlySet<OptionName> = new Set(['iru', 'ga', 'enable', 'disable']);
/** The actions that restart W3SVC, and so the only ones `-norestart` combines with. */
export const RESTARTING: ReadonlySet<Action> = new Set(['i', 'ir', 'iru', 'r', 's', 'sn', 'k', 'kn', 'u', 'ua']);
/** The actions that may change the machine: a run naming one takes the write lock from its start. */
const CHANGING: ReadonlySet<string> = new Set([...RESTARTING, 'c', 'e', 'ea', 'ga']);

export const mayChangeMachine = (words: readonly string[]): boolean => words.some((w) => CHANGING.has(w.slice(1).toLowerCase()));

/** Configuration encryption options: real, but not emulated. */
const NOT_EMULATED = new Set(['pe', 'pd', 'pef', 'pdf', 'pc', 'pz', 'pi', 'px', 'pa', 'pr', 'config+', 'config-']);

export interface ToolCommand {
  readonly action: Action;
  /** The action as typed (`-S`, `/lk`), for messages that echo it. */
  readonly typed: string;
  /** The argument of `-s -sn -k -kn -ga`, as typed. */
  readonly argument: string | undefined;
  readonly extension: 'enable' | 'disable' | undefined;
  readonly norestart: boolean;
}

export type ParseError =
  | { readonly kind: 'invalid-arguments' }
  | { readonly kind: 'duplicate'; readonly typed: string }
  | { readonly kind: 'incompatible' }
  | { readonly kind: 'not-emulated'; readonly typed: string };

export type ParseResult = { readonly ok: true; readonly command: ToolCommand } | { readonly ok: false; readonly error: ParseError };

interface Token {
  readonly name: OptionName;
  readonly typed: string;
  readonly argument: string | undefined;
}

const isOptionWord = (word: string): boolean => word.length > 1 && (word.startsWith('-') || word.startsWith('/'));

/** Parses the tool's options for a tool version, reporting the first error in the spec's order. */
export function parseToolArgs(words: readonly string[], tool: FrameworkVersion, iis5: boolean): ParseResult {
  const fail = (error: ParseError): ParseResult => ({ ok: false, error });
  const tokens: Token[] = [];
  let unknown = false;
  let badArgument = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!isOptionWord(word)) {
      badArgument = true;
      continue;
    }
    const name = word.slice(1).toLowerCase();
    if (NOT_EMULATED.has(name)) return fail({ kind: 'not-emulated', typed: word });
    const known = (ACTIONS as readonly string[]).includes(name) || (MODIFIERS as readonly string[]).includes(name);
    if (!known || (majorOf(tool) < 2 && SINCE_2_0.has(name as OptionName))) {
      unknown = true;
      continue;
    }
    let argument: string | undefined;
    if (TAKES_ARGUMENT.has(name as OptionName)) {
      argument = words[i + 1];
      if (argument === undefined) badArgument = true;
      else i++;
    }
    tokens.push({ name: name as OptionName, typed: word, argument });
  }
  if (unknown || badArgument) return fail({ kind: 'invalid-arguments' });

  const seen = new Set<OptionName>();
  for (const token of tokens) {
    if (seen.has(token.name)) {
      return majorOf(tool) < 2 ? fail({ kind: 'invalid-arguments' }) : fail({ kind: 'duplicate', typed: token.typed });
    }
    seen.add(token.name);
  }

  const actions = tokens.filter((t) => (ACTIONS as readonly string[]).includes(t.name));
  const has = (name: Modifier): boolean => seen.has(name);
  if (tokens.length === 0) return { ok: true, command: { action: '?', typed: '-?', argument: undefined, extension: undefined, norestart: false } };
  if (actions.length !== 1) return fail({ kind: 'incompatible' });
  const action = actions[0]!;
  const name = action.name as Action;
  if (has('enable') || has('disable')) {
    if ((has('enable') && has('disable')) || !['i', 'ir', 'r'].includes(name) || iis5) return fail({ kind: 'incompatible' });
  }
  if (has('norestart') && !RESTARTING.has(name)) return fail({ kind: 'incompatible' });
  return {
    ok: true,
    command: {
      action: name,
      typed: action.typed,
      argument: action.argument,
      extension: has('enable') ? 'enable' : has('disable') ? 'disable' : undefined,
      norestart: has('norestart'),
    },
  };
}
