/**
 * Columns of the Nessus CSV family, shared by Nessus Professional CSV exports (default 13
 * columns, "all columns", the 2025 template with VPR / EPSS / CVSS v4) and the Tenable.io
 * scan CSV, which is the same layout plus asset columns (Vulnerability State, IP Address,
 * FQDN, NetBios, OS, Asset UUID, First Found / Last Found, ...).
 */
import type { CsvColumnSpec } from '../csv/mapping.ts';

export const NESSUS_FAMILY_COLUMNS: CsvColumnSpec = {
  pluginId: ['Plugin ID'],
  pluginName: ['Name', 'Plugin Name'],
  pluginFamily: ['Plugin Family', 'Family'],
  hostname: ['Host', 'DNS Name'],
  fqdn: ['FQDN'],
  ipAddress: ['IP Address', 'Host IP', 'IP'],
  assetUuid: ['Asset UUID', 'Asset ID'],
  macAddress: ['MAC Address'],
  netbiosName: ['NetBios', 'NetBIOS Name'],
  operatingSystem: ['OS', 'Operating System'],
  // "Risk" is the finding's severity; Tenable.io adds "Severity" (0-4, after recast).
  // "Risk Factor" is the plugin's CVSS v2 rating and only a last resort.
  severity: ['Risk', 'Severity', 'Risk Factor'],
  vprScore: ['VPR Score', 'Vulnerability Priority Rating (VPR)', 'Vulnerability Priority Rating', 'VPR'],
  // "CVSS" is the v2 base score in both layouts.
  cvssBaseScore: ['CVSS v2.0 Base Score', 'CVSS Base Score', 'CVSS'],
  cvss3BaseScore: ['CVSS v3.0 Base Score', 'CVSS3 Base Score', 'CVSS v3 Base Score', 'CVSS v3.1 Base Score'],
  cves: ['CVE'],
  port: ['Port'],
  protocol: ['Protocol'],
  service: ['Service', 'Svc Name'],
  state: ['Vulnerability State', 'State'],
  firstSeen: ['First Found', 'First Seen', 'First Discovered'],
  lastSeen: ['Last Found', 'Last Seen', 'Last Observed'],
  output: ['Plugin Output'],
  synopsis: ['Synopsis'],
  description: ['Description'],
  solution: ['Solution'],
  seeAlso: ['See Also'],
  exploitAvailable: ['Exploit Available', 'Exploit?'],
};

/** Columns only Tenable.io's scan CSV has; any one of them tells it from a Nessus CSV. */
export const TENABLE_IO_MARKERS = ['Vulnerability State', 'IP Address', 'Asset UUID', 'FQDN', 'NetBios', 'First Found', 'Last Found'] as const;

/** Columns every Nessus-family CSV has. */
export const NESSUS_FAMILY_REQUIRED = ['Plugin ID', 'Host'] as const;
