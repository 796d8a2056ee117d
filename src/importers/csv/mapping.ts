/**
 * Column mapping for every CSV format: a format lists, for each ParsedFinding field, the
 * header names that may carry it (first present and non-empty wins). The mapping is resolved
 * against the header once per file into column indexes, then each record is read with plain
 * index lookups and the shared field readers (../fields.ts), which apply the row rules.
 */
import type { ImportFormat, ParseEvent, ParsedFinding } from '../importer.ts';
import { ImportFormatError } from '../importer.ts';
import {
  RowProblem,
  cves,
  date,
  firstOfList,
  hostnameOf,
  flag,
  links,
  looksLikeIp,
  lower,
  multiline,
  port,
  rejectedEvent,
  requireHost,
  requirePluginId,
  resolveSeverity,
  score,
  text,
  upper,
} from '../fields.ts';
import type { CsvColumn, CsvHeader } from './header.ts';
import { readCsv, type CsvRecord } from './reader.ts';
import { flattenEvents } from '../event-stream.ts';

type Aliases = readonly string[];

/** Header names per field, in priority order. Only pluginId is mandatory. */
export interface CsvColumnSpec {
  hostname?: Aliases;
  fqdn?: Aliases;
  ipAddress?: Aliases;
  assetUuid?: Aliases;
  macAddress?: Aliases;
  netbiosName?: Aliases;
  operatingSystem?: Aliases;
  pluginId: Aliases;
  pluginName?: Aliases;
  pluginFamily?: Aliases;
  /** Severity words or 0-4 ids; the first readable one wins. */
  severity?: Aliases;
  vprScore?: Aliases;
  cvssBaseScore?: Aliases;
  cvss3BaseScore?: Aliases;
  cves?: Aliases;
  port?: Aliases;
  protocol?: Aliases;
  service?: Aliases;
  state?: Aliases;
  firstSeen?: Aliases;
  lastSeen?: Aliases;
  output?: Aliases;
  synopsis?: Aliases;
  description?: Aliases;
  solution?: Aliases;
  seeAlso?: Aliases;
  exploitAvailable?: Aliases;
}

export interface CsvMappingOptions {
  /** Name the IP column (not the host name column) when a row has no host at all: for layouts whose names are optional. */
  hostFieldIsIp?: boolean;
}

type SpecKey = keyof CsvColumnSpec;

const SPEC_KEYS: readonly SpecKey[] = [
  'hostname', 'fqdn', 'ipAddress', 'assetUuid', 'macAddress', 'netbiosName', 'operatingSystem', 'pluginId', 'pluginName',
  'pluginFamily', 'severity', 'vprScore', 'cvssBaseScore', 'cvss3BaseScore', 'cves', 'port', 'protocol', 'service', 'state',
  'firstSeen', 'lastSeen', 'output', 'synopsis', 'description', 'solution', 'seeAlso', 'exploitAvailable',
];

/** Resolved column indexes of one field (empty when the file has none of its columns). */
interface Resolved {
  indexes: number[];
  /** Names of those columns as written in the file, for rejections. */
  names: string[];
  /** Name of the first present column (or of the first alias when none is present). */
  name: string;
}

export type ResolvedSpec = Record<SpecKey, Resolved>;

/** The spec's columns present in this header. */
export function resolveSpec(header: CsvHeader, spec: CsvColumnSpec): ResolvedSpec {
  const out = {} as ResolvedSpec;
  for (const key of SPEC_KEYS) {
    const aliases = spec[key] ?? [];
    const cols: CsvColumn[] = header.columns(aliases);
    out[key] = { indexes: cols.map((c) => c.index), names: cols.map((c) => c.name), name: cols[0]?.name ?? aliases[0] ?? key };
  }
  return out;
}

/** The header names a spec requires, for error messages: `Plugin ID`, `Host | IP Address`. */
export function describeRequired(spec: CsvColumnSpec): string[] {
  const hosts = [...(spec.hostname ?? []), ...(spec.ipAddress ?? [])];
  return [spec.pluginId.join(' | '), hosts.join(' | ')].filter((s) => s !== '');
}

function first(cells: readonly string[], indexes: readonly number[]): string | undefined {
  for (let i = 0; i < indexes.length; i++) {
    const value = text(cells[indexes[i]!]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Reads a checked field from the first non-empty of its columns, naming that column when the value is bad. */
function checked<T>(cells: readonly string[], field: Resolved, read: (value: string, name: string) => T): T | undefined {
  for (let i = 0; i < field.indexes.length; i++) {
    const value = text(cells[field.indexes[i]!]);
    if (value !== undefined) return read(value, field.names[i]!);
  }
  return undefined;
}

export type RecordMapper = (record: CsvRecord) => ParseEvent;

/**
 * Builds the per-record mapper. Throws ImportFormatError when the header lacks the plugin id
 * column or every host column (the file is not of this format).
 */
export function compileCsvMapping(header: CsvHeader, spec: CsvColumnSpec, fileName: string, label: string, options: CsvMappingOptions = {}): RecordMapper {
  const r = resolveSpec(header, spec);
  const hostColumns = r.hostname.indexes.length + r.ipAddress.indexes.length + r.fqdn.indexes.length;
  if (r.pluginId.indexes.length === 0 || hostColumns === 0) {
    const missing = r.pluginId.indexes.length === 0 ? spec.pluginId.join(' | ') : describeRequired(spec)[1];
    throw new ImportFormatError(
      `${fileName} is not a ${label} file: missing column ${missing}. Header has: ${header.names.slice(0, 12).join(', ')}${header.size > 12 ? ', ...' : ''}`,
      fileName,
      1,
    );
  }
  const hostField =
    options.hostFieldIsIp && r.ipAddress.indexes.length > 0
      ? r.ipAddress.name
      : r.hostname.indexes.length > 0
        ? r.hostname.name
        : r.ipAddress.indexes.length > 0
          ? r.ipAddress.name
          : r.fqdn.name;
  const severityField = r.severity.indexes.length > 0 ? r.severity.name : 'severity';
  const sev = r.severity.indexes;

  return (record: CsvRecord): ParseEvent => {
    const { line, cells } = record;
    if (record.problem !== undefined) return rejectedEvent(line, new RowProblem(undefined, record.problem));
    try {
      const netbiosName = first(cells, r.netbiosName.indexes);
      const fqdn = first(cells, r.fqdn.indexes);
      const named = first(cells, r.hostname.indexes);
      let ipAddress = firstOfList(first(cells, r.ipAddress.indexes));
      if (ipAddress === undefined && looksLikeIp(named)) ipAddress = named;
      const hostname = hostnameOf(named, fqdn);
      requireHost(hostname, ipAddress, hostField);
      const pluginId = requirePluginId(first(cells, r.pluginId.indexes), r.pluginId.name);
      const vprScore = checked(cells, r.vprScore, score);
      const cvssBaseScore = checked(cells, r.cvssBaseScore, score);
      const cvss3BaseScore = checked(cells, r.cvss3BaseScore, score);
      const portNumber = checked(cells, r.port, port);
      const firstSeen = checked(cells, r.firstSeen, date);
      const lastSeen = checked(cells, r.lastSeen, date);
      const severity = resolveSeverity(
        sev.length === 1 ? [cells[sev[0]!]] : sev.map((i) => cells[i]),
        cvss3BaseScore,
        cvssBaseScore,
        severityField,
      );
      const finding: ParsedFinding = {
        line,
        hostname,
        ipAddress,
        assetUuid: first(cells, r.assetUuid.indexes),
        macAddress: firstOfList(first(cells, r.macAddress.indexes)),
        fqdn,
        netbiosName,
        operatingSystem: multiline(first(cells, r.operatingSystem.indexes)),
        pluginId,
        pluginName: first(cells, r.pluginName.indexes) ?? `Plugin ${pluginId}`,
        pluginFamily: first(cells, r.pluginFamily.indexes),
        severity,
        vprScore,
        cvssBaseScore,
        cvss3BaseScore,
        cves: cves(first(cells, r.cves.indexes)),
        port: portNumber,
        protocol: lower(first(cells, r.protocol.indexes)),
        service: first(cells, r.service.indexes),
        state: upper(first(cells, r.state.indexes)),
        firstSeen,
        lastSeen,
        output: multiline(first(cells, r.output.indexes)),
        synopsis: multiline(first(cells, r.synopsis.indexes)),
        description: multiline(first(cells, r.description.indexes)),
        solution: multiline(first(cells, r.solution.indexes)),
        seeAlso: links(first(cells, r.seeAlso.indexes)),
        exploitAvailable: flag(first(cells, r.exploitAvailable.indexes)),
      };
      return { kind: 'finding', finding };
    } catch (error) {
      if (error instanceof RowProblem) return rejectedEvent(line, error);
      throw error;
    }
  };
}

/** Builds the `parse` of a CSV ImportFormat from its column spec. */
export function csvParser(
  spec: CsvColumnSpec,
  label: string,
  options: CsvMappingOptions = {},
): ImportFormat['parse'] {
  async function* batches(input: AsyncIterable<Buffer | string>, fileName: string): AsyncGenerator<ParseEvent[]> {
    let mapper: RecordMapper | undefined;
    for await (const batch of readCsv(input, fileName)) {
      mapper ??= compileCsvMapping(batch.header, spec, fileName, label, options);
      const { records } = batch;
      const events = new Array<ParseEvent>(records.length);
      for (let i = 0; i < records.length; i++) events[i] = mapper(records[i]!);
      yield events;
    }
  }
  return (input, fileName) => flattenEvents(batches(input, fileName));
}
