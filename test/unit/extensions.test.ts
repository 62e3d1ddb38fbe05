import { describe, expect, it } from 'vitest';
import { extensionVerdict } from '../../src/iis/extensions.js';
import { machine, set } from '../support/runtime-builders.js';

const V11 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll';
const V40 = 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_isapi.dll';

describe('Web Service Extensions', () => {
  it('an entry for the program decides, by its flag, and names the extension by its description', () => {
    const state = machine('win2003-net40');
    expect(extensionVerdict(state.metabase, V11)).toEqual({ allowed: true, name: 'ASP.NET v1.1.4322' });
    expect(extensionVerdict(state.metabase, V40.toUpperCase())).toEqual({ allowed: false, name: 'ASP.NET v4.0.30319' });
    expect(extensionVerdict(state.metabase, 'C:\\WINDOWS\\system32\\inetsrv\\asp.dll')).toEqual({ allowed: false, name: 'Active Server Pages' });
  });

  it('a program the list does not name falls under All Unknown ISAPI (or CGI) Extensions', () => {
    const state = machine('win2003');
    expect(extensionVerdict(state.metabase, 'C:\\tools\\any.dll')).toEqual({ allowed: false, name: 'All Unknown ISAPI Extensions' });
    expect(extensionVerdict(state.metabase, 'C:\\tools\\any.exe')).toEqual({ allowed: false, name: 'All Unknown CGI Extensions' });
    const open = machine('win2003', set('W3SVC', 'WebSvcExtRestrictionList', '1,*.dll', '0,*.exe'));
    expect(extensionVerdict(open.metabase, 'C:\\tools\\any.dll').allowed).toBe(true);
    expect(extensionVerdict(open.metabase, 'C:\\tools\\any.exe').allowed).toBe(false);
  });

  it('with no list at all, every program is prohibited', () => {
    const none = machine('win2003', (d) => d.deleteProperty('/LM/W3SVC', 'WebSvcExtRestrictionList'));
    expect(extensionVerdict(none.metabase, V11)).toEqual({ allowed: false, name: 'All Unknown ISAPI Extensions' });
  });
});
