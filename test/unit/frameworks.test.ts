import { describe, expect, it } from 'vitest';
import { compareVersions, compatible, extensionsOf, fourPart, parseFrameworkVersion } from '../../src/regiis/frameworks.js';

describe('framework versions', () => {
  it.each([
    ['1.0', '1.0.3705'],
    ['1.1', '1.1.4322'],
    ['2.0', '2.0.50727'],
    ['3.0', '2.0.50727'],
    ['3.5', '2.0.50727'],
    ['4', '4.0.30319'],
    ['4.0', '4.0.30319'],
    ['4.5', '4.0.30319'],
    ['4.8', '4.0.30319'],
    ['v2.0.50727', '2.0.50727'],
    ['2.0.50727', '2.0.50727'],
    ['2.0.50727.0', '2.0.50727'],
  ])('%s is %s', (typed, version) => {
    expect(parseFrameworkVersion(typed)).toBe(version);
  });

  it.each(['5.0', '4.9', '1.2', 'latest', ''])('refuses %j', (typed) => {
    expect(parseFrameworkVersion(typed)).toBeUndefined();
  });

  it('orders numerically, betas by their numbers', () => {
    expect(compareVersions('1.1.4322', '2.0.50727')).toBeLessThan(0);
    expect(compareVersions('2.0.40607', '2.0.50727')).toBeLessThan(0);
    expect(compareVersions('10.0.0', '4.0.30319')).toBeGreaterThan(0);
    expect(compareVersions('0.0.0', '1.0.3705')).toBeLessThan(0);
  });

  it('calls two versions compatible when their majors are equal', () => {
    expect(compatible('1.0.3705', '1.1.4322')).toBe(true);
    expect(compatible('1.1.4322', '2.0.50727')).toBe(false);
    expect(compatible('2.0.50727', '4.0.30319')).toBe(false);
  });

  it('has the extension tables of machine.md §2', () => {
    expect(extensionsOf('1.0.3705')).toHaveLength(18);
    expect(extensionsOf('1.1.4322')).toEqual(extensionsOf('1.0.3705'));
    expect(extensionsOf('2.0.50727')).toHaveLength(18 + 8 + 1 + 10 + 1 + 5);
    expect(extensionsOf('4.0.30319')).toHaveLength(43 + 8);
    expect(extensionsOf('2.0.50727').find((e) => e.extension === '.svc')?.flag).toBe(1);
    expect(extensionsOf('4.0.30319').slice(43).map((e) => `${e.extension}(${e.flag})`).join(' ')).toBe(
      '.xoml(1) .xamlx(1) .rules(5) .aspq(5) .cshtm(5) .cshtml(5) .vbhtm(5) .vbhtml(5)',
    );
  });

  it('names versions in four parts for -lv, -lk and events', () => {
    expect(fourPart('2.0.50727')).toBe('2.0.50727.0');
  });
});
