/**
 * A small lexer that runs over the text ahead of the XML parser and keeps the raw text of the attribute
 * values that hold a line break, start tag by start tag.
 *
 * Why: a conforming parser turns every line break and TAB inside an attribute value into a space, which
 * merges the entries of a MULTISZ list (and entries may hold spaces: `Active Server Pages;ASP`). The raw text
 * still has them. The lexer only needs to tell markup apart (comments, CDATA, processing instructions, the
 * DOCTYPE, tags, quoted values); the parser checks well-formedness, so wherever the two could disagree the
 * parser has already failed.
 */

const enum State {
  Text,
  /** After `<`. */
  Open,
  /** After `<!`, telling a comment, CDATA and a DOCTYPE apart. */
  Bang,
  Comment,
  Cdata,
  Instruction,
  Doctype,
  DoctypeQuoted,
  EndTag,
  StartTag,
  Value,
}

/** The raw values of one start tag, in attribute order; undefined for values without a line break. */
export type RawValues = readonly (string | undefined)[];

export class RawValueScanner {
  private state = State.Text;
  private quote = '';
  private value = '';
  private values: (string | undefined)[] = [];
  private hasBreak = false;
  private bang = '';
  /** How many characters of a terminator (`-->`, `]]>`, `?>`) were just seen. */
  private matched = 0;
  private doctypeDepth = 0;
  private readonly queue: (RawValues | null)[] = [];
  private head = 0;
  /** Position of the next character (1-based line, 0-based column), tracked until the first start tag. */
  private line = 1;
  private column = 0;
  private lastWasCr = false;
  private tracking = true;
  /** Where the DOCTYPE began, if the text has one before its first element. */
  doctypeAt: { readonly line: number; readonly column: number } | undefined;

  /** The raw values of the next start tag the parser reports (null: none of its values has a line break). */
  take(): RawValues | null {
    if (this.head >= this.queue.length) throw new Error('internal: the raw-value scanner fell behind the XML parser');
    const values = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return values;
  }

  scan(text: string): void {
    if (this.tracking) this.track(text);
    let i = 0;
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case State.Text: {
          const lt = text.indexOf('<', i);
          if (lt < 0) return;
          this.state = State.Open;
          i = lt + 1;
          break;
        }
        case State.Open: {
          const ch = text[i]!;
          if (ch === '!') {
            this.state = State.Bang;
            this.bang = '';
            i++;
          } else if (ch === '?') {
            this.state = State.Instruction;
            this.matched = 0;
            i++;
          } else if (ch === '/') {
            this.state = State.EndTag;
            i++;
          } else {
            this.state = State.StartTag;
            this.values = [];
            this.tracking = false;
          }
          break;
        }
        case State.Bang: {
          this.bang += text[i++];
          if (this.bang === '--') {
            this.state = State.Comment;
            this.matched = 0;
          } else if (this.bang === '[CDATA[') {
            this.state = State.Cdata;
            this.matched = 0;
          } else if (!'--'.startsWith(this.bang) && !'[CDATA['.startsWith(this.bang)) {
            this.state = State.Doctype;
            this.doctypeDepth = 0;
          }
          break;
        }
        case State.Comment:
          i = this.until(text, i, '-->');
          break;
        case State.Cdata:
          i = this.until(text, i, ']]>');
          break;
        case State.Instruction:
          i = this.until(text, i, '?>');
          break;
        case State.Doctype: {
          const ch = text[i++]!;
          if (ch === '"' || ch === "'") {
            this.quote = ch;
            this.state = State.DoctypeQuoted;
          } else if (ch === '[') this.doctypeDepth++;
          else if (ch === ']') this.doctypeDepth--;
          else if (ch === '>' && this.doctypeDepth <= 0) this.state = State.Text;
          break;
        }
        case State.DoctypeQuoted: {
          const end = text.indexOf(this.quote, i);
          if (end < 0) return;
          this.state = State.Doctype;
          i = end + 1;
          break;
        }
        case State.EndTag: {
          const end = text.indexOf('>', i);
          if (end < 0) return;
          this.state = State.Text;
          i = end + 1;
          break;
        }
        case State.StartTag: {
          const ch = text[i++]!;
          if (ch === '"' || ch === "'") {
            this.quote = ch;
            this.value = '';
            this.hasBreak = false;
            this.state = State.Value;
          } else if (ch === '>') {
            this.queue.push(this.values.some((v) => v !== undefined) ? this.values : null);
            this.state = State.Text;
          }
          break;
        }
        case State.Value: {
          const end = text.indexOf(this.quote, i);
          const piece = text.slice(i, end < 0 ? n : end);
          if (!this.hasBreak && /[\r\n]/.test(piece)) this.hasBreak = true;
          this.value += piece;
          if (end < 0) return;
          this.values.push(this.hasBreak ? this.value : undefined);
          this.value = '';
          this.state = State.StartTag;
          i = end + 1;
          break;
        }
      }
    }
  }

  /** Skips to just after `terminator`, which may straddle chunks; returns the next index. */
  private until(text: string, i: number, terminator: string): number {
    while (i < text.length) {
      const ch = text[i++];
      if (ch === terminator[this.matched]) {
        this.matched++;
        if (this.matched === terminator.length) {
          this.state = State.Text;
          return i;
        }
      } else {
        // Only `-` and `]` repeat at the start of a terminator (`--->`, `]]]>`).
        this.matched = ch === terminator[0] ? (this.matched > 0 && terminator[0] === terminator[1] ? this.matched : 1) : 0;
      }
    }
    return i;
  }

  /** Counts lines in the prolog, so that a DOCTYPE can be named by the line and column it starts at. */
  private track(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10) {
        if (!this.lastWasCr) this.line++;
        this.column = 0;
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = code === 13;
      if (this.lastWasCr) {
        this.line++;
        this.column = 0;
        continue;
      }
      if (code === 60 /* < */ && this.doctypeAt === undefined && text.startsWith('<!DOCTYPE', i)) {
        this.doctypeAt = { line: this.line, column: this.column + 1 };
      }
      this.column++;
    }
  }
}
