import Papa from 'papaparse';
import type { FileSample } from '../importer.ts';

export type CsvDelimiter = ',' | ';' | '\t';
export type CsvNewline = '\n' | '\r\n' | '\r';

/** A header column: its position and its name as written in the file (trimmed). */
export interface CsvColumn {
  index: number;
  name: string;
}

/** Normalised header key: trimmed, lower-case. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The header row. Names are matched case-insensitively and trimmed; empty names are kept
 * in position but can never be looked up; when a name repeats, the first column wins.
 */
export class CsvHeader {
  readonly names: readonly string[];
  private readonly byKey = new Map<string, number>();

  constructor(cells: readonly string[]) {
    this.names = cells.map((c) => c.trim());
    this.names.forEach((name, index) => {
      const key = columnKey(name);
      if (key !== '' && !this.byKey.has(key)) this.byKey.set(key, index);
    });
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.byKey.has(columnKey(name));
  }

  /** The first of `aliases` present in the header. */
  column(...aliases: readonly string[]): CsvColumn | undefined {
    for (const alias of aliases) {
      const index = this.byKey.get(columnKey(alias));
      if (index !== undefined) return { index, name: this.names[index]! };
    }
    return undefined;
  }

  /** Every one of `aliases` present in the header, in alias order. */
  columns(aliases: readonly string[]): CsvColumn[] {
    const out: CsvColumn[] = [];
    for (const alias of aliases) {
      const index = this.byKey.get(columnKey(alias));
      if (index !== undefined && !out.some((c) => c.index === index)) out.push({ index, name: this.names[index]! });
    }
    return out;
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `;` when the header has more semicolons than commas (Tenable VM workbench), tab likewise, else `,`. */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine.charCodeAt(i);
    if (c === 44) commas++;
    else if (c === 59) semicolons++;
    else if (c === 9) tabs++;
  }
  if (tabs > commas && tabs > semicolons) return '\t';
  return semicolons > commas ? ';' : ',';
}

/**
 * Where the header line ends in `text`: the index of the newline that closes it (a newline
 * outside double quotes), or -1 when the text holds no complete line yet.
 */
export function findLineEnd(text: string, from = 0): number {
  let inQuotes = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes && (c === 10 || c === 13)) return i;
  }
  return -1;
}

export function newlineAt(text: string, index: number): CsvNewline {
  if (text.charCodeAt(index) === 13) return text.charCodeAt(index + 1) === 10 ? '\r\n' : '\r';
  return '\n';
}

export interface SniffedHeader {
  delimiter: CsvDelimiter;
  header: CsvHeader;
}

const sniffed = new WeakMap<FileSample, SniffedHeader | null>();

/** Skips blank lines; returns the offset of the first non-blank line, or -1. */
export function skipBlankLines(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 32 || c === 9) i++;
    else return i;
  }
  return -1;
}

/** Reads the header line of a sample, for detection. Cached per sample; never throws. */
export function sniffCsvHeader(sample: FileSample): SniffedHeader | undefined {
  const cached = sniffed.get(sample);
  if (cached !== undefined) return cached ?? undefined;
  let result: SniffedHeader | null = null;
  try {
    const head = stripBom(sample.head);
    const start = skipBlankLines(head);
    if (start >= 0 && head[start] !== '<' && head[start] !== '{' && head[start] !== '[') {
      const end = findLineEnd(head, start);
      const line = end < 0 ? head.slice(start) : head.slice(start, end);
      const delimiter = detectDelimiter(line);
      const parsed = Papa.parse<string[]>(line, { delimiter, header: false });
      const cells = parsed.data[0];
      if (cells && cells.length > 1) result = { delimiter, header: new CsvHeader(cells) };
    }
  } catch {
    result = null;
  }
  sniffed.set(sample, result);
  return result ?? undefined;
}
