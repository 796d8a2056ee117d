/**
 * Streaming CSV reading shared by every CSV format.
 *
 * Papa Parse's own chunk loop (`Papa.parse(Papa.NODE_STREAM_INPUT)`) drops its quote errors
 * and pushes one stream item per row. We drive its `Papa.Parser` directly instead, one
 * decoded chunk at a time, pulled from the input with `for await`: the next chunk is only
 * read once the consumer has taken every record of the current one (backpressure), the
 * records come in batches (no per-row stream machinery), and quote errors stay attached
 * to the row they broke.
 *
 * Handles: UTF-8 BOM, `,` / `;` / tab delimiter (from the header line), LF / CRLF / CR line
 * ends, quoted multi-line cells, blank lines and all-empty rows (skipped silently), and
 * tracks the 1-based line where each record starts (papaparse does not report lines: we
 * count the line breaks inside each record's cells).
 */
import { ChunkDecoder, decodePieces } from '../text-decoder.ts';
import Papa from 'papaparse';
import { ImportFormatError } from '../importer.ts';
import { CsvHeader, detectDelimiter, findLineEnd, newlineAt, skipBlankLines, type CsvDelimiter, type CsvNewline } from './header.ts';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  /** Raw cells, by header position (fewer or more cells than the header are possible). */
  cells: string[];
  /** Set when the record is clearly broken (bad quotes, extra non-empty cells); the caller rejects it. */
  problem?: string;
}

export interface CsvBatch {
  header: CsvHeader;
  delimiter: CsvDelimiter;
  /** Records in file order. Blank records are not included. */
  records: CsvRecord[];
}

export interface ReadCsvOptions {
  /** A single record larger than this (characters) makes the file unreadable. Default 64 Mi. */
  maxRecordChars?: number;
}

const DEFAULT_MAX_RECORD = 64 * 1024 * 1024;

interface PapaResult {
  data: string[][];
  errors: { code: string; message: string; row?: number }[];
  meta: { cursor: number };
}

function isBlankRow(cells: readonly string[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.length !== 0 && cell.trim().length !== 0) return false;
  }
  return true;
}

/** Line breaks inside a record's cells. */
function countBreaks(cells: readonly string[], breakChar: string): number {
  let n = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.length === 0) continue;
    let at = cell.indexOf(breakChar);
    while (at !== -1) {
      n++;
      at = cell.indexOf(breakChar, at + 1);
    }
  }
  return n;
}

/**
 * Reads a CSV stream. Yields one batch as soon as the header is read (possibly with no
 * records, so a header-only file can still be checked), then one batch per input chunk.
 * Yields nothing for an empty (or whitespace-only) input.
 */
export async function* readCsv(
  input: AsyncIterable<Buffer | string>,
  fileName: string,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvBatch> {
  const maxRecord = options.maxRecordChars ?? DEFAULT_MAX_RECORD;
  const decoder = new ChunkDecoder();
  let pending = '';
  let sawText = false;
  let header: CsvHeader | undefined;
  let delimiter: CsvDelimiter = ',';
  let newline: CsvNewline = '\n';
  let breakChar = '\n';
  let parser: Papa.Parser | undefined;
  let line = 1;
  // After a parse that completed no record, wait for the buffer to double before re-parsing
  // (a huge quoted cell would otherwise be re-scanned for every chunk).
  let parseAt = 0;

  const toBatch = (result: PapaResult): CsvBatch => {
    const h = header!;
    const width = h.size;
    const problems = new Map<number, string>();
    for (const error of result.errors) {
      // Papa reports errors by row index within this parse call.
      if (error.row !== undefined && !problems.has(error.row)) {
        problems.set(error.row, error.code === 'MissingQuotes' ? 'unterminated quoted field' : `malformed quotes: ${error.message}`);
      }
    }
    const records: CsvRecord[] = [];
    const rows = result.data;
    for (let r = 0; r < rows.length; r++) {
      const cells = rows[r]!;
      const start = line;
      line += 1 + countBreaks(cells, breakChar);
      let problem = problems.size === 0 ? undefined : problems.get(r);
      if (problem === undefined && isBlankRow(cells)) continue;
      if (problem === undefined && cells.length > width) {
        for (let i = width; i < cells.length; i++) {
          if (cells[i]!.trim() !== '') {
            problem = `record has ${cells.length} cells but the header has ${width}`;
            break;
          }
        }
      }
      records.push(problem === undefined ? { line: start, cells } : { line: start, cells, problem });
    }
    return { header: h, delimiter, records };
  };

  /** Reads the header from `pending` once it holds a complete first line. */
  const readHeader = (final: boolean): boolean => {
    const start = skipBlankLines(pending);
    if (start < 0) return false; // only blank lines so far
    let end = findLineEnd(pending, start);
    // A CR at the very end may be the first half of a CRLF split across chunks: wait.
    if (end === pending.length - 1 && pending.charCodeAt(end) === 13 && !final) return false;
    if (end < 0 && !final) {
      if (pending.length > maxRecord) throw new ImportFormatError(`${fileName}: the header line is longer than ${maxRecord} characters`, fileName, 1);
      return false;
    }
    if (end < 0) end = pending.length;
    const headerLine = pending.slice(start, end);
    // Lines before the header (blank ones) and breaks inside quoted header names.
    const skipped = pending.slice(0, start);
    line += countBreaks([skipped], skipped.includes('\n') ? '\n' : '\r');
    delimiter = detectDelimiter(headerLine);
    if (end < pending.length) newline = newlineAt(pending, end);
    breakChar = newline === '\r' ? '\r' : '\n';
    parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
    const parsed = parser.parse(headerLine, 0, false) as PapaResult;
    header = new CsvHeader(parsed.data[0] ?? []);
    line += 1 + countBreaks([headerLine], breakChar);
    pending = end < pending.length ? pending.slice(end + newline.length) : '';
    return true;
  };

  const parseRecords = (final: boolean): CsvBatch | undefined => {
    if (!final && pending.length < parseAt) return undefined;
    const result = parser!.parse(pending, 0, !final) as PapaResult;
    const cursor = final ? pending.length : result.meta.cursor;
    pending = cursor >= pending.length ? '' : pending.slice(cursor);
    if (!final && result.data.length === 0) {
      if (pending.length > maxRecord) {
        throw new ImportFormatError(
          `${fileName}: the record starting at line ${line} is larger than ${maxRecord} characters (unterminated quoted field?)`,
          fileName,
          line,
        );
      }
      parseAt = pending.length * 2;
    } else {
      parseAt = 0;
    }
    return result.data.length > 0 ? toBatch(result) : undefined;
  };

  for await (const chunk of input) {
    for (const decoded of decodePieces(chunk, decoder)) {
      let piece = decoded;
      if (piece.length === 0) continue;
      if (!sawText) {
        sawText = true;
        if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
      }
      pending = pending.length === 0 ? piece : pending + piece;
      if (header === undefined) {
        if (!readHeader(false)) continue;
        yield { header: header!, delimiter, records: [] };
      }
      const batch = parseRecords(false);
      if (batch !== undefined) yield batch;
    }
  }
  let tail = decoder.end();
  if (!sawText && tail.charCodeAt(0) === 0xfeff) tail = tail.slice(1);
  pending += tail;
  if (header === undefined) {
    if (!readHeader(true)) return;
    yield { header: header!, delimiter, records: [] };
  }
  if (pending.length > 0) {
    const batch = parseRecords(true);
    if (batch !== undefined) yield batch;
  }
}
