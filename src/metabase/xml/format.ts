/**
 * The MetaBase.xml conventions the reader and the writer share: the namespace, how a MULTISZ list is laid
 * out in one attribute, and how IIS escapes characters (metabase-cli.md "MetaBase.xml layout").
 */

/** The namespace IIS 6 gives `<configuration>`; export uses it unless the imported file named another. */
export const METABASE_NAMESPACE = 'urn:microsoft-catalog:XML_Metabase_V64_0';

/** The element IIS writes for a key that has no KeyType. */
export const UNTYPED_KEY = 'IIsConfigObject';

/** What follows the line break between two MULTISZ entries. */
export const MULTISZ_INDENT = '\t\t\t';

/** A line break inside a raw attribute value separates MULTISZ entries; the indentation after it is layout. */
const LINE_BREAK = /\r\n|\r|\n/;
const INDENTATION = /^[\t ]*/;

/** Characters XML 1.0 cannot hold at all; IIS writes one as the reference of (0x10000 + its code). */
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ILLEGAL_CODES = (code: number): boolean =>
  (code >= 0 && code <= 8) || code === 0xb || code === 0xc || (code >= 0xe && code <= 0x1f) || code === 0xfffe || code === 0xffff;

/** Characters escaped as references inside an attribute value, with the reference IIS writes for each. */
const ESCAPED: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x0009;',
  '\n': '&#x000A;',
  '\r': '&#x000D;',
};

const hex = (code: number, digits: number): string => code.toString(16).toUpperCase().padStart(digits, '0');

/**
 * Escapes text for a double-quoted attribute value as IIS does: the four markup characters by name, TAB,
 * CR and LF by reference (a conforming reader would turn them into spaces), characters XML cannot hold by
 * IIS's shifted reference (`&#x10001;` for U+0001).
 */
export function escapeAttribute(text: string): string {
  return text
    .replace(/[&<>"\t\n\r]/g, (ch) => ESCAPED[ch]!)
    .replace(ILLEGAL, (ch) => `&#x${hex(0x10000 + ch.charCodeAt(0), 5)};`);
}

/**
 * One MULTISZ entry for the writer. Entries after the first start a line whose leading TABs and spaces are
 * layout, so leading spaces of such an entry are written as references to survive the round trip.
 */
export function escapeEntry(entry: string, first: boolean): string {
  const escaped = escapeAttribute(entry);
  if (first) return escaped;
  const lead = INDENTATION.exec(escaped)![0];
  return lead.replace(/ /g, '&#x0020;') + escaped.slice(lead.length);
}

/** Undoes IIS's shifted references: U+10000 + c, for a character c XML cannot hold, stands for c. */
export function unshiftIllegal(text: string): string {
  if (!/[\uD800-\uDBFF]/.test(text)) return text;
  return text.replace(/[\u{10000}-\u{1FFFF}]/gu, (ch) => {
    const low = ch.codePointAt(0)! - 0x10000;
    return ILLEGAL_CODES(low) ? String.fromCharCode(low) : ch;
  });
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes one line of a raw attribute value whose well-formedness the parser has already checked: references
 * become characters, a raw TAB becomes a space (XML attribute-value normalisation).
 */
function decodeLine(raw: string): string {
  return unshiftIllegal(
    raw.replace(/\t/g, ' ').replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (_, ref: string) => {
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
      return PREDEFINED[ref] ?? '';
    }),
  );
}

/**
 * The entries of a MULTISZ attribute from its raw text (as it stood between the quotes, before XML
 * normalisation merged its lines): one entry a line, the indentation of every line after the first dropped.
 * An empty value is an empty list.
 */
export function rawEntries(raw: string): string[] {
  if (raw === '') return [];
  return raw.split(LINE_BREAK).map((line, i) => decodeLine(i === 0 ? line : line.slice(INDENTATION.exec(line)![0].length)));
}

export const hasLineBreak = (raw: string): boolean => LINE_BREAK.test(raw);

/** An XML element or attribute name (ASCII subset, no namespace prefix): what export can write as a name. */
export const isXmlName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9._-]*$/.test(name);
