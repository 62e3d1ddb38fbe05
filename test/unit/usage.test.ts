import { describe, expect, it } from 'vitest';
import { usage } from '../../src/regiis/usage.js';

describe('-? usage text', () => {
  it('centres the section title in 79 columns', () => {
    const title = usage('2.0.50727').find((l) => l.includes('-- ASP.NET REGISTRATION OPTIONS --'))!;
    const left = title.length - title.trimStart().length;
    expect(Math.abs(left - (79 - left - title.trim().length))).toBeLessThanOrEqual(1);
  });

  it('puts option names in a 20-column field and wraps descriptions at 79 columns with a 20-space indent', () => {
    for (const version of ['1.1.4322', '2.0.50727', '4.0.30319'] as const) {
      const lines = usage(version);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(79);
      const options = lines.filter((l) => l.startsWith('-'));
      for (const line of options) expect(line[19]).toBe(' ');
      for (const line of options) expect(line[20]).not.toBe(' ');
      const continuations = lines.filter((l) => l.startsWith(' '.repeat(20)));
      expect(continuations.length).toBeGreaterThan(5);
    }
  });

  it('lists only the options the tool version has', () => {
    const names = (version: '1.1.4322' | '2.0.50727') => usage(version).filter((l) => l.startsWith('-')).map((l) => l.split(' ')[0]);
    expect(names('1.1.4322')).not.toContain('-iru');
    expect(names('1.1.4322')).not.toContain('-ga');
    expect(names('1.1.4322')).not.toContain('-enable');
    expect(names('2.0.50727')).toEqual(expect.arrayContaining(['-iru', '-ga', '-enable', '-disable', '-norestart', '-lk', '-?']));
  });
});
