import type { ImportFormat } from '../importer.ts';
import type { CsvColumnSpec } from '../csv/mapping.ts';
import { sniffCsvHeader } from '../csv/header.ts';
import { csvParser } from '../csv/mapping.ts';

const LABEL = 'Tenable Vulnerability Management findings CSV';

/**
 * Tenable Vulnerability Management (Explore > Findings / workbench) CSV export: dotted column
 * names (`asset.id`, `asset.name`, `definition.id`, `definition.cve`, `severity`, `state`, ...),
 * comma or semicolon delimited (the workbench writes `;`). One row per finding
 * (asset + plugin + port + protocol); `definition.cve` holds every CVE, comma separated.
 */
export const TENABLE_VM_COLUMNS: CsvColumnSpec = {
  hostname: ['asset.name', 'asset.host_name', 'asset.hostname', 'asset.display_fqdn'],
  fqdn: ['asset.display_fqdn', 'asset.fqdn', 'asset.fqdns'],
  ipAddress: ['asset.display_ipv4_address', 'asset.ipv4_addresses', 'asset.ipv4', 'asset.display_ipv6_address', 'asset.ipv6_addresses'],
  assetUuid: ['asset.id', 'asset.uuid'],
  macAddress: ['asset.display_mac_address', 'asset.mac_addresses', 'asset.mac_address'],
  netbiosName: ['asset.netbios_name'],
  operatingSystem: ['asset.operating_system', 'asset.operating_systems'],
  pluginId: ['definition.id', 'plugin.id'],
  pluginName: ['definition.name', 'plugin.name'],
  pluginFamily: ['definition.family', 'plugin.family'],
  // `severity` is the finding's (recast-aware) severity, `definition.severity` the plugin's.
  severity: ['severity', 'definition.severity'],
  vprScore: ['definition.vpr.score', 'definition.vpr_v2.score'],
  cvssBaseScore: ['definition.cvss2.base_score'],
  cvss3BaseScore: ['definition.cvss3.base_score'],
  cves: ['definition.cve'],
  port: ['port', 'port.port'],
  protocol: ['protocol', 'port.protocol'],
  service: ['service', 'port.service'],
  state: ['state'],
  firstSeen: ['first_observed', 'first_seen', 'first_found'],
  lastSeen: ['last_seen', 'last_observed', 'last_found'],
  output: ['output'],
  synopsis: ['definition.synopsis'],
  description: ['definition.description'],
  solution: ['definition.solution'],
  seeAlso: ['definition.see_also'],
  exploitAvailable: ['definition.exploit_available', 'definition.exploitability_ease'],
};

export const tenableVmCsv: ImportFormat = {
  id: 'tenable-vm-csv',
  label: LABEL,
  requiredColumns: ['definition.id', 'asset.name | asset.host_name | asset.display_fqdn | asset.display_ipv4_address | asset.ipv4_addresses'],
  detect(sample) {
    const header = sniffCsvHeader(sample)?.header;
    if (!header) return false;
    return (
      header.has('definition.id') &&
      ['asset.name', 'asset.host_name', 'asset.display_fqdn', 'asset.display_ipv4_address', 'asset.ipv4_addresses', 'asset.id'].some((c) => header.has(c))
    );
  },
  parse: csvParser(TENABLE_VM_COLUMNS, LABEL),
};
