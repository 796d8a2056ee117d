/**
 * Export requests: validation, normalisation (defaults, duplicate keys), the filter echo of the
 * status endpoint, and matching against the estate (tenable-api.md §2.1, §2.2, §3.1).
 */
import type { RangeFilter, VulnExportFilterEcho } from '../tenable.api-types.ts';
import { SEVERITY_NAMES } from './catalog.ts';
import type { AssetView, Estate, FindingStateName, FindingView } from './estate.ts';
import { DEFAULT_NETWORK_ID } from './records.ts';

/** A request the API rejects with 400. */
export class RequestError extends Error {}

const THIRTY_DAYS_S = 2_592_000;
const STATES = new Set<FindingStateName>(['OPEN', 'REOPENED', 'FIXED']);

export interface VulnFilter {
  states: Set<FindingStateName>;
  severities?: Set<number>;
  pluginIds?: Set<number>;
  pluginFamilies?: Set<string>;
  pluginType?: string;
  cidr?: { base: number; mask: number };
  networkId?: string;
  cveIds?: Set<string>;
  vpr?: RangeFilter;
  epss?: RangeFilter;
  cvss4?: RangeFilter;
  tags?: Map<string, Set<string>>;
  /** scan_uuid resolved to (schedule index, day); `null` = a uuid no daily run has. */
  scanRun?: { scan: number; day: number } | null;
  sources?: Set<string>;
  modificationTypes?: Set<string>;
  sinceMs?: number;
  firstFoundMs?: number;
  lastFoundMs?: number;
  lastFixedMs?: number;
  indexedMs?: number;
  resurfacedMs?: number;
}

export interface VulnExportPlan {
  numAssets: number;
  filter: VulnFilter;
  echo: VulnExportFilterEcho;
  /** Equal for requests Tenable treats as duplicates. */
  key: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function seconds(filters: Json, name: string): number | undefined {
  const value = filters[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RequestError(`${name} must be a Unix timestamp in seconds`);
  return n;
}

function stringList(filters: Json, name: string): string[] | undefined {
  const value = filters[name];
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) throw new RequestError(`${name} must be a list of strings`);
  return list.map(String);
}

function range(filters: Json, name: string): RangeFilter | undefined {
  const value = filters[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new RequestError(`${name} must be an object with eq, neq, gt, gte, lt or lte`);
  const out: RangeFilter = {};
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (value[op] === undefined) continue;
    if (typeof value[op] !== 'number') throw new RequestError(`${name}.${op} must be a number`);
    out[op] = value[op];
  }
  for (const op of ['eq', 'neq'] as const) {
    if (value[op] === undefined) continue;
    const list = value[op];
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'number')) throw new RequestError(`${name}.${op} must be a list of numbers`);
    out[op] = list as number[];
  }
  if (out.eq && (out.gt !== undefined || out.gte !== undefined || out.lt !== undefined || out.lte !== undefined)) {
    throw new RequestError(`${name}: eq cannot be combined with a range`);
  }
  return out;
}

function echoRange(r: RangeFilter): Required<RangeFilter> {
  return { eq: r.eq ?? [], neq: r.neq ?? [], gt: r.gt ?? 0, gte: r.gte ?? 0, lt: r.lt ?? 0, lte: r.lte ?? 0 };
}

export function inRange(value: number | undefined, r: RangeFilter): boolean {
  if (value === undefined) return false;
  if (r.eq && !r.eq.includes(value)) return false;
  if (r.neq?.includes(value)) return false;
  if (r.gt !== undefined && !(value > r.gt)) return false;
  if (r.gte !== undefined && !(value >= r.gte)) return false;
  if (r.lt !== undefined && !(value < r.lt)) return false;
  if (r.lte !== undefined && !(value <= r.lte)) return false;
  return true;
}

function ipNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function parseCidr(cidr: string): { base: number; mask: number } {
  const [ip, bitsText] = cidr.split('/');
  const base = ipNumber(ip ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new RequestError(`invalid cidr_range "${cidr}"`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, mask };
}

export function inCidr(ip: string, cidr: { base: number; mask: number }): boolean {
  const n = ipNumber(ip);
  return n !== undefined && ((n & cidr.mask) >>> 0) === cidr.base;
}

function tagFilters(filters: Json): Map<string, Set<string>> | undefined {
  const tags = new Map<string, Set<string>>();
  for (const key of Object.keys(filters)) {
    if (!key.startsWith('tag.')) continue;
    const values = stringList(filters, key) ?? [];
    tags.set(key.slice(4), new Set(values));
  }
  return tags.size ? tags : undefined;
}

function tagsMatch(asset: AssetView, tags: Map<string, Set<string>>): boolean {
  for (const [category, values] of tags) {
    if (!asset.tags.some((t) => t.key === category && values.has(t.value))) return false;
  }
  return true;
}

/** Validate and normalise a `POST /vulns/export` body; `createdMs` anchors the default 30-day window. */
export function planVulnExport(body: unknown, createdMs: number, estate: Estate, currentDay: number): VulnExportPlan {
  if (body === undefined || body === null || body === '') body = {};
  if (!isObject(body)) throw new RequestError('request body must be a JSON object');
  let numAssets = 50;
  if (body.num_assets !== undefined) {
    const n = typeof body.num_assets === 'string' ? Number(body.num_assets) : body.num_assets;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new RequestError('num_assets must be a number');
    numAssets = Math.min(5000, Math.max(50, Math.trunc(n)));
  }
  const filters = body.filters ?? {};
  if (!isObject(filters)) throw new RequestError('filters must be an object');

  const since = seconds(filters, 'since');
  const firstFound = seconds(filters, 'first_found') ?? seconds(filters, 'first_seen');
  const lastFound = seconds(filters, 'last_found') ?? seconds(filters, 'last_seen');
  const lastFixed = seconds(filters, 'last_fixed');
  const indexedAt = seconds(filters, 'indexed_at');
  const resurfaced = seconds(filters, 'resurfaced_date');
  if (since !== undefined && (firstFound !== undefined || lastFound !== undefined || lastFixed !== undefined)) {
    throw new RequestError('since cannot be combined with first_found, last_found, first_seen, last_seen or last_fixed');
  }
  const stateInput = stringList(filters, 'state');
  if ((firstFound !== undefined || lastFound !== undefined || lastFixed !== undefined) && !stateInput) {
    throw new RequestError('state is required with first_found, last_found or last_fixed');
  }
  const states = (stateInput ?? ['OPEN', 'REOPENED']).map((s) => s.toUpperCase());
  for (const s of states) if (!STATES.has(s as FindingStateName)) throw new RequestError(`invalid state "${s}" (OPEN, REOPENED, FIXED)`);
  const severityInput = stringList(filters, 'severity');
  const severities = severityInput?.map((s) => {
    const id = (SEVERITY_NAMES as readonly string[]).indexOf(s.toLowerCase());
    if (id < 0) throw new RequestError(`invalid severity "${s}" (info, low, medium, high, critical)`);
    return id;
  });
  let pluginIds: number[] | undefined;
  if (filters.plugin_id !== undefined) {
    const list = Array.isArray(filters.plugin_id) ? filters.plugin_id : [filters.plugin_id];
    pluginIds = list.map((v) => {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new RequestError('plugin_id must be a list of integers');
      return n;
    });
  }
  const families = stringList(filters, 'plugin_family');
  const pluginType = typeof filters.plugin_type === 'string' ? filters.plugin_type : undefined;
  const cidrRange = typeof filters.cidr_range === 'string' ? filters.cidr_range : undefined;
  const networkId = typeof filters.network_id === 'string' ? filters.network_id : undefined;
  const scanUuid = typeof filters.scan_uuid === 'string' ? filters.scan_uuid : undefined;
  const cves = stringList(filters, 'cve_id');
  const sources = stringList(filters, 'source');
  const modTypes = stringList(filters, 'severity_modification_type');
  const vpr = range(filters, 'vpr_score');
  const epss = range(filters, 'epss_score');
  const cvss4 = range(filters, 'cvss4_base_score');
  const tags = tagFilters(filters);

  const anyTime = [since, firstFound, lastFound, lastFixed, indexedAt, resurfaced].some((t) => t !== undefined);
  const effectiveSince = since ?? (anyTime ? undefined : Math.floor(createdMs / 1000) - THIRTY_DAYS_S);

  const filter: VulnFilter = { states: new Set(states as FindingStateName[]) };
  if (severities) filter.severities = new Set(severities);
  if (pluginIds) filter.pluginIds = new Set(pluginIds);
  if (families) filter.pluginFamilies = new Set(families.map((f) => f.toLowerCase()));
  if (pluginType) filter.pluginType = pluginType.toLowerCase();
  if (cidrRange) filter.cidr = parseCidr(cidrRange);
  if (networkId) filter.networkId = networkId;
  if (cves) filter.cveIds = new Set(cves.map((c) => c.toUpperCase()));
  if (vpr) filter.vpr = vpr;
  if (epss) filter.epss = epss;
  if (cvss4) filter.cvss4 = cvss4;
  if (tags) filter.tags = tags;
  if (sources) filter.sources = new Set(sources.map((s) => s.toUpperCase()));
  if (modTypes) filter.modificationTypes = new Set(modTypes.map((s) => s.toUpperCase()));
  if (scanUuid) filter.scanRun = findScanRun(estate, scanUuid, currentDay);
  if (effectiveSince !== undefined && effectiveSince > 0) filter.sinceMs = effectiveSince * 1000;
  if (firstFound !== undefined) filter.firstFoundMs = firstFound * 1000;
  if (lastFound !== undefined) filter.lastFoundMs = lastFound * 1000;
  if (lastFixed !== undefined) filter.lastFixedMs = lastFixed * 1000;
  if (indexedAt !== undefined) filter.indexedMs = indexedAt * 1000;
  if (resurfaced !== undefined) filter.resurfacedMs = resurfaced * 1000;

  // The echo, in the recorded key order.
  const echo: VulnExportFilterEcho = {} as VulnExportFilterEcho;
  if (severities) echo.severity = severities.map((s) => SEVERITY_NAMES[s]!.toUpperCase());
  echo.state = states;
  if (families) echo.plugin_family = families;
  echo.tags = tags ? Object.fromEntries([...tags].map(([k, v]) => [`tag.${k}`, [...v]])) : {};
  if (cidrRange) echo.cidr_range = cidrRange;
  if (networkId) echo.network_id = networkId;
  if (scanUuid) echo.scanuuid = scanUuid;
  echo.since = effectiveSince ?? 0;
  echo.first_found = seconds(filters, 'first_found') ?? 0;
  echo.last_found = seconds(filters, 'last_found') ?? 0;
  echo.last_fixed = lastFixed ?? 0;
  echo.first_seen = seconds(filters, 'first_seen') ?? 0;
  echo.last_seen = seconds(filters, 'last_seen') ?? 0;
  echo.indexed_at = indexedAt ?? 0;
  if (resurfaced !== undefined) echo.resurfaced_date = resurfaced;
  if (cves) echo.cve_id = cves;
  if (sources) echo.source = sources;
  if (pluginType) echo.plugin_type = pluginType;
  if (vpr) echo.vpr_score = echoRange(vpr);
  if (epss) echo.epss_score = echoRange(epss);
  if (cvss4) echo.cvss4_base_score = echoRange(cvss4);
  if (pluginIds) echo.plugin_ids = pluginIds;

  // Duplicate detection: the request as the user sent it (the default window moves with time).
  const key = JSON.stringify({ numAssets, include_unlicensed: body.include_unlicensed === true, filters: sortKeys(filters) });
  return { numAssets, filter, echo, key };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

/** The daily scan run with this uuid, or null. */
export function findScanRun(estate: Estate, uuid: string, currentDay: number): { scan: number; day: number } | null {
  for (let day = currentDay; day >= Math.max(-30, currentDay - 400); day--) {
    for (const scan of estate.scans) if (estate.scanRunUuid(scan.index, day) === uuid) return { scan: scan.index, day };
  }
  return null;
}

/** Does a finding pass a vulnerability export filter? */
export function matchesVuln(f: FindingView, filter: VulnFilter): boolean {
  if (!filter.states.has(f.state)) return false;
  const p = f.plugin;
  if (filter.severities && !filter.severities.has(p.severityId)) return false;
  if (filter.pluginIds && !filter.pluginIds.has(p.id)) return false;
  if (filter.pluginFamilies && !filter.pluginFamilies.has(p.family.toLowerCase())) return false;
  if (filter.pluginType && p.type !== filter.pluginType) return false;
  if (filter.cidr && !inCidr(f.asset.ipv4, filter.cidr)) return false;
  if (filter.networkId && filter.networkId !== DEFAULT_NETWORK_ID) return false;
  if (filter.cveIds && !p.cve.some((c) => filter.cveIds!.has(c))) return false;
  if (filter.vpr && !inRange(p.vpr?.score, filter.vpr)) return false;
  if (filter.epss && !inRange(p.epss, filter.epss)) return false;
  if (filter.cvss4 && !inRange(p.cvss4?.base, filter.cvss4)) return false;
  if (filter.tags && !tagsMatch(f.asset, filter.tags)) return false;
  if (filter.scanRun !== undefined && (filter.scanRun === null || f.asset.scan.index !== filter.scanRun.scan || f.scanDay !== filter.scanRun.day)) return false;
  if (filter.sources && !filter.sources.has('NESSUS')) return false;
  if (filter.modificationTypes && !filter.modificationTypes.has('NONE')) return false;
  if (filter.sinceMs !== undefined) {
    const at = f.state === 'FIXED' ? f.lastFixedMs : f.lastFoundMs;
    if (at === undefined || at < filter.sinceMs) return false;
  }
  if (filter.firstFoundMs !== undefined && f.firstFoundMs < filter.firstFoundMs) return false;
  if (filter.lastFoundMs !== undefined && f.lastFoundMs < filter.lastFoundMs) return false;
  if (filter.lastFixedMs !== undefined && (f.lastFixedMs === undefined || f.lastFixedMs < filter.lastFixedMs)) return false;
  if (filter.indexedMs !== undefined && f.indexedMs < filter.indexedMs) return false;
  if (filter.resurfacedMs !== undefined && (f.resurfacedMs === undefined || f.resurfacedMs < filter.resurfacedMs)) return false;
  return true;
}

// ------------------------------------------------------------------------------------------------
// Asset exports
// ------------------------------------------------------------------------------------------------

export interface AssetFilter {
  createdAfterMs?: number;
  updatedAfterMs?: number;
  firstScanAfterMs?: number;
  lastAuthenticatedAfterMs?: number;
  lastAssessedAfterMs?: number;
  /** terminated_at / deleted_at / is_terminated / is_deleted / servicenow_sysid that no simulated asset can satisfy. */
  impossible?: boolean;
  hasPluginResults?: boolean;
  lastScanId?: string;
  networkId?: string;
  sources?: Set<string>;
  types?: Set<string>;
  tags?: Map<string, Set<string>>;
}

export interface AssetExportPlan {
  chunkSize: number;
  includeOpenPorts: boolean;
  filter: AssetFilter;
  /** The job list shows the filters as a JSON string. */
  echo: string;
  key: string;
}

function flag(filters: Json, name: string): boolean | undefined {
  const value = filters[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new RequestError(`${name} must be a boolean`);
  return value;
}

/** Validate and normalise a `POST /assets/export` (v1) or `/assets/v2/export` body. */
export function planAssetExport(body: unknown, model: 'v1' | 'v2'): AssetExportPlan {
  if (!isObject(body)) throw new RequestError('request body must be a JSON object');
  const chunkSize = body.chunk_size;
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < 100 || chunkSize > 10000) {
    throw new RequestError('chunk_size must be an integer between 100 and 10000');
  }
  if (body.include_resource_tags === true && chunkSize > 1000) throw new RequestError('chunk_size must be at most 1000 with include_resource_tags');
  const filters = body.filters ?? {};
  if (!isObject(filters)) throw new RequestError('filters must be an object');
  const filter: AssetFilter = {};
  const after = (name: string) => {
    const s = seconds(filters, name);
    return s === undefined ? undefined : s * 1000;
  };
  const created = after('created_at');
  if (created !== undefined) filter.createdAfterMs = created;
  const updated = after('updated_at') ?? (model === 'v2' ? after('since') : undefined);
  if (updated !== undefined) filter.updatedAfterMs = updated;
  const firstScan = after('first_scan_time');
  if (firstScan !== undefined) filter.firstScanAfterMs = firstScan;
  const lastAuth = after('last_authenticated_scan_time');
  if (lastAuth !== undefined) filter.lastAuthenticatedAfterMs = lastAuth;
  const assessed = after('last_assessed');
  if (assessed !== undefined) filter.lastAssessedAfterMs = assessed;
  if (after('terminated_at') !== undefined || after('deleted_at') !== undefined) filter.impossible = true;
  if (flag(filters, 'is_terminated') === true || flag(filters, 'is_deleted') === true || flag(filters, 'servicenow_sysid') === true) filter.impossible = true;
  if (flag(filters, 'is_licensed') === false) filter.impossible = true;
  const hasResults = flag(filters, 'has_plugin_results');
  if (hasResults !== undefined) filter.hasPluginResults = hasResults;
  if (typeof filters.last_scan_id === 'string') filter.lastScanId = filters.last_scan_id;
  if (typeof filters.network_id === 'string') filter.networkId = filters.network_id;
  const sources = stringList(filters, 'sources');
  if (sources) filter.sources = new Set(sources);
  if (model === 'v2') {
    const types = stringList(filters, 'types');
    if (types) filter.types = new Set(types.map((t) => t.toLowerCase()));
  }
  const tags = tagFilters(filters);
  if (tags) filter.tags = tags;
  return {
    chunkSize,
    includeOpenPorts: body.include_open_ports === true,
    filter,
    echo: JSON.stringify(filters),
    key: JSON.stringify({ model, chunkSize, open: body.include_open_ports === true, tags: body.include_resource_tags === true, filters: sortKeys(filters) }),
  };
}

export function matchesAsset(estate: Estate, asset: AssetView, filter: AssetFilter): boolean {
  if (filter.impossible) return false;
  if (filter.createdAfterMs !== undefined && asset.createdMs <= filter.createdAfterMs) return false;
  if (filter.updatedAfterMs !== undefined && asset.lastSeenMs + 1_742 <= filter.updatedAfterMs) return false;
  if (filter.firstScanAfterMs !== undefined && asset.firstSeenMs <= filter.firstScanAfterMs) return false;
  if (filter.lastAuthenticatedAfterMs !== undefined && (!asset.authenticated || asset.lastSeenMs <= filter.lastAuthenticatedAfterMs)) return false;
  if (filter.lastAssessedAfterMs !== undefined && asset.lastSeenMs <= filter.lastAssessedAfterMs) return false;
  if (filter.hasPluginResults !== undefined && estate.findingsOn(asset.index, asset.day) > 0 !== filter.hasPluginResults) return false;
  if (filter.lastScanId !== undefined && estate.scanRunUuid(asset.scan.index, asset.day) !== filter.lastScanId) return false;
  if (filter.networkId !== undefined && filter.networkId !== DEFAULT_NETWORK_ID) return false;
  if (filter.sources && !(filter.sources.has('NESSUS_SCAN') || (asset.agentUuid !== undefined && filter.sources.has('NESSUS_AGENT')))) return false;
  if (filter.types && !filter.types.has('host')) return false;
  if (filter.tags && !tagsMatch(asset, filter.tags)) return false;
  return true;
}
