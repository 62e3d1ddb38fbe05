import { ROOT_PATH, type Metabase, type MetabaseKey, asList, asText } from '../metabase/metabase.js';
import { lastSegment, pathKey, selfAndAncestors } from '../metabase/paths.js';
import { type ScriptMapEntry, entryFor, entryVersion } from '../metabase/scriptmaps.js';
import { FRAMEWORK_VERSIONS, extensionsOf } from '../regiis/frameworks.js';

/**
 * How IIS finds what answers a request (machine.md §5, metabase-cli.md `request`): the site by its bindings,
 * the key by the longest matching path, the application above it, and the handler by the extension. Pure and
 * read-only: `request.ts` plays what follows (pools, worker processes, CLRs).
 */

export interface RequestUrl {
  readonly secure: boolean;
  /** The host as the URL names it (lower case): what the Host header carries. */
  readonly host: string;
  readonly port: number;
  /** Decoded path segments, without empty ones. */
  readonly segments: readonly string[];
  /** The URL names a folder (it ends with `/`, or has no path). */
  readonly folder: boolean;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Parses an `http://` or `https://` URL; anything else is malformed. */
export function parseRequestUrl(text: string): Parsed<RequestUrl> {
  const fail = (reason: string): Parsed<RequestUrl> => ({ ok: false, reason: `${text}: ${reason}` });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('not a URL (e.g. http://localhost/App/default.aspx)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`the scheme must be http or https, not ${url.protocol.slice(0, -1)}`);
  if (url.hostname === '') return fail('the URL names no host');
  if (url.username !== '' || url.password !== '') return fail('credentials in a URL are not sent as a Host header');
  const secure = url.protocol === 'https:';
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return fail('the path has a malformed %-escape');
  }
  if (segments.some((s) => s.includes('/') || s.includes('\\'))) return fail('the path has an escaped slash');
  return {
    ok: true,
    value: { secure, host: url.hostname, port: url.port === '' ? (secure ? 443 : 80) : Number(url.port), segments, folder: url.pathname.endsWith('/') },
  };
}

/** A `ServerBindings` (or `SecureBindings`) entry: `IP:port:host`; an empty IP is All Unassigned, an empty host any host. */
export interface Binding {
  readonly ip: string;
  readonly port: number;
  readonly host: string;
}

export function parseBinding(text: string): Binding | undefined {
  const match = /^([^:]*):(\d{1,5}):(.*)$/.exec(text.trim());
  if (!match) return undefined;
  return { ip: match[1]!.trim(), port: Number(match[2]), host: match[3]!.trim() };
}

const formatBinding = (b: Binding): string => `${b.ip}:${b.port}:${b.host}`;

/**
 * The server address a connection arrives on: `--ip` when given, the URL's host when it is an IPv4 address,
 * 127.0.0.1 for `localhost`; undefined for any other name, whose address the virtual machine cannot know
 * (decided): such a request reaches only bindings on All Unassigned.
 */
export function arrivalAddress(url: RequestUrl, ip: string | undefined): string | undefined {
  if (ip !== undefined) return ip;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(url.host)) return url.host;
  return url.host === 'localhost' ? '127.0.0.1' : undefined;
}

export interface SiteMatch {
  readonly site: MetabaseKey;
  readonly binding: string;
  /** Which of IIS 6's four binding rules matched (see `findSite`). */
  readonly rule: 1 | 2 | 3 | 4;
}

/**
 * The site that takes a request, by IIS 6's order: the exact IP, port and host header; then the host header on
 * All Unassigned; then the IP and port with no host header; then All Unassigned with no host header. Within a
 * rule the first site in metabase order wins (IIS would refuse to start the second).
 */
export function findSite(metabase: Metabase, url: RequestUrl, address: string | undefined): SiteMatch | undefined {
  const candidates: { site: MetabaseKey; binding: Binding }[] = [];
  for (const site of metabase.childrenOf(ROOT_PATH)) {
    if (site.keyType !== 'IIsWebServer') continue;
    const bindings = asList(site.properties.get(url.secure ? 'securebindings' : 'serverbindings')?.value);
    for (const text of bindings) {
      const binding = parseBinding(text);
      if (binding && binding.port === url.port) candidates.push({ site, binding });
    }
  }
  const host = url.host.toLowerCase();
  const rules: readonly ((b: Binding) => boolean)[] = [
    (b) => address !== undefined && b.ip === address && b.host.toLowerCase() === host,
    (b) => b.ip === '' && b.host.toLowerCase() === host,
    (b) => address !== undefined && b.ip === address && b.host === '',
    (b) => b.ip === '' && b.host === '',
  ];
  for (const [index, rule] of rules.entries()) {
    const found = candidates.find((c) => rule(c.binding));
    if (found) return { site: found.site, binding: formatBinding(found.binding), rule: (index + 1) as SiteMatch['rule'] };
  }
  return undefined;
}

/** The key a path reaches: from the site's `ROOT`, the longest run of segments that name existing keys. */
export function findKey(metabase: Metabase, site: MetabaseKey, segments: readonly string[]): { readonly key: MetabaseKey; readonly rest: readonly string[] } | undefined {
  const root = metabase.childrenOf(site.path).find((k) => pathKey(lastSegment(k.path)) === 'root');
  if (!root) return undefined;
  let key: MetabaseKey = root;
  let depth = 0;
  for (const segment of segments) {
    const child: MetabaseKey | undefined = metabase.childrenOf(key.path).find((k) => pathKey(lastSegment(k.path)) === pathKey(segment));
    if (!child) break;
    key = child;
    depth++;
  }
  return { key, rest: segments.slice(depth) };
}

/**
 * The folder on disk behind a key: the `Path` of the nearest key at or above it that has one (its virtual
 * directory). Folders inside a site are not modelled, so only that one is looked for.
 */
export function homeOf(metabase: Metabase, key: MetabaseKey): { readonly vdir: MetabaseKey; readonly folder: string } | undefined {
  for (const path of selfAndAncestors(key.path)) {
    const current = metabase.get(path);
    const folder = asText(current?.properties.get('path')?.value);
    if (current && folder !== undefined) return { vdir: current, folder };
  }
  return undefined;
}

/**
 * The file a request names: its last segment when that has an extension; otherwise the URL names a folder and
 * IIS serves its default document, the first name of the effective `DefaultDoc` (decided: the virtual file
 * system holds folders only, so the first one is taken to exist).
 */
export function requestedFile(metabase: Metabase, key: MetabaseKey, url: RequestUrl, rest: readonly string[]): string | undefined {
  const last = rest[rest.length - 1];
  if (!url.folder && last !== undefined && last.includes('.')) return last;
  const docs = asText(metabase.effective(key.path, 'DefaultDoc')?.property.value) ?? '';
  return docs.split(',').map((d) => d.trim()).find((d) => d !== '');
}

/** `default.ASPX` -> `.aspx`; undefined for a name without an extension. */
export function extensionOf(file: string): string | undefined {
  const at = file.lastIndexOf('.');
  return at < 0 ? undefined : file.slice(at).toLowerCase();
}

/** Every extension some ASP.NET version maps: without a script map IIS serves those files as plain text. */
const ASPNET_EXTENSIONS: ReadonlySet<string> = new Set(FRAMEWORK_VERSIONS.flatMap((v) => extensionsOf(v).map((e) => e.extension.toLowerCase())));

export const isAspNetExtension = (extension: string): boolean => ASPNET_EXTENSIONS.has(extension.toLowerCase());

/** What handles a request for a file, by its extension and the effective `ScriptMaps` of the key. */
export type Handler =
  | { readonly kind: 'aspnet'; readonly entry: ScriptMapEntry; readonly version: string }
  | { readonly kind: 'isapi'; readonly entry: ScriptMapEntry }
  /** An ASP.NET extension with no script map: IIS sends the file itself, source code and all. */
  | { readonly kind: 'plain-text' }
  | { readonly kind: 'static' };

export function handlerFor(scriptMaps: readonly string[], extension: string | undefined): Handler {
  const entry = extension === undefined ? undefined : entryFor(scriptMaps, extension);
  if (entry) {
    const version = entryVersion(entry);
    return version === undefined ? { kind: 'isapi', entry } : { kind: 'aspnet', entry, version };
  }
  return extension !== undefined && isAspNetExtension(extension) ? { kind: 'plain-text' } : { kind: 'static' };
}

/** The verbs a script map entry passes to its processor; undefined when it names none (all verbs). */
export function entryVerbs(entry: ScriptMapEntry): string[] | undefined {
  const verbs = (entry.verbs ?? '').split(',').map((v) => v.trim().toUpperCase()).filter((v) => v !== '');
  return verbs.length === 0 ? undefined : verbs;
}

/** Whether an entry takes a verb: all verbs when it names none, else only those it names. */
export function entryAccepts(entry: ScriptMapEntry, verb: string): boolean {
  const verbs = entryVerbs(entry);
  return verbs === undefined || verbs.includes(verb.toUpperCase());
}

/** The verbs IIS's static file handler answers; any other gets 405. */
export const STATIC_VERBS: readonly string[] = ['GET', 'HEAD'];
