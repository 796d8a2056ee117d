/**
 * Incremental splitter for a JSON document that is one top-level array (a Tenable export
 * chunk) or a sequence of top-level values (NDJSON / concatenated objects). It never holds
 * more than the element being read: it tracks nesting depth and string state across input
 * chunks, cuts out each top-level element's text and JSON.parses that element alone.
 */
import { ChunkDecoder, decodePieces } from '../text-decoder.ts';
import { ImportFormatError } from '../importer.ts';

export interface JsonElement {
  /** 1-based position of the element in the array / sequence. */
  index: number;
  value: unknown;
  /** The element's JSON text as read (e.g. to compare a record across two downloads exactly). */
  text: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function isWs(code: number): boolean {
  return WS.has(code);
}

export interface SplitOptions {
  /** A longer element fails the input rather than growing the buffer without bound (default 256 Mi characters). */
  maxElementChars?: number;
  /** Refuse anything but one top-level array (an API answer that must be a list), instead of also reading NDJSON. */
  arrayOnly?: boolean;
}

/** Yields the elements read from each input chunk, as a batch. */
export async function* splitJson(input: AsyncIterable<Buffer | string>, fileName: string, options: SplitOptions = {}): AsyncGenerator<JsonElement[]> {
  const maxElementChars = options.maxElementChars ?? 256 * 1024 * 1024;
  const arrayOnly = options.arrayOnly ?? false;
  const decoder = new ChunkDecoder();
  /** 'start' before the first value; 'array' inside the top-level array; 'sequence' for NDJSON; 'done' after `]`. */
  let mode = 'start' as 'start' | 'array' | 'sequence' | 'done';
  /** In array mode: true when the next thing must be a `,` or `]`. */
  let expectSeparator = false;
  let buf = '';
  /** Start of the element being read in `buf`, -1 between elements. */
  let elementStart = -1;
  /** Where scanning resumes in `buf`. */
  let pos = 0;
  let depth = 0;
  let inString = false;
  /** Scalar (number / true / false / null) element being read. */
  let inScalar = false;
  let index = 0;
  let first = true;

  const broken = (message: string, record = index + 1): never => {
    throw new ImportFormatError(`${fileName}: not a readable JSON export (${message})`, fileName, record);
  };

  const emit = (out: JsonElement[], end: number): void => {
    const source = buf.slice(elementStart, end);
    index++;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      broken(`record ${index} is not valid JSON: ${(error as Error).message}`, index);
    }
    out.push({ index, value, text: source });
    elementStart = -1;
    if (mode === 'array') expectSeparator = true;
  };

  const scan = (final: boolean): JsonElement[] => {
    const out: JsonElement[] = [];
    const n = buf.length;
    let i = pos;
    while (i < n) {
      if (elementStart >= 0) {
        // Inside an element.
        if (inString) {
          let q = buf.indexOf('"', i);
          while (q !== -1) {
            let backslashes = 0;
            for (let b = q - 1; b >= 0 && buf.charCodeAt(b) === 92; b--) backslashes++;
            if (backslashes % 2 === 0) break;
            q = buf.indexOf('"', q + 1);
          }
          if (q === -1) {
            i = n;
            break;
          }
          inString = false;
          i = q + 1;
          if (depth === 0) emit(out, i);
          continue;
        }
        const c = buf.charCodeAt(i);
        if (inScalar) {
          if (c === 0x2c || c === 0x5d || isWs(c) || c === 0x7b || c === 0x5b) {
            inScalar = false;
            emit(out, i);
            continue; // re-read the terminator between elements
          }
          i++;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            i++;
            emit(out, i);
            continue;
          }
        }
        i++;
        continue;
      }
      // Between elements.
      const c = buf.charCodeAt(i);
      if (isWs(c)) {
        i++;
        continue;
      }
      if (mode === 'start') {
        if (c === 0x5b) {
          mode = 'array';
          i++;
          continue;
        }
        if (c === 0x7b && !arrayOnly) {
          mode = 'sequence';
        } else {
          broken(`expected a JSON array, found "${buf.slice(i, i + 20)}"`);
        }
      }
      if (mode === 'done') broken(`unexpected text after the end of the array: "${buf.slice(i, i + 20)}"`);
      if (mode === 'array') {
        if (c === 0x5d) {
          mode = 'done';
          i++;
          continue;
        }
        if (c === 0x2c) {
          if (!expectSeparator) broken(`unexpected "," after record ${index}`);
          expectSeparator = false;
          i++;
          continue;
        }
        if (expectSeparator) broken(`expected "," or "]" after record ${index}, found "${buf.slice(i, i + 20)}"`);
      }
      // An element starts here.
      elementStart = i;
      if (c === 0x7b || c === 0x5b) {
        depth = 1;
      } else if (c === 0x22) {
        inString = true;
        depth = 0;
      } else {
        inScalar = true;
      }
      i++;
    }
    if (final && elementStart >= 0 && inScalar) {
      inScalar = false;
      emit(out, n);
    }
    // Keep only the element being read.
    if (elementStart >= 0) {
      if (n - elementStart > maxElementChars) broken(`record ${index + 1} is larger than ${maxElementChars} characters`);
      buf = buf.slice(elementStart);
      pos = n - elementStart;
      elementStart = 0;
    } else {
      buf = '';
      pos = 0;
    }
    return out;
  };

  for await (const chunk of input) {
    const out: JsonElement[] = [];
    for (const decoded of decodePieces(chunk, decoder)) {
      let piece = decoded;
      if (piece.length === 0) continue;
      if (first) {
        first = false;
        if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
      }
      buf = buf.length === 0 ? piece : buf + piece;
      for (const element of scan(false)) out.push(element);
    }
    if (out.length > 0) yield out;
  }
  const tail = decoder.end();
  if (tail.length > 0) buf += first && tail.charCodeAt(0) === 0xfeff ? tail.slice(1) : tail;
  const out = scan(true);
  if (out.length > 0) yield out;
  if (elementStart >= 0) broken(`the file ends inside record ${index + 1}`);
  if (mode === 'array') broken('the file ends before the closing "]"');
}
