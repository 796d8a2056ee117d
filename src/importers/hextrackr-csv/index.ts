import type { ImportFormat } from '../importer.ts';
import type { CsvColumnSpec } from '../csv/mapping.ts';
import { sniffCsvHeader } from '../csv/header.ts';
import { csvParser } from '../csv/mapping.ts';

const LABEL = 'HexTrackr CSV';

/**
 * HexTrackr's own simple layout: `hostname, ip_address, severity, vpr_score, cvss_score,
 * plugin_id, plugin_name, description, solution, cve, state, first_seen, last_seen`
 * (case-insensitive, any order). `cvss_score` is CVSS v3 (HexTrackr's data model);
 * `cvss2_score` / `cvss3_score` are accepted when a file wants to be explicit.
 */
export const HEXTRACKR_COLUMNS: CsvColumnSpec = {
  hostname: ['hostname', 'host'],
  ipAddress: ['ip_address', 'ip'],
  fqdn: ['fqdn'],
  assetUuid: ['asset_uuid'],
  macAddress: ['mac_address'],
  operatingSystem: ['operating_system'],
  pluginId: ['plugin_id'],
  pluginName: ['plugin_name'],
  pluginFamily: ['plugin_family'],
  severity: ['severity'],
  vprScore: ['vpr_score'],
  cvss3BaseScore: ['cvss_score', 'cvss3_score'],
  cvssBaseScore: ['cvss2_score'],
  cves: ['cve', 'cves'],
  port: ['port'],
  protocol: ['protocol'],
  state: ['state'],
  firstSeen: ['first_seen'],
  lastSeen: ['last_seen'],
  output: ['output', 'plugin_output'],
  synopsis: ['synopsis'],
  description: ['description'],
  solution: ['solution'],
  seeAlso: ['see_also'],
};

export const hextrackrCsv: ImportFormat = {
  id: 'hextrackr-csv',
  label: LABEL,
  requiredColumns: ['hostname | ip_address', 'plugin_id', 'severity'],
  detect(sample) {
    const header = sniffCsvHeader(sample)?.header;
    if (!header) return false;
    return header.has('plugin_id') && (header.has('hostname') || header.has('ip_address'));
  },
  parse: csvParser(HEXTRACKR_COLUMNS, LABEL),
};
