import { describe, expect, test } from 'vitest';
import { LONGEST_RUN, readMetabaseXml } from '../../src/metabase/xml/read.js';

/** The reader holds at most LONGEST_RUN characters of one value, comment or text, whatever the file's size. */

const head = '<?xml version="1.0"?>\n<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\n<MBProperty>\n<IIsComputer Location="/LM">\n</IIsComputer>\n';
const tail = '</MBProperty>\n</configuration>\n';

/** A file as 1 MiB chunks, as the import reads it. */
async function* chunks(parts: readonly (string | { readonly repeat: string; readonly times: number })[]): AsyncGenerator<string> {
  for (const part of parts) {
    if (typeof part === 'string') yield part;
    else for (let i = 0; i < part.times; i++) yield part.repeat;
  }
}

const MiB = 'a'.repeat(1024 * 1024);

describe('bounded runs', () => {
  test('a file longer than the bound, made of values shorter than it, is read', async () => {
    const each = LONGEST_RUN / MiB.length / 2 + 1;
    const key = (n: number) => [`<IIsWebService Location="/LM/W3SVC${n}" ServerComment="`, { repeat: MiB, times: each }, '">\n</IIsWebService>\n'];
    const xml = await readMetabaseXml(chunks([head, ...key(1), ...key(2), tail]));
    expect(xml.keys.map((k) => k.path)).toEqual(['/LM', '/LM/W3SVC1', '/LM/W3SVC2']);
    expect((xml.keys[1]!.properties.get('servercomment')!.value as string).length).toBe(each * MiB.length);
  });

  test('a value longer than the bound is refused at the tag that holds it, before the rest is read', async () => {
    let fed = 0;
    async function* counted() {
      for await (const chunk of chunks([head, '<IIsWebService\tLocation ="/LM/W3SVC"\n\t\tServerComment="', { repeat: MiB, times: 100 }, '">\n</IIsWebService>\n', tail])) {
        fed += chunk.length;
        yield chunk;
      }
    }
    await expect(readMetabaseXml(counted())).rejects.toThrow(/^line 6, column \d+: more than 16 Mi characters without markup/);
    expect(fed).toBeLessThan(LONGEST_RUN + 2 * MiB.length);
  });

  test('so is a comment that long', async () => {
    await expect(readMetabaseXml(chunks([head, '<!--', { repeat: MiB, times: 17 }, '-->', tail]))).rejects.toThrow(/^line 6, column \d+: more than 16 Mi characters/);
  });
});
