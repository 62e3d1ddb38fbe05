import type { Action } from './args.js';
import { type FrameworkVersion, facts, fourPart, majorOf } from './frameworks.js';

/** The console texts of the real tool (aspnet_regiis.md). Where 2.0 and 4.0 differ, 1.x uses the 2.0 text. */

export const BANNER_4_0 = [
  'Microsoft (R) ASP.NET RegIIS version 4.0.30319.1',
  'Administration utility to install and uninstall ASP.NET on the local machine.',
  'Copyright (C) Microsoft Corporation.  All rights reserved.',
];

export const banner = (tool: FrameworkVersion): readonly string[] => (majorOf(tool) === 4 ? BANNER_4_0 : []);

export const INVALID_ARGUMENTS = 'Invalid arguments.';
export const INCOMPATIBLE = 'Some options specified are not compatible. Use aspnet_regiis /? to see all options.';
export const duplicateOption = (typed: string): string => `Cannot specify the same option (${typed}) multiple times.`;
export const NOTHING_REGISTERED = 'Cannot find any installed version.';
export const PATH_NOT_FOUND = 'An error has occurred: 0x80070003 The system cannot find the path specified.';
export const pathInvalid = (typed: string): string => `Installation stopped because the specified path (${typed}) is invalid.`;
export const UNSPECIFIED_ERROR = 'An error has occurred: 0x80004005 Unspecified error';
export const MUST_REGISTER_FIRST = 'The error indicates that this version of ASP.NET must first be registered on the machine.';

export const setupLogPath = (number: number): string =>
  `C:\\DOCUME~1\\ADMINI~1\\LOCALS~1\\Temp\\ASPNETSetup_${String(number).padStart(5, '0')}.log`;
export const setupErrors = (number: number): string =>
  `Setup has detected some errors during the operation. For details, please read the setup log file ${setupLogPath(number)}`;

/** Dots printed between Start and Finished (decided fixed counts); 0 for options that print none. */
const DOTS: Partial<Record<Action, number>> = { i: 7, ir: 5, iru: 5, r: 7, u: 34, ua: 34, c: 3, e: 3, ea: 3 };
export const dots = (action: Action): string | undefined => (DOTS[action] ? '.'.repeat(DOTS[action]!) : undefined);

/**
 * The Start line of an action and its Finished line. `-iru` takes the `-i` text when it maps the root and the
 * `-ir` text otherwise; the caller passes the form it took.
 */
export function progressLines(
  action: Exclude<Action, 'lv' | 'lk' | '?' | 'iru'>,
  tool: FrameworkVersion,
  argument: string,
): { readonly start: string; readonly finish: string } {
  const v = facts(tool).toolName;
  const is4 = majorOf(tool) === 4;
  const texts: Record<typeof action, string> = {
    i: `installing ASP.NET (${v}).`,
    ir: is4
      ? `installing ASP.NET (${v}) without changing existing web applications to use this version of ASP.Net.`
      : `installing ASP.NET (${v}) without registering the scriptmap.`,
    r: is4
      ? `installing ASP.NET (${v}) and changing IIS configuration to use this version of ASP.NET.`
      : `installing ASP.NET (${v}) and replacing ASP.NET DLL in all Scriptmaps with current version.`,
    u: `uninstalling ASP.NET (${v}).`,
    ua: 'uninstalling all versions of ASP.NET.',
    s: is4 ? `registering ASP.NET (${v}) recursively at ${argument}.` : `registering ASP.NET scriptmap (${v}) recursively at ${argument}.`,
    sn: is4 ? `registering ASP.NET (${v}) at ${argument}.` : `registering ASP.NET scriptmap (${v}) at ${argument}.`,
    k: is4 ? `removing any version of ASP.NET recursively at ${argument}.` : `removing any version of ASP.NET DLL recursively at ${argument}.`,
    kn: is4 ? `removing any version of ASP.NET at ${argument}.` : `removing any version of ASP.NET DLL at ${argument}.`,
    c: `copying the ASP.NET client script files for this version (${v}).`,
    e: `removing the ASP.NET client script files for this version (${v}).`,
    ea: 'removing the ASP.NET client script files for all versions.',
    ga: is4
      ? `granting ${argument} access to the IIS configuration and other directories used by ASP.NET.`
      : `granting ${argument} access to the IIS metabase and other directories used by ASP.NET.`,
  };
  const text = texts[action];
  // The 4.0 tool's -kn keeps "DLL" in its Finished line only.
  const finish = action === 'kn' ? `removing any version of ASP.NET DLL at ${argument}.` : text;
  return { start: `Start ${text}`, finish: `Finished ${finish}` };
}

/** Application event log texts (aspnet_regiis.md, "Events written"). */
export const EVENT_TEXT = {
  1017: (version: string, flag: string) => `Start registering ASP.NET (version ${fourPart(version)}) (internal flag: ${flag})`,
  1019: (version: string, log: string) =>
    `Finish registering ASP.NET (version ${fourPart(version)}). Detailed registration logs can be found in ${log}`,
  1027: (version: string) => `Start unregistering ASP.NET (version ${fourPart(version)})`,
  1029: (version: string, log: string) =>
    `Finish unregistering ASP.NET (version ${fourPart(version)}). Detailed unregistration logs can be found in ${log}`,
  1023: () => 'Restarting W3SVC',
  1025: () => 'Finish restarting W3SVC',
  1031: (rootVersion: string) => `The current version at the IIS root is ${rootVersion}.`,
  1032: (version: string) =>
    `Registration (version ${fourPart(version)}) will not register the DLL in the scriptmap properties of any IIS website because the version is not high enough to replace the existing one at the root.  See help for the explanation of version comparison during installation.`,
  1062: () =>
    'It is not possible to run two different versions of ASP.NET in the same IIS process. Please use the IIS Administration Tool to reconfigure your server to run the application in a separate process.',
} as const;
