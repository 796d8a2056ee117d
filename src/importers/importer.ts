/**
 * The contract every import format implements. A format turns a byte stream into
 * ParseEvents: one `finding` per data row (or ReportItem / JSON record), one
 * `rejected` per row it could not read, with the line and field at fault.
 * Formats are pure: no database, no logging, no state kept between files.
 */
import type { Readable } from 'node:stream';
import type { SeverityLevel } from '../shared/severity.ts';

export type FormatId =
  | 'tenable-vm-csv'
  | 'tenable-io-csv'
  | 'tenable-sc-csv'
  | 'nessus-csv'
  | 'nessus-xml'
  | 'tenable-export-json'
  | 'hextrackr-csv';

/** One finding as a scanner reported it. Missing values stay undefined, never "N/A" or "". */
export interface ParsedFinding {
  /** 1-based line in the file where the record starts (JSON: 1-based record index). */
  line: number;
  /** Host name or FQDN as reported (normalisation happens in the domain layer). */
  hostname?: string;
  ipAddress?: string;
  /** Tenable asset UUID, when the format carries one. */
  assetUuid?: string;
  macAddress?: string;
  fqdn?: string;
  netbiosName?: string;
  operatingSystem?: string;
  pluginId: string;
  pluginName: string;
  pluginFamily?: string;
  severity: SeverityLevel;
  vprScore?: number;
  /** CVSS v2 base score. */
  cvssBaseScore?: number;
  cvss3BaseScore?: number;
  /** Upper-case, de-duplicated CVE ids, possibly empty. */
  cves: string[];
  port?: number;
  /** Lower-case: tcp, udp, icmp. */
  protocol?: string;
  service?: string;
  /** Scanner state upper-cased as given: OPEN, REOPENED, FIXED, NEW, ACTIVE, RESURFACED. */
  state?: string;
  /** Dates as YYYY-MM-DD (UTC). */
  firstSeen?: string;
  lastSeen?: string;
  output?: string;
  synopsis?: string;
  description?: string;
  solution?: string;
  seeAlso?: string[];
  exploitAvailable?: boolean;
}

/** A row that could not be imported, and why. */
export interface ParseIssue {
  /** 1-based line (JSON: record index) where the bad record starts. */
  line: number;
  /** The column / attribute at fault, as named in the file, when one is. */
  field?: string;
  reason: string;
}

export type ParseEvent = { kind: 'finding'; finding: ParsedFinding } | { kind: 'rejected'; issue: ParseIssue };

/** The first bytes of a file, used to recognise its format without reading it all. */
export interface FileSample {
  fileName: string;
  /** Up to the first 64 KiB, decoded as UTF-8 with any BOM removed. */
  head: string;
}

export interface ImportFormat {
  id: FormatId;
  /** Human-readable name for errors and the UI. */
  label: string;
  /** The columns (or elements) this format needs, for the "unrecognised file" error. */
  requiredColumns: readonly string[];
  /** True when the sample is this format. Must be cheap and must not throw. */
  detect(sample: FileSample): boolean;
  /** Streams the whole file. Never buffers it; yields rows as they are read. */
  parse(input: Readable, fileName: string): AsyncIterable<ParseEvent>;
}

/** Thrown when a file cannot be read at all (unrecognised header, refused DTD, broken XML/JSON). */
export class ImportFormatError extends Error {
  readonly code = 'import_format_error';
  constructor(
    message: string,
    readonly fileName: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ImportFormatError';
  }
}
