/**
 * The list of import formats, format detection, and opening a file for import.
 * Formats are listed explicitly (no discovery); detection tries them most specific first.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileSample, FormatId, ImportFormat, ParseEvent } from './importer.ts';
import { ImportFormatError } from './importer.ts';
import { sniffCsvHeader } from './csv/header.ts';
import { hextrackrCsv } from './hextrackr-csv/index.ts';
import { nessusCsv } from './nessus-csv/index.ts';
import { nessusXml } from './nessus-xml/index.ts';
import { PARSE_AHEAD_MIN_BYTES, parseAhead } from './parse-ahead.ts';
import { tenableExportJson } from './tenable-export-json/index.ts';
import { tenableIoCsv } from './tenable-io-csv/index.ts';
import { tenableScCsv } from './tenable-sc-csv/index.ts';
import { tenableVmCsv } from './tenable-vm-csv/index.ts';

/**
 * Every format, in detection order: structured files first, then CSV layouts from the most
 * specific header to the most generic (Tenable.io = Nessus columns + asset columns, so it
 * must be tried before Nessus CSV).
 */
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  nessusXml,
  tenableExportJson,
  tenableVmCsv,
  tenableIoCsv,
  tenableScCsv,
  nessusCsv,
  hextrackrCsv,
];

export const SAMPLE_BYTES = 64 * 1024;
/**
 * Read size while streaming a file: 1 MiB reads keep the number of thread-pool round trips
 * low; parsers decode each read as 64 KiB strings (see text-decoder.ts).
 */
const READ_CHUNK_BYTES = 1024 * 1024;

export function formatIds(): FormatId[] {
  return IMPORT_FORMATS.map((f) => f.id);
}

export function getFormat(id: string): ImportFormat | undefined {
  return IMPORT_FORMATS.find((f) => f.id === id);
}

export function detectFormat(sample: FileSample): ImportFormat | undefined {
  for (const format of IMPORT_FORMATS) {
    try {
      if (format.detect(sample)) return format;
    } catch {
      // detect() must not throw; a faulty one simply does not match.
    }
  }
  return undefined;
}

/** Every format with the columns it needs, one per line, for error messages. */
export function describeFormats(): string {
  return IMPORT_FORMATS.map((f) => `  - ${f.id} (${f.label}): ${f.requiredColumns.join(', ')}`).join('\n');
}

function describeSample(sample: FileSample): string {
  const head = sample.head.trimStart();
  if (head === '') return 'the file is empty';
  const csv = sniffCsvHeader(sample);
  if (csv) {
    const names = csv.header.names.filter((n) => n !== '');
    const shown = names.slice(0, 15).map((n) => JSON.stringify(n));
    return `a ${csv.delimiter === ';' ? 'semicolon' : csv.delimiter === '\t' ? 'tab' : 'comma'}-separated header with ${csv.header.size} columns: ${shown.join(', ')}${names.length > 15 ? ', ...' : ''}`;
  }
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const shown = firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
  // Keep binary noise out of the message.
  return `content starting with ${JSON.stringify(shown.replace(/[^\x20-\x7e]/g, '?'))}`;
}

export function unrecognisedFileError(sample: FileSample): ImportFormatError {
  return new ImportFormatError(
    `Unrecognised import file "${sample.fileName}": found ${describeSample(sample)}.\nSupported formats and the columns they require:\n${describeFormats()}`,
    sample.fileName,
  );
}

/** Reads the first 64 KiB of a file as a detection sample (UTF-8, BOM removed). */
export async function readSample(filePath: string, fileName = path.basename(filePath)): Promise<FileSample> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    let head = new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead));
    if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
    return { fileName, head };
  } finally {
    await handle.close();
  }
}

export interface OpenedImportFile {
  format: ImportFormat;
  events: AsyncIterable<ParseEvent>;
  totalBytes: number;
  bytesRead(): number;
}

/**
 * Detects the file's format (or uses the one given) and returns its parse events, streamed
 * from disk. Throws ImportFormatError when the file is not recognised or the format id is
 * unknown. The file is only opened for streaming when `events` is iterated; a large file is
 * then parsed in a thread of its own (see parse-ahead.ts).
 */
export async function openImportFile(
  filePath: string,
  options: {
    format?: FormatId | 'auto';
    fileName?: string;
    /** Files of at least this many bytes are parsed in a thread of their own (parse-ahead.ts); Infinity never. */
    parseAheadFromBytes?: number;
  } = {},
): Promise<OpenedImportFile> {
  const fileName = options.fileName ?? path.basename(filePath);
  const { size } = await stat(filePath);
  let format: ImportFormat | undefined;
  if (options.format !== undefined && options.format !== 'auto') {
    format = getFormat(options.format);
    if (!format) {
      throw new ImportFormatError(`Unknown import format "${options.format}" for "${fileName}". Supported formats:\n${describeFormats()}`, fileName);
    }
  } else {
    const sample = await readSample(filePath, fileName);
    format = detectFormat(sample);
    if (!format) throw unrecognisedFileError(sample);
  }
  const chosen = format;
  if (size >= (options.parseAheadFromBytes ?? PARSE_AHEAD_MIN_BYTES)) {
    const ahead = parseAhead({ filePath, formatId: chosen.id, fileName });
    return { format: chosen, events: ahead.events, totalBytes: size, bytesRead: ahead.bytesRead };
  }
  let stream: ReturnType<typeof createReadStream> | undefined;
  const events: AsyncIterable<ParseEvent> = {
    [Symbol.asyncIterator]() {
      stream = createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES });
      return chosen.parse(stream, fileName)[Symbol.asyncIterator]();
    },
  };
  return {
    format: chosen,
    events,
    totalBytes: size,
    bytesRead: () => stream?.bytesRead ?? 0,
  };
}
