import type { CustomField, MetabaseKey, Property, XmlForm } from '../metabase/metabase.js';
import type { Services } from '../machine/machine.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import type { KeyRow, PropertyRow } from './schema.js';

/**
 * MULTISZ values are stored as JSON arrays; every other value as its text. Lists are read back as frozen
 * arrays, and an `Interner` makes every key that holds the same list share one array: a hosting server
 * holds 20 000 copies of a handful of ScriptMaps lists, and the core caches what it computes about a list
 * by its identity (metabase/scriptmaps.ts).
 */
export class Interner {
  private readonly lists = new Map<string, readonly string[]>();
  private held = 0;

  /** The list a stored value holds; throws `NotAList` when it holds no JSON list of strings. */
  list(json: string): readonly string[] {
    const known = this.lists.get(json);
    if (known) return known;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new NotAList();
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new NotAList();
    const list = Object.freeze(value as string[]);
    // A file whose lists all differ gains nothing from it: stop remembering past a bound.
    if (this.held < INTERN_LIMIT) {
      this.lists.set(json, list);
      this.held += json.length;
    }
    return list;
  }
}

/** A stored MULTISZ value that is not a JSON list of strings (the file was damaged or edited by hand). */
export class NotAList extends Error {
  constructor() {
    super('not a valid list');
  }
}

/** The most JSON text (in characters) one interner remembers. */
const INTERN_LIMIT = 32 * 1024 * 1024;

/** A property row with its value's text: where it is stored (in the row or shared) is `shared-values.ts`'s. */
export type PropertyText = Omit<PropertyRow, 'value' | 'shared_id'> & { readonly value: string };

export function rowToProperty(
  row: Pick<PropertyText, 'name' | 'prop_id' | 'data_type' | 'user_type' | 'attributes' | 'value' | 'xml_form'>,
  interner?: Interner,
): Property {
  const list = row.data_type === 'MULTISZ';
  return {
    name: row.name,
    value: list ? (interner ? interner.list(row.value) : Object.freeze(JSON.parse(row.value) as string[])) : row.value,
    id: row.prop_id ?? undefined,
    dataType: row.data_type ?? undefined,
    userType: row.user_type ?? undefined,
    attributes: row.attributes ?? undefined,
    xml: textToXmlForm(row.xml_form),
  };
}

const JSON_TEXT = new WeakMap<readonly string[], string>();

/** The stored text of a list: computed once per frozen (shared) list. */
export function listJson(list: readonly string[]): string {
  if (!Object.isFrozen(list)) return JSON.stringify(list);
  let text = JSON_TEXT.get(list);
  if (text === undefined) JSON_TEXT.set(list, (text = JSON.stringify(list)));
  return text;
}

export function propertyToRow(keyId: number, prop: Property, ord: number): PropertyText {
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
    value: list ? listJson(prop.value as readonly string[]) : (prop.value as string),
    xml_form: xmlFormToText(prop.xml),
  };
}

/** `attribute`, `custom`, or `custom -ID -Type` naming the fields the `Custom` element left out. */
export function xmlFormToText(form: XmlForm | undefined): string | null {
  if (form === undefined) return null;
  if (form.kind === 'attribute') return 'attribute';
  return ['custom', ...form.omitted.map((field) => `-${field}`)].join(' ');
}

const ATTRIBUTE: XmlForm = { kind: 'attribute' };

export function textToXmlForm(text: string | null): XmlForm | undefined {
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

/** The shared services as a machine row or a snapshot row holds them. */
export function rowToServices(row: { readonly state_service: string | null; readonly perf_counters: string | null; readonly aspnet_account: number }): Services {
  return {
    stateService: (row.state_service ?? undefined) as FrameworkVersion | undefined,
    perfCounters: (row.perf_counters ?? undefined) as FrameworkVersion | undefined,
    aspnetAccount: row.aspnet_account === 1,
  };
}

/** `profile, os, windir, setup_log_counter, state_service, perf_counters, aspnet_account`, in that order. */
export function machineValues(state: {
  readonly profile: string;
  readonly os: string;
  readonly windir: string;
  readonly setupLogCounter: number;
  readonly services: Services;
}): [string, string, string, number, string | null, string | null, number] {
  return [
    state.profile,
    state.os,
    state.windir,
    state.setupLogCounter,
    state.services.stateService ?? null,
    state.services.perfCounters ?? null,
    state.services.aspnetAccount ? 1 : 0,
  ];
}
