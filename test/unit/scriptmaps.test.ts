import { describe, expect, it } from 'vitest';
import {
  entryVersion,
  isMixed,
  listVersion,
  moveList,
  parseEntry,
  removeAspNet,
} from '../../src/metabase/scriptmaps.js';
import { extensionsOf } from '../../src/regiis/frameworks.js';

const FW = 'C:\\WINDOWS\\Microsoft.NET\\Framework';
const v11 = `${FW}\\v1.1.4322\\aspnet_isapi.dll`;
const v20 = `${FW}\\v2.0.50727\\aspnet_isapi.dll`;
const asp = '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE';

describe('ScriptMaps entries', () => {
  it('splits extension, processor, flags and verbs (everything after the third comma)', () => {
    expect(parseEntry(asp)).toEqual({ extension: '.asp', processor: 'C:\\WINDOWS\\system32\\inetsrv\\asp.dll', flags: '5', verbs: 'GET,HEAD,POST,TRACE' });
    expect(parseEntry('.foo,C:\\foo.dll,1').verbs).toBeUndefined();
  });

  it('knows an ASP.NET entry by its processor file name and its version by the folder', () => {
    expect(entryVersion(parseEntry(`.aspx,${v20},1`))).toBe('2.0.50727');
    expect(entryVersion(parseEntry('.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework64\\v2.0.50727\\ASPNET_ISAPI.DLL,1'))).toBe('2.0.50727');
    expect(entryVersion(parseEntry('.aspx,C:\\beta\\v2.0.40607\\aspnet_isapi.dll,1'))).toBe('2.0.40607');
    expect(entryVersion(parseEntry('.aspx,C:\\custom\\aspnet_isapi.dll,1'))).toBe('0.0.0');
    expect(entryVersion(parseEntry(asp))).toBeUndefined();
  });

  it('gives a list the version of its ASP.NET entries, the highest when mixed', () => {
    expect(listVersion([asp])).toBeUndefined();
    expect(listVersion([asp, `.aspx,${v11},1`])).toBe('1.1.4322');
    expect(listVersion([`.aspx,${v11},1`, `.asmx,${v20},1`])).toBe('2.0.50727');
    expect(isMixed([`.aspx,${v11},1`, `.asmx,${v20},1`])).toBe(true);
    expect(isMixed([`.aspx,${v11},1`, `.asmx,${v11},1`])).toBe(false);
  });
});

describe('moving a list to a version', () => {
  it('keeps the place, flags and verbs of entries the target maps, with the target processor', () => {
    const moved = moveList([asp, `.aspx,${v11},1,GET,POST`, '.foo,C:\\Tools\\foo.dll,1'], '2.0.50727', v20);
    expect(moved.slice(0, 3)).toEqual([asp, `.aspx,${v20},1,GET,POST`, '.foo,C:\\Tools\\foo.dll,1']);
  });

  it("appends the target's missing extensions in its order, with its flag and verbs", () => {
    const moved = moveList([asp], '1.1.4322', v11);
    expect(moved).toHaveLength(1 + 18);
    expect(moved[1]).toBe(`.asax,${v11},5,GET,HEAD,POST,DEBUG`);
    expect(moved[3]).toBe(`.ashx,${v11},1,GET,HEAD,POST,DEBUG`);
    expect(moved.slice(1).map((e) => parseEntry(e).extension)).toEqual(extensionsOf('1.1.4322').map((e) => e.extension));
  });

  it('drops ASP.NET entries for extensions the target does not map (a downgrade drops .master)', () => {
    const on20 = moveList([], '2.0.50727', v20);
    const on11 = moveList(on20, '1.1.4322', v11);
    expect(on11.some((e) => e.startsWith('.master,'))).toBe(false);
    expect(on11).toEqual(moveList([], '1.1.4322', v11));
  });

  it('leaves a custom handler for an ASP.NET extension alone and does not add a second one', () => {
    const moved = moveList(['.config,C:\\Tools\\guard.dll,5'], '1.1.4322', v11);
    expect(moved[0]).toBe('.config,C:\\Tools\\guard.dll,5');
    expect(moved.filter((e) => e.toLowerCase().startsWith('.config,'))).toHaveLength(1);
  });

  it('keeps the first of two ASP.NET entries for one extension in a mixed list', () => {
    const moved = moveList([`.aspx,${v11},1,GET`, `.ASPX,${v20},1,POST`], '2.0.50727', v20);
    expect(moved.filter((e) => e.toLowerCase().startsWith('.aspx,'))).toEqual([`.aspx,${v20},1,GET`]);
  });

  it('compares extensions case-insensitively', () => {
    const moved = moveList([`.ASPX,${v11},1`], '1.1.4322', v11);
    expect(moved.filter((e) => e.toLowerCase().startsWith('.aspx,'))).toHaveLength(1);
  });

  it('is idempotent', () => {
    const once = moveList([asp, `.aspx,${v11},1`], '2.0.50727', v20);
    expect(moveList(once, '2.0.50727', v20)).toEqual(once);
  });
});

describe('removing ASP.NET', () => {
  it('drops the ASP.NET entries and keeps the rest in order', () => {
    expect(removeAspNet([asp, `.aspx,${v11},1`, '.foo,C:\\foo.dll,1'])).toEqual([asp, '.foo,C:\\foo.dll,1']);
    expect(removeAspNet([`.aspx,${v11},1`])).toEqual([]);
  });
});
