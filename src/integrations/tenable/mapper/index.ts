/**
 * Tenable `/vulns/export` records to ParsedFinding, the shape every file import produces, so API
 * findings go through the same rollover pipeline. The mapping itself is the file importer's
 * (tenable-export-json): one mapping for the same record shape, whether it came from a file or
 * the API.
 */
import type { ParseEvent, ParseIssue, ParsedFinding } from '../../../importers/importer.ts';
import { mapExportRecord } from '../../../importers/tenable-export-json/index.ts';
import type { VulnFinding } from '../tenable.api-types.ts';

export type MappedFinding = { kind: 'finding'; finding: ParsedFinding } | { kind: 'rejected'; issue: ParseIssue };

/**
 * Map one finding record. `index` is the 1-based position in the export stream (it becomes
 * `line`, as in a chunk file). Records that cannot be imported (no host and no IP, no plugin id,
 * unreadable severity, score or date) come back as a rejection naming the field.
 */
export function toParsedFinding(record: VulnFinding | unknown, index: number): MappedFinding {
  const event: ParseEvent = mapExportRecord(index, record);
  return event;
}

/** Map a stream of records (e.g. a TenableClient export) to ParseEvents, numbering them from 1. */
export async function* toParseEvents(records: AsyncIterable<VulnFinding | unknown>): AsyncGenerator<MappedFinding> {
  let index = 0;
  for await (const record of records) yield toParsedFinding(record, ++index);
}
