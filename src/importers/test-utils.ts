/**
 * Helpers for the importer tests (not used by production code): run a format over a fixture
 * file or an in-memory text, with a chosen read size, and split the events by kind.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FileSample, ImportFormat, ParseIssue, ParsedFinding } from './importer.ts';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../test/fixtures/scans');

export function fixturePath(formatId: string, name: string): string {
  return path.join(FIXTURES_DIR, formatId, name);
}

export interface ParseOutcome {
  findings: ParsedFinding[];
  rejected: ParseIssue[];
}

export async function collect(events: AsyncIterable<{ kind: string; finding?: ParsedFinding; issue?: ParseIssue }>): Promise<ParseOutcome> {
  const findings: ParsedFinding[] = [];
  const rejected: ParseIssue[] = [];
  for await (const event of events) {
    if (event.kind === 'finding') findings.push(event.finding!);
    else rejected.push(event.issue!);
  }
  return { findings, rejected };
}

/** Parses a fixture file, read `chunkBytes` at a time (small sizes exercise chunk boundaries). */
export function parseFixture(format: ImportFormat, formatId: string, name: string, chunkBytes = 64 * 1024): Promise<ParseOutcome> {
  const file = fixturePath(formatId, name);
  return collect(format.parse(createReadStream(file, { highWaterMark: chunkBytes }), name));
}

/** Parses in-memory text (UTF-8), optionally split into chunks of `chunkBytes` bytes. */
export function parseText(format: ImportFormat, text: string | Buffer, chunkBytes = 64 * 1024, fileName = 'inline'): Promise<ParseOutcome> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
  return collect(format.parse(Readable.from(chunks), fileName));
}

/** The detection sample of a fixture, as the registry builds it. */
export function sampleOf(formatId: string, name: string): FileSample {
  let head = readFileSync(fixturePath(formatId, name)).subarray(0, 64 * 1024).toString('utf8');
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  return { fileName: name, head };
}

export function sampleText(head: string, fileName = 'inline'): FileSample {
  return { fileName, head };
}

/** Parses a fixture with several read sizes and returns the outcomes (tests compare them). */
export async function parseWithChunkSizes(format: ImportFormat, formatId: string, name: string, sizes = [1, 7, 64 * 1024]): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for (const size of sizes) out.push(await parseFixture(format, formatId, name, size));
  return out;
}
