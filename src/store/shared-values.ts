import { createHash } from 'node:crypto';
import { type Sqlite, statement } from './raw.js';

/**
 * Long values are stored once (migration 2026_11_22_003_shared_values says why): a value of `SHARED_FROM`
 * characters or more goes to `mb_shared_value`, found again by its SHA-256, and the property row holds its
 * id in `shared_id` (its `value` null); a shorter value stays in the row. Snapshot rows copy `shared_id` as
 * it is, so a snapshot shares the values of the machine it was taken of.
 *
 * One instance serves one read or one write of the store and caches what it met: texts by id (ids are never
 * reused) and ids by text. A value nothing refers to any more is dropped by `dropUnusedValues`.
 */
export const SHARED_FROM = 256;

export type StoredValue = [value: string | null, sharedId: number | null];

export class SharedValues {
  private readonly texts = new Map<number, string>();
  private readonly ids = new Map<string, number>();

  constructor(private readonly sqlite: Sqlite) {}

  /** The text a row stores: its own, or the shared value it names. */
  text(value: string | null, sharedId: number | null): string {
    if (sharedId === null) return value ?? '';
    let text = this.texts.get(sharedId);
    if (text === undefined) {
      text = statement(this.sqlite, 'select value from mb_shared_value where id = ?').pluck().get(sharedId) as string | undefined;
      if (text === undefined) throw new Error(`shared value #${sharedId} does not exist`);
      this.texts.set(sharedId, text);
    }
    return text;
  }

  /** How `text` is stored in a row: in it, or (long) as the id of its shared value, added when new. */
  store(text: string): StoredValue {
    if (text.length < SHARED_FROM) return [text, null];
    let id = this.ids.get(text);
    if (id === undefined) {
      const digest = createHash('sha256').update(text, 'utf8').digest();
      id = statement(this.sqlite, 'select id from mb_shared_value where digest = ?').pluck().get(digest) as number | undefined;
      id ??= statement(this.sqlite, 'insert into mb_shared_value (digest, value) values (?, ?) returning id').pluck().get(digest, text) as number;
      this.ids.set(text, id);
      this.texts.set(id, text);
    }
    return [null, id];
  }
}

/**
 * Drops the shared values no property row refers to, live or in a snapshot. Writers call it after they
 * replace or delete rows; it reads the shared values (a few dozen on most servers), not the properties.
 */
export function dropUnusedValues(sqlite: Sqlite): void {
  statement(
    sqlite,
    `delete from mb_shared_value where
       not exists (select 1 from mb_property where shared_id = mb_shared_value.id) and
       not exists (select 1 from snapshot_property where shared_id = mb_shared_value.id)`,
  ).run();
}
