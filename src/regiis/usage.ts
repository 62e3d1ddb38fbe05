import { type FrameworkVersion, majorOf } from './frameworks.js';

/**
 * The `-?` text, laid out as the real tool's: a centred section title, option names in a 20-column field,
 * descriptions wrapped at 79 columns with continuation lines indented 20 spaces. The descriptions are ours;
 * the 4.0 banner is printed before it by the caller, as before everything that tool prints.
 */
const WIDTH = 79;
const NAME_FIELD = 20;

interface OptionHelp {
  readonly name: string;
  readonly text: string;
  readonly since2?: boolean;
}

const OPTIONS: readonly OptionHelp[] = [
  { name: '-i', text: 'Install this version of ASP.NET and update scriptmaps at the IIS metabase root and for all scriptmaps below the root. Existing scriptmaps of lower version are upgraded to this version.' },
  { name: '-ir', text: 'Install this version of ASP.NET, register only. Do not change any scriptmaps in the IIS metabase.' },
  { name: '-iru', text: 'Install this version of ASP.NET. If there are any existing applications that use ASP.NET, do not change their IIS scriptmaps; otherwise map the IIS root to this version.', since2: true },
  { name: '-enable', text: 'When -i, -ir or -r is specified, also enable ASP.NET in the IIS Security Console (IIS 6.0 or later).', since2: true },
  { name: '-disable', text: 'When -i, -ir or -r is specified, also disable ASP.NET in the IIS Security Console (IIS 6.0 or later).', since2: true },
  { name: '-s <path>', text: 'Install scriptmaps for this version at the specified path, recursively. Existing scriptmaps of lower version below the path are upgraded to this version. E.g. aspnet_regiis -s W3SVC/1/ROOT/SampleApp1' },
  { name: '-sn <path>', text: 'Install scriptmaps for this version at the specified path, non-recursively.' },
  { name: '-r', text: 'Install this version of ASP.NET, and update all scriptmaps in the IIS metabase to point to this version, regardless of the version they point to now.' },
  { name: '-u', text: 'Uninstall this version of ASP.NET. Scriptmaps that point to it are remapped to the highest remaining compatible version; if there is none, their ASP.NET entries are removed.' },
  { name: '-ua', text: 'Uninstall all versions of ASP.NET on the machine.' },
  { name: '-k <path>', text: 'Remove all scriptmaps of any version of ASP.NET from the specified path, recursively. E.g. aspnet_regiis -k W3SVC/1/ROOT/SampleApp1' },
  { name: '-kn <path>', text: 'Remove all scriptmaps of any version of ASP.NET from the specified path, non-recursively.' },
  { name: '-lv', text: 'List all versions of ASP.NET registered on the machine, with their status and installation path.' },
  { name: '-lk', text: 'List all the IIS metabase paths that hold ASP.NET scriptmaps, with their version. Keys that inherit their scriptmaps are not listed.' },
  { name: '-c', text: 'Install the client side scripts for this version into the aspnet_client subdirectory of each IIS site directory.' },
  { name: '-e', text: 'Remove the client side scripts for this version from the aspnet_client subdirectory of each IIS site directory.' },
  { name: '-ea', text: 'Remove the client side scripts for all versions from the aspnet_client subdirectory of each IIS site directory.' },
  { name: '-ga <user>', text: 'Grant the specified user or group access to the IIS metabase and other directories used by ASP.NET.', since2: true },
  { name: '-norestart', text: 'With an option that installs, uninstalls, maps or removes scriptmaps: do not restart the World Wide Web Publishing Service (W3SVC) afterwards. Running worker processes keep the CLR they loaded.' },
  { name: '-?', text: 'Print this help text.' },
];

/** Wraps a description into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const centre = (title: string): string => ' '.repeat(Math.floor((WIDTH - title.length) / 2)) + title;

export function usage(tool: FrameworkVersion): string[] {
  const lines = ['', centre('-- ASP.NET REGISTRATION OPTIONS --'), ''];
  for (const option of OPTIONS) {
    if (option.since2 && majorOf(tool) < 2) continue;
    const description = wrap(option.text, WIDTH - NAME_FIELD);
    const name = option.name.length >= NAME_FIELD ? `${option.name} ` : option.name.padEnd(NAME_FIELD);
    lines.push(`${name}${description[0] ?? ''}`);
    for (const more of description.slice(1)) lines.push(' '.repeat(NAME_FIELD) + more);
    lines.push('');
  }
  return lines;
}
