import type { CustomField, MetabaseKey, Property, XmlForm } from '../metabase/metabase.js';
import type { KeyRow, NewPropertyRow, PropertyRow } from './schema.js';

/** MULTISZ values are stored as JSON arrays; every other value as its text. */
export function rowToProperty(row: Pick<PropertyRow, 'name' | 'prop_id' | 'data_type' | 'user_type' | 'attributes' | 'value' | 'xml_form'>): Property {
  const list = row.data_type === 'MULTISZ';
  return {
    name: row.name,
    value: list ? (JSON.parse(row.value) as string[]) : row.value,
    id: row.prop_id ?? undefined,
    dataType: row.data_type ?? undefined,
    userType: row.user_type ?? undefined,
    attributes: row.attributes ?? undefined,
    xml: textToXmlForm(row.xml_form),
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
    xml_form: xmlFormToText(prop.xml),
  };
}

/** `attribute`, `custom`, or `custom -ID -Type` naming the fields the `Custom` element left out. */
function xmlFormToText(form: XmlForm | undefined): string | null {
  if (form === undefined) return null;
  if (form.kind === 'attribute') return 'attribute';
  return ['custom', ...form.omitted.map((field) => `-${field}`)].join(' ');
}

const ATTRIBUTE: XmlForm = { kind: 'attribute' };

function textToXmlForm(text: string | null): XmlForm | undefined {
  if (text === null) return undefined;
  if (text === 'attribute') return ATTRIBUTE;
  const [kind, ...omitted] = text.split(' ');
  if (kind !== 'custom') throw new Error(`unknown xml_form ${text}`);
  return { kind: 'custom', omitted: omitted.map((field) => field.slice(1) as CustomField) };
}

/** A key's comments are a JSON array of strings; null when it has none. */
export const commentsToText = (key: Pick<MetabaseKey, 'comments'>): string | null =>
  key.comments && key.comments.length > 0 ? JSON.stringify(key.comments) : null;

export const textToComments = (row: Pick<KeyRow, 'xml_comments'>): readonly string[] | undefined =>
  row.xml_comments === null ? undefined : (JSON.parse(row.xml_comments) as string[]);

/** Whether a stored MULTISZ value is what `rowToProperty` can read: a JSON list of strings. */
export function isStringList(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}
