import { describe, expect, it } from 'vitest';
import {
  arrivalAddress,
  entryAccepts,
  extensionOf,
  findKey,
  findSite,
  handlerFor,
  homeOf,
  isAspNetExtension,
  parseBinding,
  parseRequestUrl,
  requestedFile,
} from '../../src/iis/routing.js';
import { parseEntry } from '../../src/metabase/scriptmaps.js';
import { app, machine, set, site, vdir } from '../support/runtime-builders.js';

const url = (text: string) => {
  const parsed = parseRequestUrl(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

describe('parseRequestUrl', () => {
  it('takes the host, the port (80 or 443 by default), decoded segments and whether it names a folder', () => {
    expect(url('http://LocalHost/App/Default.aspx?x=1')).toEqual({ secure: false, host: 'localhost', port: 80, segments: ['App', 'Default.aspx'], folder: false });
    expect(url('https://www.example.com:8443/My%20App/')).toEqual({ secure: true, host: 'www.example.com', port: 8443, segments: ['My App'], folder: true });
    expect(url('https://shop').port).toBe(443);
  });

  it.each([
    ['not a url', 'not a URL'],
    ['ftp://localhost/x.aspx', 'the scheme must be http or https, not ftp'],
    ['http://user:pw@localhost/', 'credentials'],
    ['http://localhost/%E0%A4%A', 'malformed %-escape'],
    ['http://localhost/a%2Fb.aspx', 'escaped slash'],
  ])('refuses %s', (text, reason) => {
    const parsed = parseRequestUrl(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('bindings', () => {
  it('parses IP:port:host, an empty IP or host meaning all', () => {
    expect(parseBinding(':80:')).toEqual({ ip: '', port: 80, host: '' });
    expect(parseBinding('10.0.0.5:8080:www.example.com')).toEqual({ ip: '10.0.0.5', port: 8080, host: 'www.example.com' });
    expect(parseBinding('80')).toBeUndefined();
  });

  it('the arrival address is --ip, an IPv4 host, 127.0.0.1 for localhost, unknown for another name', () => {
    expect(arrivalAddress(url('http://www.example.com/'), '10.0.0.5')).toBe('10.0.0.5');
    expect(arrivalAddress(url('http://10.0.0.7/'), undefined)).toBe('10.0.0.7');
    expect(arrivalAddress(url('http://localhost/'), undefined)).toBe('127.0.0.1');
    expect(arrivalAddress(url('http://www.example.com/'), undefined)).toBeUndefined();
  });

  // Site 1 ":80:" (from the profile), then one site per IIS 6 rule.
  const state = machine(
    'win2003',
    site('Exact', 2, '10.0.0.5:80:www.example.com'),
    site('HostOnAll', 3, ':80:www.example.com'),
    site('IpNoHost', 4, '10.0.0.5:80:'),
    site('Other', 5, ':8080:'),
  );
  const siteOf = (text: string, ip?: string) => {
    const u = url(text);
    return findSite(state.metabase, u, arrivalAddress(u, ip));
  };

  it('1: the exact IP, port and host header', () => {
    expect(siteOf('http://www.example.com/', '10.0.0.5')).toMatchObject({ site: { path: '/LM/W3SVC/2' }, rule: 1, binding: '10.0.0.5:80:www.example.com' });
  });

  it('2: the host header on All Unassigned when the IP does not match (host headers compare case-insensitively)', () => {
    expect(siteOf('http://WWW.Example.com/', '10.0.0.9')).toMatchObject({ site: { path: '/LM/W3SVC/3' }, rule: 2 });
    expect(siteOf('http://www.example.com/')).toMatchObject({ site: { path: '/LM/W3SVC/3' }, rule: 2 });
  });

  it('3: the IP and port with an empty host header', () => {
    expect(siteOf('http://10.0.0.5/')).toMatchObject({ site: { path: '/LM/W3SVC/4' }, rule: 3 });
    expect(siteOf('http://intranet/', '10.0.0.5')).toMatchObject({ site: { path: '/LM/W3SVC/4' }, rule: 3 });
  });

  it('4: All Unassigned with an empty host header', () => {
    expect(siteOf('http://localhost/')).toMatchObject({ site: { path: '/LM/W3SVC/1' }, rule: 4 });
    expect(siteOf('http://intranet/', '10.0.0.9')).toMatchObject({ site: { path: '/LM/W3SVC/1' }, rule: 4 });
    expect(siteOf('http://localhost:8080/')).toMatchObject({ site: { path: '/LM/W3SVC/5' }, rule: 4 });
  });

  it('no site: no binding on the port, or only host headers that do not match', () => {
    expect(siteOf('http://localhost:81/')).toBeUndefined();
    const hostsOnly = machine('win2003', set('W3SVC/1', 'ServerBindings', ':80:www.example.com'));
    const u = url('http://localhost/');
    expect(findSite(hostsOnly.metabase, u, arrivalAddress(u, undefined))).toBeUndefined();
  });

  it('https uses SecureBindings', () => {
    expect(siteOf('https://localhost/')).toBeUndefined();
    const secure = machine('win2003', set('W3SVC/1', 'SecureBindings', ':443:'));
    const u = url('https://localhost/');
    expect(findSite(secure.metabase, u, arrivalAddress(u, undefined))).toMatchObject({ site: { path: '/LM/W3SVC/1' }, binding: ':443:' });
  });
});

describe('keys, folders and files', () => {
  const state = machine('win2003', app('W3SVC/1/ROOT/App'), vdir('W3SVC/1/ROOT/App/Sub'));
  const siteKey = state.metabase.get('/LM/W3SVC/1')!;

  it('takes the longest run of segments that name keys, case-insensitively', () => {
    expect(findKey(state.metabase, siteKey, ['app', 'SUB', 'x.aspx'])).toMatchObject({ key: { path: '/LM/W3SVC/1/ROOT/App/Sub' }, rest: ['x.aspx'] });
    expect(findKey(state.metabase, siteKey, ['App', 'Nope', 'x.aspx'])).toMatchObject({ key: { path: '/LM/W3SVC/1/ROOT/App' }, rest: ['Nope', 'x.aspx'] });
    expect(findKey(state.metabase, siteKey, [])).toMatchObject({ key: { path: '/LM/W3SVC/1/ROOT' }, rest: [] });
  });

  it('a site without a ROOT key has no key for any path', () => {
    const bare = machine('win2003', (d) => d.deleteKey('/LM/W3SVC/1/ROOT'));
    expect(findKey(bare.metabase, bare.metabase.get('/LM/W3SVC/1')!, ['x.aspx'])).toBeUndefined();
  });

  it('the folder is the Path of the nearest key that has one', () => {
    const withDir = machine('win2003', app('W3SVC/1/ROOT/App'), (d) => void d.createKey('/LM/W3SVC/1/ROOT/App/Images', 'IIsWebDirectory'));
    expect(homeOf(withDir.metabase, withDir.metabase.get('/LM/W3SVC/1/ROOT/App/Images')!)).toMatchObject({ vdir: { path: '/LM/W3SVC/1/ROOT/App' }, folder: 'C:\\Inetpub\\App' });
  });

  it('a path naming a folder gets the first default document', () => {
    const root = state.metabase.get('/LM/W3SVC/1/ROOT')!;
    expect(requestedFile(state.metabase, root, url('http://localhost/x.aspx'), ['x.aspx'])).toBe('x.aspx');
    expect(requestedFile(state.metabase, root, url('http://localhost/'), [])).toBe('Default.htm');
    expect(requestedFile(state.metabase, root, url('http://localhost/x.aspx/'), ['x.aspx'])).toBe('Default.htm');
    expect(requestedFile(state.metabase, root, url('http://localhost/folder'), ['folder'])).toBe('Default.htm');
    const noDocs = machine('win2003', set('W3SVC', 'DefaultDoc', ''));
    expect(requestedFile(noDocs.metabase, noDocs.metabase.get('/LM/W3SVC/1/ROOT')!, url('http://localhost/'), [])).toBeUndefined();
  });

  it('extensions are lower-cased', () => {
    expect(extensionOf('Default.ASPX')).toBe('.aspx');
    expect(extensionOf('README')).toBeUndefined();
  });
});

describe('handlers', () => {
  const list = [
    '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
    '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG',
    '.any,C:\\tools\\any.dll,1',
  ];

  it('an ASP.NET entry names its version; another entry is an ISAPI; extensions compare case-insensitively', () => {
    expect(handlerFor(list, '.ASPX')).toMatchObject({ kind: 'aspnet', version: '2.0.50727' });
    expect(handlerFor(list, '.asp')).toMatchObject({ kind: 'isapi', entry: { processor: 'C:\\WINDOWS\\system32\\inetsrv\\asp.dll' } });
  });

  it('an ASP.NET extension of any version without an entry is plain text; anything else is a static file', () => {
    expect(handlerFor(list, '.asmx')).toEqual({ kind: 'plain-text' });
    expect(handlerFor(list, '.cshtml')).toEqual({ kind: 'plain-text' });
    expect(handlerFor(list, '.htm')).toEqual({ kind: 'static' });
    expect(handlerFor(list, undefined)).toEqual({ kind: 'static' });
    expect(isAspNetExtension('.master')).toBe(true);
    expect(isAspNetExtension('.asp')).toBe(false);
  });

  it('an entry passes only the verbs it names; none named is all verbs', () => {
    const aspx = parseEntry(list[1]!);
    expect(entryAccepts(aspx, 'post')).toBe(true);
    expect(entryAccepts(aspx, 'PUT')).toBe(false);
    expect(entryAccepts(parseEntry(list[2]!), 'PROPFIND')).toBe(true);
  });
});
