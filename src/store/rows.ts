import type { Property } from '../metabase/metabase.js';
import type { NewPropertyRow, PropertyRow } from './schema.js';

/** MULTISZ values are stored as JSON arrays; every other value as its text. */
export function rowToProperty(row: Pick<PropertyRow, 'name' | 'prop_id' | 'data_type' | 'user_type' | 'attributes' | 'value'>): Property {
  const list = row.data_type === 'MULTISZ';
  return {
    name: row.name,
    value: list ? (JSON.parse(row.value) as string[]) : row.value,
    id: row.prop_id ?? undefined,
    dataType: row.data_type ?? undefined,
    userType: row.user_type ?? undefined,
    attributes: row.attributes ?? undefined,
  };
}

export function propertyToRow(keyId: number, prop: Property, ord: number): NewPropertyRow {
  const list = typeof prop.value !== 'string';
  return {
    key_id: keyId,
    name_lc: prop.name.toLowerCase(),
    name: prop.name,
    ord,
    prop_id: prop.id ?? null,
    data_type: list ? 'MULTISZ' : (prop.dataType ?? 'STRING'),
    user_type: prop.userType ?? null,
    attributes: prop.attributes ?? null,
    value: list ? JSON.stringify(prop.value) : (prop.value as string),
  };
}
