/**
 * Tenable Vulnerability Management `/vulns/export` chunk files: a top-level JSON array of
 * finding records (see the API reference, section 2.5). Streamed: each array element is cut
 * out and parsed on its own (json-splitter.ts). NDJSON (one record per line) is read too.
 * The "line" of a finding is its 1-based record index.
 */
import type { ImportFormat, ParseEvent, ParsedFinding } from '../importer.ts';
import {
  RowProblem,
  cves,
  date,
  firstOfList,
  flag,
  hostnameOf,
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
import { splitJson } from './json-splitter.ts';
import { flattenEvents } from '../event-stream.ts';

const LABEL = 'Tenable VM export JSON (vulns/export chunk)';

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A string field; numbers are turned into text; arrays give their first string. */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = str(item);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** A numeric field as the file has it: number, numeric string, or absent. Anything else is text for the reader to reject. */
function numeric(value: unknown): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function stringList(value: unknown): string[] | string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

export function mapExportRecord(index: number, value: unknown): ParseEvent {
  const record = obj(value);
  if (!record) return rejectedEvent(index, new RowProblem(undefined, `record ${index} is not a JSON object`));
  try {
    const asset = obj(record.asset) ?? {};
    const plugin = obj(record.plugin) ?? {};
    const portInfo = obj(record.port) ?? {};
    const fqdn = str(asset.fqdn) ?? str(asset.fqdns);
    const netbiosName = str(asset.netbios_name);
    const named = str(asset.hostname);
    let ipAddress = firstOfList(str(asset.ipv4) ?? str(asset.ipv4s) ?? str(asset.ipv6) ?? str(asset.ipv6s));
    if (ipAddress === undefined && looksLikeIp(named)) ipAddress = named;
    const hostname = hostnameOf(named, fqdn, netbiosName);
    requireHost(hostname, ipAddress, 'asset.hostname');
    const pluginId = requirePluginId(typeof plugin.id === 'number' ? plugin.id : str(plugin.id), 'plugin.id');
    const vprScore = score(numeric(obj(plugin.vpr)?.score), 'plugin.vpr.score');
    const cvssBaseScore = score(numeric(plugin.cvss_base_score), 'plugin.cvss_base_score');
    const cvss3BaseScore = score(numeric(plugin.cvss3_base_score), 'plugin.cvss3_base_score');
    const portNumber = port(numeric(portInfo.port), 'port.port');
    const firstSeen = date(numeric(record.first_found), 'first_found');
    const lastSeen = date(numeric(record.last_found), 'last_found');
    const severity = resolveSeverity(
      [str(record.severity), typeof record.severity_id === 'number' ? record.severity_id : undefined, str(plugin.risk_factor)],
      cvss3BaseScore,
      cvssBaseScore,
      'severity',
    );
    const finding: ParsedFinding = {
      line: index,
      hostname,
      ipAddress,
      assetUuid: str(asset.uuid),
      macAddress: str(asset.mac_address),
      fqdn,
      netbiosName,
      operatingSystem: str(asset.operating_system),
      pluginId,
      pluginName: str(plugin.name) ?? `Plugin ${pluginId}`,
      pluginFamily: str(plugin.family),
      severity,
      vprScore,
      cvssBaseScore,
      cvss3BaseScore,
      cves: cves(stringList(plugin.cve)),
      port: portNumber,
      protocol: lower(str(portInfo.protocol)),
      service: str(portInfo.service),
      state: upper(str(record.state)),
      firstSeen,
      lastSeen,
      output: multiline(typeof record.output === 'string' ? record.output : undefined),
      synopsis: multiline(typeof plugin.synopsis === 'string' ? plugin.synopsis : undefined),
      description: multiline(typeof plugin.description === 'string' ? plugin.description : undefined),
      solution: multiline(typeof plugin.solution === 'string' ? plugin.solution : undefined),
      seeAlso: links(stringList(plugin.see_also)),
      exploitAvailable: typeof plugin.exploit_available === 'boolean' ? plugin.exploit_available : flag(str(plugin.exploit_available)),
    };
    return { kind: 'finding', finding };
  } catch (error) {
    if (error instanceof RowProblem) return rejectedEvent(index, error);
    throw error;
  }
}

async function* exportJsonBatches(input: AsyncIterable<Buffer | string>, fileName: string): AsyncGenerator<ParseEvent[]> {
  for await (const batch of splitJson(input, fileName)) yield batch.map((element) => mapExportRecord(element.index, element.value));
}

export const tenableExportJson: ImportFormat = {
  id: 'tenable-export-json',
  label: LABEL,
  requiredColumns: ['top-level JSON array of records', 'asset.hostname | asset.ipv4', 'plugin.id', 'severity'],
  detect(sample) {
    const head = sample.head;
    const start = head.search(/\S/);
    if (start < 0) return false;
    const c = head[start];
    if (c === '[') {
      const rest = head.slice(start + 1).trimStart();
      if (rest.startsWith(']')) return true;
      return rest.startsWith('{') && head.includes('"plugin"') && (head.includes('"asset"') || head.includes('"severity"'));
    }
    return c === '{' && head.includes('"plugin"') && head.includes('"asset"') && !head.includes('"responses"');
  },
  parse: (input, fileName) => flattenEvents(exportJsonBatches(input, fileName)),
};
