import { describe, expect, it } from 'vitest';
import { Metabase, property } from '../../src/metabase/metabase.js';

const key = (path: string, keyType: string, ...props: ReturnType<typeof property>[]) => ({
  path,
  keyType,
  properties: new Map(props.map((p) => [p.name.toLowerCase(), p])),
});

const tree = () =>
  new Metabase([
    key('/LM', 'IIsComputer'),
    key('/LM/W3SVC', 'IIsWebService', property('ScriptMaps', ['.asp,a.dll,5']), property('ServerComment', 'not inherited')),
    key('/LM/W3SVC/1', 'IIsWebServer'),
    key('/LM/W3SVC/1/ROOT', 'IIsWebVirtualDir', property('AppRoot', '/LM/W3SVC/1/ROOT')),
    key('/LM/W3SVC/1/ROOT/App', 'IIsWebVirtualDir', property('ScriptMaps', ['.foo,f.dll,1'])),
    key('/LM/W3SVC/1/ROOT/App/Sub', 'IIsWebDirectory'),
    key('/LM/W3SVC/1/ROOT/Other', 'IIsWebDirectory'),
  ]);

describe('inheritance', () => {
  it('takes the value of the nearest key that holds an inheritable property', () => {
    const mb = tree();
    expect(mb.effective('/LM/W3SVC/1/ROOT', 'ScriptMaps')).toMatchObject({ from: '/LM/W3SVC', property: { value: ['.asp,a.dll,5'] } });
    expect(mb.effective('/LM/W3SVC/1/ROOT/App/Sub', 'scriptmaps')?.from).toBe('/LM/W3SVC/1/ROOT/App');
  });

  it('never merges lists: an explicit list replaces the inherited one whole', () => {
    expect(tree().effective('/LM/W3SVC/1/ROOT/App', 'ScriptMaps')?.property.value).toEqual(['.foo,f.dll,1']);
  });

  it('does not pass down a property that does not inherit', () => {
    const mb = tree();
    expect(mb.effective('/LM/W3SVC', 'ServerComment')?.property.value).toBe('not inherited');
    expect(mb.effective('/LM/W3SVC/1', 'ServerComment')).toBeUndefined();
  });

  it('honours an INHERIT attribute on a property the schema does not know', () => {
    const mb = tree();
    mb.put(key('/LM/W3SVC/2', 'IIsWebServer', { name: 'Custom1', value: 'x', attributes: 'INHERIT' }));
    mb.put(key('/LM/W3SVC/2/ROOT', 'IIsWebVirtualDir'));
    expect(mb.effective('/LM/W3SVC/2/ROOT', 'Custom1')?.property.value).toBe('x');
  });

  it('finds applications by AppRoot naming the key itself', () => {
    const mb = tree();
    expect([...mb.applications()].map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT']);
    expect(mb.applicationOf('/LM/W3SVC/1/ROOT/App/Sub')?.path).toBe('/LM/W3SVC/1/ROOT');
  });
});

describe('the key tree', () => {
  it('walks depth-first, parents before children, siblings in creation order', () => {
    expect([...tree().walk('/LM/W3SVC/1')].map((k) => k.path)).toEqual([
      '/LM/W3SVC/1',
      '/LM/W3SVC/1/ROOT',
      '/LM/W3SVC/1/ROOT/App',
      '/LM/W3SVC/1/ROOT/App/Sub',
      '/LM/W3SVC/1/ROOT/Other',
    ]);
  });

  it('finds keys in any case and removes a key with everything below it', () => {
    const mb = tree();
    expect(mb.get('/lm/w3svc/1/root/app')?.path).toBe('/LM/W3SVC/1/ROOT/App');
    expect(mb.remove('/LM/W3SVC/1/ROOT/App').map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT/App', '/LM/W3SVC/1/ROOT/App/Sub']);
    expect(mb.has('/LM/W3SVC/1/ROOT/App/Sub')).toBe(false);
    expect(mb.childrenOf('/LM/W3SVC/1/ROOT').map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT/Other']);
  });
});
