import type { ImportFormat } from '../importer.ts';
import type { CsvColumnSpec } from '../csv/mapping.ts';
import { sniffCsvHeader } from '../csv/header.ts';
import { csvParser } from '../csv/mapping.ts';

const LABEL = 'Tenable.sc vulnerability detail CSV';

/**
 * Tenable.sc (SecurityCenter) "Vulnerability Detail List" CSV. Host name = DNS Name, else the
 * IP Address (as Tenable.sc itself counts hosts); the NetBIOS name is kept as an attribute
 * only, since machines cloned from one image share it. Versions differ: `Plugin Output` or
 * `Plugin Text`, `Solution` or `Steps to Remediate`; dates like `Feb 9, 2024 10:48:42 UTC`.
 */
export const TENABLE_SC_COLUMNS: CsvColumnSpec = {
  pluginId: ['Plugin', 'Plugin ID'],
  pluginName: ['Plugin Name'],
  pluginFamily: ['Family'],
  severity: ['Severity', 'Risk Factor'],
  hostname: ['DNS Name'],
  fqdn: ['DNS Name'],
  ipAddress: ['IP Address'],
  netbiosName: ['NetBIOS Name'],
  macAddress: ['MAC Address'],
  assetUuid: ['Host ID'],
  operatingSystem: ['OS', 'Operating System'],
  protocol: ['Protocol'],
  port: ['Port'],
  exploitAvailable: ['Exploit?'],
  output: ['Plugin Output', 'Plugin Text'],
  synopsis: ['Synopsis'],
  description: ['Description'],
  solution: ['Solution', 'Steps to Remediate'],
  seeAlso: ['See Also'],
  vprScore: ['Vulnerability Priority Rating', 'VPR'],
  cvssBaseScore: ['CVSS V2 Base Score'],
  cvss3BaseScore: ['CVSS V3 Base Score'],
  cves: ['CVE'],
  firstSeen: ['First Discovered'],
  lastSeen: ['Last Observed'],
};

export const tenableScCsv: ImportFormat = {
  id: 'tenable-sc-csv',
  label: LABEL,
  requiredColumns: ['Plugin', 'Plugin Name', 'IP Address', 'Severity'],
  detect(sample) {
    const header = sniffCsvHeader(sample)?.header;
    if (!header) return false;
    return header.has('Plugin') && header.has('Plugin Name') && header.has('IP Address') && !header.has('Host');
  },
  parse: csvParser(TENABLE_SC_COLUMNS, LABEL, { hostFieldIsIp: true }),
};
