import { describe, expect, it } from 'vitest';
import { parseToolArgs } from '../../src/regiis/args.js';

const v20 = (...words: string[]) => parseToolArgs(words, '2.0.50727', false);
const v11 = (...words: string[]) => parseToolArgs(words, '1.1.4322', false);

describe("the tool's own options", () => {
  it.each([
    [['-i'], { action: 'i' }],
    [['/I'], { action: 'i', typed: '/I' }],
    [['-sn', 'W3SVC/1/ROOT'], { action: 'sn', argument: 'W3SVC/1/ROOT' }],
    [['-S', '-lv'], { action: 's', argument: '-lv' }],
    [['-ir', '-enable'], { action: 'ir', extension: 'enable' }],
    [['-DISABLE', '/r'], { action: 'r', extension: 'disable' }],
    [['-norestart', '-k', 'W3SVC'], { action: 'k', norestart: true }],
    [['-ga', 'NT AUTHORITY\\NETWORK SERVICE'], { action: 'ga', argument: 'NT AUTHORITY\\NETWORK SERVICE' }],
    [[], { action: '?' }],
    [['/?'], { action: '?' }],
  ])('%j parses', (words, expected) => {
    const result = v20(...words);
    expect(result.ok && result.command).toMatchObject(expected);
  });

  it('reads -sn, -lk and -ir as single options, never groups of letters', () => {
    expect(v20('-lk')).toMatchObject({ ok: true, command: { action: 'lk' } });
    expect(v20('-ir')).toMatchObject({ ok: true, command: { action: 'ir' } });
  });

  it.each([
    [['-bogus']],
    [['-s']],
    [['-lv', 'extra']],
    [['W3SVC/1']],
    [['-s', 'A', 'B']],
  ])('%j is invalid arguments', (words) => {
    expect(v20(...words)).toEqual({ ok: false, error: { kind: 'invalid-arguments' } });
  });

  it('names a repeated option as typed (2.0 and 4.0); 1.x says invalid arguments', () => {
    expect(v20('-s', 'A', '-S', 'B')).toEqual({ ok: false, error: { kind: 'duplicate', typed: '-S' } });
    expect(v11('-lv', '-lv')).toEqual({ ok: false, error: { kind: 'invalid-arguments' } });
  });

  it.each([[['-i', '-u']], [['-lv', '-lk']], [['-enable', '-disable', '-i']], [['-enable', '-s', 'W3SVC']], [['-iru', '-enable']], [['-norestart', '-lv']], [['-norestart', '-c']], [['-norestart']]])(
    '%j does not combine',
    (words) => {
      expect(v20(...words)).toEqual({ ok: false, error: { kind: 'incompatible' } });
    },
  );

  it('refuses -enable on IIS 5', () => {
    expect(parseToolArgs(['-i', '-enable'], '2.0.50727', true)).toEqual({ ok: false, error: { kind: 'incompatible' } });
  });

  it('lacks -iru, -ga, -enable and -disable in the 1.x tools', () => {
    for (const words of [['-iru'], ['-ga', 'U'], ['-i', '-enable'], ['-i', '-disable']]) {
      expect(v11(...words)).toEqual({ ok: false, error: { kind: 'invalid-arguments' } });
    }
  });

  it('reports errors in the order the spec gives', () => {
    // unknown option before a missing argument, before a duplicate, before an incompatibility
    expect(v20('-i', '-u', '-bogus')).toEqual({ ok: false, error: { kind: 'invalid-arguments' } });
    expect(v20('-i', '-i', '-u')).toEqual({ ok: false, error: { kind: 'duplicate', typed: '-i' } });
  });

  it('says the configuration encryption options are not emulated', () => {
    expect(v20('-pe', 'connectionStrings')).toEqual({ ok: false, error: { kind: 'not-emulated', typed: '-pe' } });
  });
});
