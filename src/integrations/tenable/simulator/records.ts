/**
 * Wire records built from the estate: vulnerability export findings (as JSON text, for
 * streaming), asset export v1/v2 records, and Security Center `vulndetails` rows. Field names,
 * nesting and key order follow the recorded responses (tenable-api.md §2.5, §3.3, §3.4, §6.3).
 */
import type { AssetOpenPort, AssetV1, AssetV2, ScVulnDetail } from '../tenable.api-types.ts';
import { SEVERITY_NAMES } from './catalog.ts';
import { epochSeconds, iso, isoSeconds } from './clock.ts';
import type { AssetView, Estate, FindingView } from './estate.ts';

export const DEFAULT_NETWORK_ID = '00000000-0000-0000-0000-000000000000';

/** The `asset` object of a vulnerability export record, serialized once per asset and chunk. */
export function vulnAssetJson(asset: AssetView): string {
  const o: Record<string, unknown> = {};
  if (asset.biosUuid) o.bios_uuid = asset.biosUuid;
  o.device_type = asset.deviceType;
  o.fqdn = asset.fqdn;
  o.hostname = asset.hostnameField;
  o.uuid = asset.uuid;
  o.ipv4 = asset.ipv4;
  if (asset.ipv6) o.ipv6 = asset.ipv6;
  if (asset.authenticated) o.last_authenticated_results = isoSeconds(asset.lastSeenMs);
  else o.last_unauthenticated_results = isoSeconds(asset.lastSeenMs);
  if (asset.mac) o.mac_address = asset.mac;
  if (asset.netbios) o.netbios_name = asset.netbios;
  o.operating_system = asset.operatingSystem;
  if (asset.serial) o.serial_number = asset.serial;
  o.network_id = DEFAULT_NETWORK_ID;
  o.tracked = true;
  return JSON.stringify(o);
}

/** The `scan` object for a scan run (schedule, day): same for every finding of that run. */
export function scanJson(estate: Estate, asset: AssetView, day: number): string {
  const scan = asset.scan;
  return JSON.stringify({
    completed_at: iso(estate.scanRunEndMs(scan, day)),
    schedule_uuid: scan.scheduleUuid,
    started_at: iso(estate.scanRunStartMs(scan, day)),
    uuid: estate.scanRunUuid(scan.index, day),
  });
}

/** The parts of a finding record around the shared `asset` and `plugin` objects. */
function recordParts(estate: Estate, f: FindingView, scans: Map<number, string>): { output: string; tail: string } {
  const p = f.plugin;
  let scan = scans.get(f.scanDay);
  if (scan === undefined) {
    scan = scanJson(estate, f.asset, f.scanDay);
    scans.set(f.scanDay, scan);
  }
  const text = estate.outputOf(f);
  const output = text === undefined ? '' : `,"output":${JSON.stringify(text)}`;
  let s = `,"port":{"port":${f.port.port},"protocol":"${f.port.protocol}"`;
  if (f.port.service) s += `,"service":"${f.port.service}"`;
  s += `},"scan":${scan},"severity":"${SEVERITY_NAMES[p.severityId]}","severity_id":${p.severityId},"severity_default_id":${p.severityId},"severity_modification_type":"NONE"`;
  s += `,"first_found":"${iso(f.firstFoundMs)}"`;
  if (f.lastFixedMs !== undefined) s += `,"last_fixed":"${iso(f.lastFixedMs)}"`;
  s += `,"last_found":"${iso(f.lastFoundMs)}","state":"${f.state}","indexed":"${iso(f.indexedMs)}","source":"NESSUS","finding_id":"${estate.findingId(f.asset.index, f.slot)}"`;
  if (f.resurfacedMs !== undefined) s += `,"resurfaced_date":"${iso(f.resurfacedMs)}"`;
  if (f.state === 'FIXED' && f.lastFixedMs !== undefined) s += `,"time_taken_to_fix":"${Math.max(0, epochSeconds(f.lastFixedMs) - epochSeconds(f.firstFoundMs))}"`;
  return { output, tail: `${s}}` };
}

/**
 * One finding record as JSON text. `assetJson` comes from vulnAssetJson; `scans` caches the
 * per-run `scan` objects of the chunk being written.
 */
export function vulnRecordJson(estate: Estate, f: FindingView, assetJson: string, scans: Map<number, string>): string {
  const { output, tail } = recordParts(estate, f, scans);
  return `{"asset":${assetJson}${output},"plugin":${f.plugin.exportJson}${tail}`;
}

const WRITER_BLOCK = 256 * 1024;

/** Writes JSON text straight into large Buffers, so a chunk streams without building strings. */
export class BufferWriter {
  private blocks: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(WRITER_BLOCK);
  private used = 0;

  text(value: string): void {
    if (this.used + value.length * 3 > this.buffer.length) this.rotate(value.length * 3);
    this.used += this.buffer.write(value, this.used);
  }

  bytes(value: Buffer): void {
    if (this.used + value.length > this.buffer.length) this.rotate(value.length);
    value.copy(this.buffer, this.used);
    this.used += value.length;
  }

  private rotate(need: number): void {
    if (this.used > 0) this.blocks.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(Math.max(WRITER_BLOCK, need));
    this.used = 0;
  }

  /** Full blocks so far (the block being filled stays). */
  take(): Buffer[] {
    const blocks = this.blocks;
    this.blocks = [];
    return blocks;
  }

  /** Everything left. */
  end(): Buffer[] {
    this.rotate(0);
    return this.take();
  }
}

const PLUGIN_BYTES = new WeakMap<object, Buffer>();

/** Write one finding record; `assetBytes` is the asset object, encoded once per asset. */
export function writeVulnRecord(out: BufferWriter, estate: Estate, f: FindingView, assetBytes: Buffer, scans: Map<number, string>): void {
  let plugin = PLUGIN_BYTES.get(f.plugin);
  if (!plugin) {
    plugin = Buffer.from(f.plugin.exportJson);
    PLUGIN_BYTES.set(f.plugin, plugin);
  }
  const { output, tail } = recordParts(estate, f, scans);
  out.text('{"asset":');
  out.bytes(assetBytes);
  out.text(`${output},"plugin":`);
  out.bytes(plugin);
  out.text(tail);
}

function openPorts(estate: Estate, asset: AssetView): AssetOpenPort[] {
  const ports = new Map<string, AssetOpenPort>();
  estate.forEachFinding(asset.index, asset.day, (f) => {
    if (f.port.port === 0 || f.state === 'FIXED') return;
    const key = `${f.port.port}/${f.port.protocol}`;
    if (!ports.has(key)) {
      ports.set(key, { port: f.port.port, protocol: f.port.protocol, service_names: [f.port.service], first_seen: iso(f.firstFoundMs), last_seen: iso(f.lastFoundMs) });
    }
  });
  return [...ports.values()].sort((a, b) => a.port - b.port);
}

function acrScore(asset: AssetView): number {
  return asset.serverClass ? (asset.environment === 'Production' ? 8 : 6) : asset.deviceType === 'general-purpose' ? 4 : 9;
}

function aesScore(estate: Estate, asset: AssetView): number {
  return 200 + ((asset.index * 7919 + estate.seed) % 700);
}

export interface AssetRecordOptions {
  includeOpenPorts?: boolean;
}

/** Asset export v1 record (flat, explicit nulls and empty arrays; tenable-api.md §3.3). */
export function assetV1(estate: Estate, asset: AssetView, options: AssetRecordOptions = {}): AssetV1 {
  const scan = asset.scan;
  const lastSeen = iso(asset.lastSeenMs);
  const firstSeen = iso(asset.firstSeenMs);
  const record: AssetV1 = {
    id: asset.uuid,
    has_agent: asset.agentUuid !== undefined,
    has_plugin_results: true,
    created_at: iso(asset.createdMs),
    terminated_at: null,
    terminated_by: null,
    updated_at: iso(asset.lastSeenMs + 1_742),
    deleted_at: null,
    deleted_by: null,
    first_seen: firstSeen,
    last_seen: lastSeen,
    first_scan_time: firstSeen,
    last_scan_time: lastSeen,
    last_authenticated_scan_date: asset.authenticated ? lastSeen : null,
    last_licensed_scan_date: lastSeen,
    last_scan_id: estate.scanRunUuid(scan.index, asset.day),
    last_schedule_id: scan.scheduleUuid,
    azure_vm_id: null,
    azure_resource_id: null,
    gcp_project_id: null,
    gcp_zone: null,
    gcp_instance_id: null,
    aws_ec2_instance_ami_id: null,
    aws_ec2_instance_id: null,
    agent_uuid: asset.agentUuid ?? null,
    bios_uuid: asset.biosUuid ?? null,
    network_id: DEFAULT_NETWORK_ID,
    network_name: 'Default',
    aws_owner_id: null,
    aws_availability_zone: null,
    aws_region: null,
    aws_vpc_id: null,
    aws_ec2_instance_group_name: null,
    aws_ec2_instance_state_name: null,
    aws_ec2_instance_type: null,
    aws_subnet_id: null,
    aws_ec2_product_code: null,
    aws_ec2_name: null,
    mcafee_epo_guid: null,
    mcafee_epo_agent_guid: null,
    servicenow_sysid: null,
    bigfix_asset_id: null,
    agent_names: asset.agentUuid ? [asset.name] : [],
    installed_software: asset.installedSoftware,
    ipv4s: [asset.ipv4],
    ipv6s: asset.ipv6 ? [asset.ipv6] : [],
    fqdns: [asset.fqdn],
    mac_addresses: asset.mac ? [asset.mac] : [],
    netbios_names: asset.netbios ? [asset.netbios] : [],
    operating_systems: asset.operatingSystem,
    system_types: [asset.systemType],
    hostnames: [asset.fqdn],
    ssh_fingerprints: [],
    qualys_asset_ids: [],
    qualys_host_ids: [],
    manufacturer_tpm_ids: [],
    symantec_ep_hardware_keys: [],
    sources: sources(asset),
    tags: asset.tags.map((t) => ({ uuid: t.uuid, key: t.key, value: t.value, added_by: t.addedBy ?? null, added_at: iso(t.addedAtMs) })),
    network_interfaces: [
      {
        name: 'UNKNOWN',
        virtual: null,
        aliased: null,
        fqdns: [asset.fqdn],
        mac_addresses: asset.mac ? [asset.mac] : [],
        ipv4s: [asset.ipv4],
        ipv6s: asset.ipv6 ? [asset.ipv6] : [],
      },
    ],
    acr_score: String(acrScore(asset)),
    exposure_score: String(aesScore(estate, asset)),
  };
  if (options.includeOpenPorts) record.open_ports = openPorts(estate, asset);
  return record;
}

function sources(asset: AssetView): { name: string; first_seen: string; last_seen: string }[] {
  const list = [{ name: 'NESSUS_SCAN', first_seen: iso(asset.firstSeenMs), last_seen: iso(asset.lastSeenMs) }];
  if (asset.agentUuid) list.push({ name: 'NESSUS_AGENT', first_seen: iso(asset.firstSeenMs + 3_600_000), last_seen: iso(asset.lastSeenMs - 600_000) });
  return list;
}

/** Asset export v2 record (nested, empties omitted; tenable-api.md §3.4). */
export function assetV2(estate: Estate, asset: AssetView, options: AssetRecordOptions = {}): AssetV2 {
  const scan = asset.scan;
  const lastSeen = iso(asset.lastSeenMs);
  const record: AssetV2 = {
    id: asset.uuid,
    has_agent: asset.agentUuid !== undefined,
    has_plugin_results: true,
    is_licensed: true,
    types: ['host'],
    operating_systems: asset.operatingSystem,
    system_types: [asset.systemType],
    is_public: false,
    sources: sources(asset),
    tags: asset.tags.map((t) => ({ uuid: t.uuid, key: t.key, value: t.value, ...(t.addedBy ? { added_by: t.addedBy } : {}), added_at: iso(t.addedAtMs) })),
    scan: {
      first_scan_time: iso(asset.firstSeenMs),
      last_scan_time: lastSeen,
      last_licensed_scan_date: lastSeen,
      last_scan_id: estate.scanRunUuid(scan.index, asset.day),
      last_schedule_id: scan.scheduleUuid,
    },
    network: {
      network_id: DEFAULT_NETWORK_ID,
      network_name: 'Default',
      ipv4s: [asset.ipv4],
      fqdns: [asset.fqdn],
      hostnames: [asset.name],
      network_interfaces: [{ name: 'UNKNOWN', fqdns: [asset.fqdn], ipv4s: [asset.ipv4] }],
    },
    timestamps: {
      created_at: iso(asset.createdMs),
      updated_at: iso(asset.lastSeenMs + 1_742),
      first_seen: iso(asset.firstSeenMs),
      last_seen: lastSeen,
    },
    ratings: { acr: { score: acrScore(asset) }, aes: { score: aesScore(estate, asset) } },
  };
  if (asset.installedSoftware.length) record.installed_software = asset.installedSoftware;
  if (asset.serial) record.serial_number = asset.serial;
  if (asset.authenticated) record.scan!.last_authenticated_scan_date = lastSeen;
  const network = record.network!;
  if (asset.mac) {
    network.mac_addresses = [asset.mac];
    network.network_interfaces![0]!.mac_addresses = [asset.mac];
  }
  if (asset.ipv6) network.network_interfaces![0]!.ipv6s = [asset.ipv6];
  if (options.includeOpenPorts) network.open_ports = openPorts(estate, asset);
  if (asset.agentUuid) record.tenable_agent_days_since_active = 0;
  return record;
}

const SC_SEVERITY = [
  { id: '0', name: 'Info', description: 'Informative' },
  { id: '1', name: 'Low', description: 'Low Severity' },
  { id: '2', name: 'Medium', description: 'Medium Severity' },
  { id: '3', name: 'High', description: 'High Severity' },
  { id: '4', name: 'Critical', description: 'Critical Severity' },
];

const PROTOCOL_NUMBER: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1 };

function dateSeconds(date: string | undefined): string {
  return date ? String(Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000)) : '-1';
}

/** Security Center `vulndetails` row: every value a string (tenable-api.md §6.3). */
export function scVulnDetail(estate: Estate, f: FindingView): ScVulnDetail {
  const p = f.plugin;
  const a = f.asset;
  const output = estate.outputOf(f);
  const frameworks = [p.frameworks.metasploit && 'Metasploit', p.frameworks.core && 'Core Impact', p.frameworks.canvas && 'CANVAS'].filter(Boolean).join(', ');
  return {
    pluginID: String(p.id),
    severity: SC_SEVERITY[p.severityId]!,
    hasBeenMitigated: f.state === 'REOPENED' || (f.state === 'FIXED' && f.resurfacedMs !== undefined) ? '1' : '0',
    acceptRisk: '0',
    recastRisk: '0',
    ip: a.ipv4,
    uuid: a.agentUuid ?? '',
    port: String(f.port.port),
    protocol: f.port.protocol,
    pluginName: p.name,
    firstSeen: String(epochSeconds(f.firstFoundMs)),
    lastSeen: String(epochSeconds(f.lastFoundMs)),
    exploitAvailable: p.exploitAvailable ? 'Yes' : 'No',
    exploitEase: p.exploitEase ?? '',
    exploitFrameworks: frameworks,
    synopsis: p.synopsis,
    description: p.description,
    solution: p.solution,
    seeAlso: p.seeAlso.filter(Boolean).join('\n'),
    riskFactor: p.riskFactor,
    stigSeverity: p.stigSeverity ?? '',
    baseScore: p.cvss2 ? String(p.cvss2.base) : '',
    temporalScore: p.cvss2 ? String(p.cvss2.temporal) : '',
    cvssVector: p.cvss2 ? `${p.cvss2.vector}/${p.cvss2.temporalVector}` : '',
    cvssV3BaseScore: p.cvss3 ? String(p.cvss3.base) : '',
    cvssV3TemporalScore: p.cvss3 ? String(p.cvss3.temporal) : '',
    cvssV3Vector: p.cvss3 ? `CVSS:3.0/${p.cvss3.vector}/${p.cvss3.temporalVector}` : '',
    cpe: p.cpe.join('\n'),
    vulnPubDate: dateSeconds(p.vulnPublished),
    patchPubDate: dateSeconds(p.patchPublished),
    pluginPubDate: dateSeconds(p.published),
    pluginModDate: dateSeconds(p.modified),
    checkType: p.type === 'summary' ? 'summary' : p.type === 'local' ? 'local' : 'remote',
    version: p.version,
    cve: p.cve.join(','),
    bid: p.bid.join(','),
    xref: p.xrefs.map((x) => `${x.type} #${x.id}`).join(', '),
    pluginText: output === undefined ? '' : `<plugin_output>${output}</plugin_output>`,
    dnsName: a.fqdn,
    macAddress: a.mac?.toLowerCase() ?? '',
    netbiosName: a.netbios ? `EXAMPLE\\${a.netbios}` : '',
    uniqueness: 'repositoryID,ip,dnsName',
    family: { id: String(p.familyId), name: p.family, type: 'active' },
    repository: { id: '1', name: 'Default', description: '', dataFormat: 'IPv4' },
    pluginInfo: `${p.id} (${f.port.port}/${PROTOCOL_NUMBER[f.port.protocol] ?? 6}) ${p.name}`,
  };
}
