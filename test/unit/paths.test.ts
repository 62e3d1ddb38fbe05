import { describe, expect, it } from 'vitest';
import { isAtOrBelow, parentPath, selfAndAncestors, toKeyPath, toolPath } from '../../src/metabase/paths.js';

describe('key paths', () => {
  it.each([
    ['W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT'],
    ['W3SVC/', '/LM/W3SVC'],
    ['/LM/W3SVC/1/ROOT/', '/LM/W3SVC/1/ROOT'],
    ['/lm/w3svc/1', '/LM/w3svc/1'],
    ['/W3SVC/1', '/LM/W3SVC/1'],
    ['  W3SVC  ', '/LM/W3SVC'],
    ['/', '/'],
  ])('%s is the key %s', (typed, path) => {
    expect(toKeyPath(typed)).toBe(path);
  });

  it('prints keys without /LM/ as the tool does', () => {
    expect(toolPath('/LM/W3SVC/1/ROOT')).toBe('W3SVC/1/ROOT');
  });

  it('compares case-insensitively and only at segment boundaries', () => {
    expect(isAtOrBelow('/LM/W3SVC/1/ROOT/App', '/lm/w3svc/1/root')).toBe(true);
    expect(isAtOrBelow('/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT')).toBe(true);
    expect(isAtOrBelow('/LM/W3SVC/1/ROOTS', '/LM/W3SVC/1/ROOT')).toBe(false);
    expect(isAtOrBelow('/LM/W3SVC/10', '/LM/W3SVC/1')).toBe(false);
  });

  it('walks up to the metabase root', () => {
    expect(parentPath('/LM')).toBe('/');
    expect(selfAndAncestors('/LM/W3SVC/1')).toEqual(['/LM/W3SVC/1', '/LM/W3SVC', '/LM', '/']);
  });
});
