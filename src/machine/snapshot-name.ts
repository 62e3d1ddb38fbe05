/**
 * Snapshot names (metabase-cli.md, `snapshot save NAME`). A name is typed on command lines, in scenarios
 * (`machine: { snapshot: NAME }`) and after `events --since`, so it must be one plain word: letters, digits,
 * `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, never a path. A name that reads as a
 * date would make `--since` ambiguous (a time when it parses as ISO 8601), so it is refused too.
 */
const MAX_LENGTH = 64;

/** Why a snapshot name is refused, or undefined when it is fine. */
export function snapshotNameProblem(name: string): string | undefined {
  if (name === '') return 'a snapshot name cannot be empty';
  if (name.length > MAX_LENGTH) return `a snapshot name has at most ${MAX_LENGTH} characters`;
  const pathChar = /[\\/:*?"<>|]/.exec(name);
  if (pathChar) return `a snapshot name cannot contain ${pathChar[0]} (no path characters: letters, digits, . _ - only)`;
  if (name === '.' || name === '..') return `${name} is not a name`;
  if (/\s/.test(name)) return 'a snapshot name cannot contain spaces';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return 'a snapshot name starts with a letter or digit and holds letters, digits, . _ - only';
  if (/^\d{4}-\d{2}-\d{2}/.test(name)) return 'a snapshot name cannot start like a date (--since would read it as a time)';
  return undefined;
}
