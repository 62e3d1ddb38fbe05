import { ROOT_PATH, type Metabase, asList } from '../metabase/metabase.js';

/**
 * IIS 6 Web Service Extensions (`WebSvcExtRestrictionList` at `/LM/W3SVC`): which ISAPI and CGI programs may
 * run. Each entry is `<0|1>,<program path>[,<deletable>,<group id>,<description>]`; `0,*.dll` and `0,*.exe`
 * stand for every program the list does not name. A program the list does not name, with no wildcard entry
 * either, is prohibited: IIS 6 is locked down by default.
 */
export interface ExtensionVerdict {
  readonly allowed: boolean;
  /** The name IIS Manager shows (`ASP.NET v2.0.50727`, `All Unknown ISAPI Extensions`). */
  readonly name: string;
}

const UNKNOWN = { '*.dll': 'All Unknown ISAPI Extensions', '*.exe': 'All Unknown CGI Extensions' } as const;

/** Whether IIS 6 lets a script map's processor run, and the Web Service Extension that decides it. */
export function extensionVerdict(metabase: Metabase, processor: string): ExtensionVerdict {
  const entries = asList(metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')?.value).map((text) => text.split(','));
  const wanted = processor.toLowerCase();
  const own = entries.find((fields) => (fields[1] ?? '').toLowerCase() === wanted);
  if (own) return { allowed: own[0]?.trim() === '1', name: own[4] || own[3] || processor };
  const wildcard: keyof typeof UNKNOWN = wanted.endsWith('.exe') ? '*.exe' : '*.dll';
  const fallback = entries.find((fields) => (fields[1] ?? '').toLowerCase() === wildcard);
  return { allowed: fallback?.[0]?.trim() === '1', name: UNKNOWN[wildcard] };
}
