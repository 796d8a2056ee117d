/**
 * Security Center `vulndetails` rows to ParsedFinding, with the same field rules as every file
 * import (importers/fields.ts) and the same host naming as the Tenable.sc CSV importer: the DNS
 * name, else the IP address; the NetBIOS name is only an attribute (cloned machines share it).
 * SC sends nearly every value as a string: ids, ports, scores, epoch-second dates ("-1" = none).
 */
import {
  RowProblem,
  cves,
  date,
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
} from '../../importers/fields.ts';
import type { ParseEvent, ParsedFinding } from '../../importers/importer.ts';
import type { ScVulnDetail } from './sc.api-types.ts';

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A numeric field as sent; anything that is neither number nor string is kept as text for the reader to reject. */
function numeric(value: unknown): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Epoch seconds as a string; SC writes "-1" or "0" for "never". */
function epochDate(value: unknown, field: string): string | undefined {
  const raw = numeric(value);
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  if (s === '' || s === '-1' || s === '0') return undefined;
  return date(/^\d+$/.test(s) ? Number(s) : s, field);
}

/** `<plugin_output>…</plugin_output>` → its content (SC wraps the plugin output in this tag). */
export function pluginOutput(pluginText: unknown): string | undefined {
  if (typeof pluginText !== 'string') return undefined;
  const match = /^\s*<plugin_output>([\s\S]*)<\/plugin_output>\s*$/.exec(pluginText);
  return multiline(match ? match[1] : pluginText);
}

export interface ScMappingOptions {
  /** Scanner state for rows of a `patched` query: FIXED. Cumulative rows are OPEN, or REOPENED when SC says hasBeenMitigated. */
  patched?: boolean;
}

/** Map one vulndetails row; `index` (1-based position in the stream) becomes the finding's line. */
export function mapScVulnDetail(index: number, value: ScVulnDetail | unknown, options: ScMappingOptions = {}): ParseEvent {
  const row = obj(value);
  if (!row) return rejectedEvent(index, new RowProblem(undefined, `record ${index} is not a JSON object`));
  try {
    const dnsName = str(row.dnsName);
    const ip = str(row.ip);
    const ipAddress = looksLikeIp(ip) ? ip : undefined;
    // As the SC CSV importer: no DNS name leaves the host name empty and the IP names the host.
    const hostname = dnsName === undefined ? undefined : hostnameOf(dnsName, dnsName);
    requireHost(hostname, ipAddress, 'ip');
    const pluginId = requirePluginId(str(row.pluginID), 'pluginID');
    const cvssBaseScore = score(numeric(row.baseScore), 'baseScore');
    const cvss3BaseScore = score(numeric(row.cvssV3BaseScore), 'cvssV3BaseScore');
    const vprScore = score(numeric(row.vprScore), 'vprScore');
    const severityInfo = obj(row.severity);
    const severity = resolveSeverity([str(severityInfo?.id), str(severityInfo?.name), str(row.severity), str(row.riskFactor)], cvss3BaseScore, cvssBaseScore, 'severity');
    const mitigatedBefore = str(row.hasBeenMitigated) === '1';
    const finding: ParsedFinding = {
      line: index,
      hostname,
      ipAddress,
      assetUuid: str(row.uuid),
      macAddress: str(row.macAddress)?.toLowerCase(),
      fqdn: dnsName,
      netbiosName: str(row.netbiosName),
      operatingSystem: str(row.operatingSystem),
      pluginId,
      pluginName: str(row.pluginName) ?? `Plugin ${pluginId}`,
      pluginFamily: str(obj(row.family)?.name),
      severity,
      vprScore,
      cvssBaseScore,
      cvss3BaseScore,
      cves: cves(str(row.cve)),
      port: port(numeric(row.port), 'port'),
      protocol: lower(str(row.protocol)),
      state: options.patched ? 'FIXED' : mitigatedBefore ? 'REOPENED' : 'OPEN',
      firstSeen: epochDate(row.firstSeen, 'firstSeen'),
      lastSeen: epochDate(row.lastSeen, 'lastSeen'),
      output: pluginOutput(row.pluginText),
      synopsis: multiline(str(row.synopsis)),
      description: multiline(str(row.description)),
      solution: multiline(str(row.solution)),
      seeAlso: links(str(row.seeAlso)),
      exploitAvailable: flag(str(row.exploitAvailable)),
    };
    return { kind: 'finding', finding };
  } catch (error) {
    if (error instanceof RowProblem) return rejectedEvent(index, error);
    throw error;
  }
}

/** Pages of rows (TenableScClient.vulnDetails) to ParseEvents numbered from 1. */
export async function* scParseEvents(pages: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>, options: ScMappingOptions = {}): AsyncGenerator<ParseEvent> {
  let index = 0;
  for await (const page of pages) for (const row of page) yield mapScVulnDetail(++index, row, options);
}
