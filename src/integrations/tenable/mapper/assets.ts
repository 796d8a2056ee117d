/**
 * Asset export records (v1 flat model or v2 nested model) to the fields HexTrackr keeps about
 * an asset. Unknown or missing fields are simply absent; a record without an id is rejected.
 */
import type { TenableAssetIdentity } from '../../../domain/asset-correlation.ts';
import type { AssetV1, AssetV2 } from '../tenable.api-types.ts';

export interface TenableAssetRecord extends TenableAssetIdentity {
  ipv6Addresses: string[];
  operatingSystem: string | null;
  systemType: string | null;
  agentInstalled: boolean;
  tags: string[];
  /** YYYY-MM-DD, when known. */
  firstSeen: string | null;
  lastSeen: string | null;
}

type AnyRecord = Record<string, unknown>;

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return typeof value === 'string' && value.trim() !== '' ? [value.trim()] : [];
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

function unique(values: string[], lower = true): string[] {
  return [...new Set(lower ? values.map((v) => v.toLowerCase()) : values)];
}

function day(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

/** Map one asset export record; undefined when it has no asset id. */
export function toTenableAsset(record: AssetV1 | AssetV2 | unknown): TenableAssetRecord | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as AnyRecord;
  const uuid = typeof r.id === 'string' ? r.id.trim().toLowerCase() : '';
  if (uuid === '') return undefined;
  // v2 nests addresses under `network` and times under `timestamps`; v1 keeps them flat.
  const network = (typeof r.network === 'object' && r.network !== null ? r.network : r) as AnyRecord;
  const times = (typeof r.timestamps === 'object' && r.timestamps !== null ? r.timestamps : r) as AnyRecord;
  const interfaces = Array.isArray(network.network_interfaces) ? (network.network_interfaces as AnyRecord[]) : [];
  const fromInterfaces = (field: string) => interfaces.flatMap((i) => strings(i[field]));
  const tags = Array.isArray(r.tags)
    ? (r.tags as AnyRecord[]).filter((t) => typeof t.key === 'string').map((t) => `${String(t.key)}:${String(t.value ?? '')}`)
    : [];
  return {
    uuid,
    hostnames: unique(strings(network.hostnames)),
    fqdns: unique([...strings(network.fqdns), ...fromInterfaces('fqdns')]),
    netbiosNames: unique(strings(r.netbios_names ?? network.netbios_names)),
    ipAddresses: unique([...strings(network.ipv4s), ...fromInterfaces('ipv4s')]),
    ipv6Addresses: unique([...strings(network.ipv6s), ...fromInterfaces('ipv6s')]),
    macAddresses: unique([...strings(network.mac_addresses), ...fromInterfaces('mac_addresses')].map((m) => m.replace(/-/g, ':'))),
    operatingSystem: strings(r.operating_systems)[0] ?? null,
    systemType: strings(r.system_types)[0] ?? null,
    agentInstalled: r.has_agent === true,
    tags,
    firstSeen: day(times.first_seen),
    lastSeen: day(times.last_seen),
  };
}
