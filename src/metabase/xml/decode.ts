/**
 * Bytes to text for the MetaBase.xml reader, chunk by chunk: UTF-8 (with or without its byte order mark) or,
 * after a UTF-16 byte order mark, UTF-16. Invalid bytes are an error at their place in the text, so the
 * decoder hands over the valid text before them first.
 */

export class InvalidEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`invalid ${encoding}: the file is not text in the encoding it claims`);
  }
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export class ChunkDecoder {
  private encoding: Encoding | undefined;
  private head: Uint8Array = new Uint8Array(0);
  private pending: Uint8Array = new Uint8Array(0);
  private utf16: InstanceType<typeof TextDecoder> | undefined;

  /**
   * Decodes one chunk and passes the text to `emit`. Invalid input emits the valid text before it, then
   * throws `InvalidEncodingError`.
   */
  write(chunk: Uint8Array, emit: (text: string) => void): void {
    if (this.encoding === undefined) {
      // The byte order mark needs up to three bytes; a chunk can be shorter than that.
      this.head = concat(this.head, chunk);
      if (this.head.length < 3) return;
      chunk = this.sniff(this.head);
      this.head = new Uint8Array(0);
    }
    this.decode(chunk, emit);
  }

  end(emit: (text: string) => void): void {
    if (this.encoding === undefined) this.decode(this.sniff(this.head), emit);
    if (this.encoding === 'utf-8') {
      if (this.pending.length > 0) throw new InvalidEncodingError('UTF-8');
    } else {
      try {
        const rest = this.utf16!.decode();
        if (rest !== '') emit(rest);
      } catch {
        throw new InvalidEncodingError('UTF-16');
      }
    }
  }

  /** Picks the encoding from a byte order mark; returns the bytes after it (a UTF-8 mark is left to the parser). */
  private sniff(bytes: Uint8Array): Uint8Array {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return this.startUtf16('utf-16le', bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return this.startUtf16('utf-16be', bytes);
    this.encoding = 'utf-8';
    return bytes;
  }

  private startUtf16(encoding: Encoding, bytes: Uint8Array): Uint8Array {
    this.encoding = encoding;
    this.utf16 = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
    return bytes;
  }

  private decode(chunk: Uint8Array, emit: (text: string) => void): void {
    if (this.encoding !== 'utf-8') {
      let text: string;
      try {
        text = this.utf16!.decode(chunk, { stream: true });
      } catch {
        throw new InvalidEncodingError('UTF-16');
      }
      if (text !== '') emit(text);
      return;
    }
    const bytes = this.pending.length > 0 ? concat(this.pending, chunk) : chunk;
    const end = completeLength(bytes);
    const bad = firstInvalidUtf8(bytes, end);
    if (bad < end) {
      if (bad > 0) emit(UTF8.decode(bytes.subarray(0, bad)));
      throw new InvalidEncodingError('UTF-8');
    }
    this.pending = bytes.slice(end);
    if (end > 0) emit(UTF8.decode(bytes.subarray(0, end)));
  }
}

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The length of `bytes` without a multi-byte sequence cut off at its end (it may complete in the next chunk). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** The index of the first byte in `bytes[0, end)` that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array, end: number = bytes.length): number {
  let i = 0;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80; // no overlong forms
      if (b === 0xed) max = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + need >= end) return i;
    const second = bytes[i + 1]!;
    if (second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return end;
}
