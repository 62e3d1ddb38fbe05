/**
 * Metabase key paths. Inside the program a path is always absolute (`/LM/W3SVC/1/ROOT`); on the command
 * line it may come without `/LM/` and with a trailing `/`, and always compares case-insensitively.
 */

/** The service-level key: `-lv` calls the version mapped here the root version. */
export const ROOT_PATH = '/LM/W3SVC';

/** Turns a typed path (`W3SVC/1/ROOT/`, `/lm/w3svc/1`) into the absolute form `/LM/W3SVC/1`. */
export function toKeyPath(typed: string): string {
  let path = typed.trim().replace(/\/+$/, '');
  if (path === '' || path === '/') return '/';
  if (/^\/lm(\/|$)/i.test(path)) path = '/LM' + path.slice(3);
  else path = '/LM/' + path.replace(/^\/+/, '');
  return path;
}

/** The case-insensitive identity of a path. */
export function pathKey(path: string): string {
  return path.toLowerCase();
}

/** The form `aspnet_regiis -lk` prints and the tool takes: no `/LM/` prefix. */
export function toolPath(path: string): string {
  return path.replace(/^\/LM\//i, '');
}

export function parentPath(path: string): string | undefined {
  if (path === '/') return undefined;
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `ancestor` or lies below it. */
export function isAtOrBelow(path: string, ancestor: string): boolean {
  const p = pathKey(path);
  const a = pathKey(ancestor);
  return p === a || a === '/' || p.startsWith(a + '/');
}

/** `/LM/W3SVC/1/ROOT` -> [`/`, `/LM`, `/LM/W3SVC`, `/LM/W3SVC/1`, `/LM/W3SVC/1/ROOT`]. */
export function selfAndAncestors(path: string): string[] {
  const chain: string[] = [];
  for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) chain.push(p);
  return chain;
}
