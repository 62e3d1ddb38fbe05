/**
 * The four framework versions the tool knows (machine.md §3) and their ASP.NET extension tables (§2).
 * Versions are three-part strings (`2.0.50727`) everywhere inside the program.
 */
export type FrameworkVersion = '1.0.3705' | '1.1.4322' | '2.0.50727' | '4.0.30319';

export const FRAMEWORK_VERSIONS: readonly FrameworkVersion[] = ['1.0.3705', '1.1.4322', '2.0.50727', '4.0.30319'];

interface FrameworkFacts {
  /** The folder name under `Microsoft.NET\Framework`. */
  readonly folder: string;
  /** The folder name of its client scripts under `aspnet_client\system_web`. */
  readonly clientScriptFolder: string;
  /** How the tool names itself in its Start/Finished lines (aspnet_regiis.md, decided for 1.x and 4.0). */
  readonly toolName: string;
}

const FACTS: Readonly<Record<FrameworkVersion, FrameworkFacts>> = {
  '1.0.3705': { folder: 'v1.0.3705', clientScriptFolder: '1_0_3705_0', toolName: '1.0.3705' },
  '1.1.4322': { folder: 'v1.1.4322', clientScriptFolder: '1_1_4322', toolName: '1.1.4322' },
  '2.0.50727': { folder: 'v2.0.50727', clientScriptFolder: '2_0_50727', toolName: '2.0.50727' },
  '4.0.30319': { folder: 'v4.0.30319', clientScriptFolder: '4_0_30319', toolName: '4.0.30319.1' },
};

export const facts = (version: FrameworkVersion): FrameworkFacts => FACTS[version];

/** An extension ASP.NET maps, with flag 1 (executes) or 5 (refuses to serve, checks the file exists). */
export interface AspNetExtension {
  readonly extension: string;
  readonly flag: 1 | 5;
}

const ext = (flag: 1 | 5, ...names: string[]): AspNetExtension[] => names.map((extension) => ({ extension, flag }));

const V1_EXTENSIONS = [
  ...ext(5, '.asax', '.ascx'),
  ...ext(1, '.ashx', '.asmx', '.aspx', '.axd', '.vsdisco', '.rem', '.soap'),
  ...ext(5, '.config', '.cs', '.csproj', '.vb', '.vbproj', '.webinfo', '.licx', '.resx', '.resources'),
];
const V2_EXTENSIONS = [
  ...V1_EXTENSIONS,
  ...ext(5, '.master', '.skin', '.compiled', '.browser', '.mdb', '.jsl', '.vjsproj', '.sitemap'),
  ...ext(1, '.msgx'),
  ...ext(5, '.ad', '.dd', '.ldd', '.sd', '.cd', '.adprototype', '.lddprototype', '.sdm', '.sdmDocument', '.ldb'),
  ...ext(1, '.svc'),
  ...ext(5, '.mdf', '.ldf', '.java', '.exclude', '.refresh'),
];
const V4_EXTENSIONS = [
  ...V2_EXTENSIONS,
  ...ext(1, '.xoml', '.xamlx'),
  ...ext(5, '.rules', '.aspq', '.cshtm', '.cshtml', '.vbhtm', '.vbhtml'),
];

const EXTENSIONS: Readonly<Record<FrameworkVersion, readonly AspNetExtension[]>> = {
  '1.0.3705': V1_EXTENSIONS,
  '1.1.4322': V1_EXTENSIONS,
  '2.0.50727': V2_EXTENSIONS,
  '4.0.30319': V4_EXTENSIONS,
};

/** The verbs of every ASP.NET entry the tool writes. */
export const ASPNET_VERBS = 'GET,HEAD,POST,DEBUG';

export const extensionsOf = (version: FrameworkVersion): readonly AspNetExtension[] => EXTENSIONS[version];

/** Numeric order of dotted versions; a beta such as `2.0.40607` orders by its numbers. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const majorOf = (version: string): number => Number(version.split('.')[0]);

/** Two versions are compatible when their majors are equal: 1.0 and 1.1 are, 1.1 and 2.0 are not. */
export const compatible = (a: string, b: string): boolean => majorOf(a) === majorOf(b);

/** `2.0.50727` -> `2.0.50727.0`, the form `-lv`, `-lk`, events and registry keys use. */
export const fourPart = (version: string): string => (version.split('.').length >= 4 ? version : `${version}.0`);

export function highest<T extends string>(versions: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}

/** The forms a user may type for a version (machine.md §3), mapped to one of the four. */
export function parseFrameworkVersion(typed: string): FrameworkVersion | undefined {
  const text = typed.trim().toLowerCase().replace(/^v/, '');
  if (text === '1.0' || text === '1.0.3705' || text === '1.0.3705.0') return '1.0.3705';
  if (text === '1.1' || text === '1.1.4322' || text === '1.1.4322.0') return '1.1.4322';
  if (['2.0', '3.0', '3.5', '2.0.50727', '2.0.50727.0'].includes(text)) return '2.0.50727';
  // 4, 4.0 and 4.5..4.8 (which replace 4.0 in place); there never was a 4.1, 4.2 or 4.3 to accept.
  if (/^4(\.[05-8])?$/.test(text) || text === '4.0.30319' || text === '4.0.30319.0' || text === '4.0.30319.1') return '4.0.30319';
  return undefined;
}

export function isFrameworkVersion(version: string): version is FrameworkVersion {
  return (FRAMEWORK_VERSIONS as readonly string[]).includes(version);
}
