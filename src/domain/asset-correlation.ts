/**
 * Which known asset a Tenable asset is: the Tenable UUID when we have it (certain), else the
 * host name or FQDN, else an IP address (weaker, weaker still when several assets share it);
 * a matching MAC address raises confidence, a disagreeing one lowers it. Pure: the caller
 * loads the known assets once and asks for thousands of decisions.
 */
import { isIP } from 'node:net';

export type CorrelationMethod = 'UUID Exact Match' | 'Hostname Fallback' | 'IP Address Correlation' | 'New Asset';

/** A Tenable asset, reduced to what identifies it. Every list is lower-case and deduplicated. */
export interface TenableAssetIdentity {
  uuid: string;
  hostnames: string[];
  fqdns: string[];
  netbiosNames: string[];
  ipAddresses: string[];
  macAddresses: string[];
}

export interface KnownAsset {
  id: number;
  tenableUuid: string | null;
  hostKey: string;
  hostname: string | null;
  fqdn: string | null;
  ipAddresses: readonly string[];
  macAddresses: readonly string[];
}

export interface CorrelationCandidate {
  assetId: number;
  confidence: number;
  method: Exclude<CorrelationMethod, 'New Asset'>;
  matchedFields: string[];
  conflictingFields: string[];
}

export interface CorrelationDecision {
  /** The known asset it is (null: a new asset). */
  assetId: number | null;
  method: CorrelationMethod;
  confidence: number;
  matchedFields: string[];
  conflictingFields: string[];
  /** Below the threshold (or a tie): a person decides. The best candidate is not linked. */
  manualReviewRequired: boolean;
  /** The best candidates, best first (at most 5). */
  candidates: CorrelationCandidate[];
}

export const CONFIDENCE = {
  uuid: 100,
  fqdn: 90,
  hostname: 85,
  mac: 70,
  ip: 65,
  sharedIp: 55,
  ipAlsoMatches: 5,
  macAlsoMatches: 15,
  conflict: 10,
  /** Heuristic matches never claim the certainty of a UUID. */
  heuristicCeiling: 99,
} as const;

export const DEFAULT_CORRELATION_THRESHOLD = 80;

/** The short name of a host name or FQDN (before the first dot), unless it is an IP address. */
export function shortName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower === '' || isIP(lower) !== 0) return '';
  const dot = lower.indexOf('.');
  return dot > 0 ? lower.slice(0, dot) : lower;
}

export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}

function namesOfKnown(asset: KnownAsset): Set<string> {
  const names = new Set<string>();
  for (const n of [asset.hostKey, asset.hostname, asset.fqdn]) {
    const s = n ? shortName(n) : '';
    if (s) names.add(s);
  }
  return names;
}

function namesOfTenable(t: TenableAssetIdentity): Set<string> {
  const names = new Set<string>();
  for (const n of [...t.hostnames, ...t.fqdns, ...t.netbiosNames]) {
    const s = shortName(n);
    if (s) names.add(s);
  }
  return names;
}

function fqdnsOf(values: readonly (string | null)[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) if (v && v.includes('.') && isIP(v.trim()) === 0) out.add(v.trim().toLowerCase());
  return out;
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(id)) list.push(id);
  } else map.set(key, [id]);
}

/** The known assets in lookup maps; decisions also update it, so one run never links two Tenable assets to one asset. */
export class AssetCorrelationIndex {
  private readonly assets = new Map<number, KnownAsset>();
  private readonly byUuid = new Map<string, number>();
  private readonly byFqdn = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  private readonly byIp = new Map<string, number[]>();
  private readonly byMac = new Map<string, number[]>();

  constructor(known: Iterable<KnownAsset>) {
    for (const asset of known) this.add(asset);
  }

  add(asset: KnownAsset): void {
    this.assets.set(asset.id, asset);
    if (asset.tenableUuid) this.byUuid.set(asset.tenableUuid.toLowerCase(), asset.id);
    for (const f of fqdnsOf([asset.fqdn, asset.hostname])) push(this.byFqdn, f, asset.id);
    for (const n of namesOfKnown(asset)) push(this.byName, n, asset.id);
    for (const ip of asset.ipAddresses) push(this.byIp, ip.toLowerCase(), asset.id);
    for (const mac of asset.macAddresses) push(this.byMac, normalizeMac(mac), asset.id);
  }

  /** Record that an asset now carries this Tenable UUID (it stops being a candidate for others). */
  claim(assetId: number, uuid: string): void {
    const asset = this.assets.get(assetId);
    if (!asset) return;
    this.assets.set(assetId, { ...asset, tenableUuid: uuid });
    this.byUuid.set(uuid.toLowerCase(), assetId);
  }

  get(assetId: number): KnownAsset | undefined {
    return this.assets.get(assetId);
  }

  correlate(t: TenableAssetIdentity, threshold = DEFAULT_CORRELATION_THRESHOLD): CorrelationDecision {
    const uuid = t.uuid.toLowerCase();
    const exact = this.byUuid.get(uuid);
    if (exact !== undefined) {
      const known = this.assets.get(exact)!;
      return {
        assetId: exact,
        method: 'UUID Exact Match',
        confidence: CONFIDENCE.uuid,
        matchedFields: ['tenable_uuid'],
        conflictingFields: identityChanges(known, t),
        manualReviewRequired: false,
        candidates: [],
      };
    }
    const candidates = this.candidates(t);
    const best = candidates[0];
    if (!best) {
      return { assetId: null, method: 'New Asset', confidence: CONFIDENCE.uuid, matchedFields: [], conflictingFields: [], manualReviewRequired: false, candidates: [] };
    }
    const tie = candidates.length > 1 && candidates[1]!.confidence === best.confidence;
    const confident = best.confidence >= threshold && !tie;
    return {
      assetId: confident ? best.assetId : null,
      method: best.method,
      confidence: best.confidence,
      matchedFields: best.matchedFields,
      conflictingFields: tie ? [...best.conflictingFields, `ambiguous: assets ${candidates.filter((c) => c.confidence === best.confidence).map((c) => c.assetId).join(', ')}`] : best.conflictingFields,
      manualReviewRequired: !confident,
      candidates: candidates.slice(0, 5),
    };
  }

  private candidates(t: TenableAssetIdentity): CorrelationCandidate[] {
    const fqdns = fqdnsOf(t.fqdns.concat(t.hostnames));
    const names = namesOfTenable(t);
    const ips = t.ipAddresses.map((ip) => ip.toLowerCase());
    const macs = t.macAddresses.map(normalizeMac);
    const ids = new Set<number>();
    for (const f of fqdns) for (const id of this.byFqdn.get(f) ?? []) ids.add(id);
    for (const n of names) for (const id of this.byName.get(n) ?? []) ids.add(id);
    for (const ip of ips) for (const id of this.byIp.get(ip) ?? []) ids.add(id);
    for (const mac of macs) for (const id of this.byMac.get(mac) ?? []) ids.add(id);

    const out: CorrelationCandidate[] = [];
    for (const id of ids) {
      const known = this.assets.get(id)!;
      // An asset Tenable already knows under another UUID is, by Tenable's word, another asset.
      if (known.tenableUuid && known.tenableUuid.toLowerCase() !== t.uuid.toLowerCase()) continue;
      const scored = this.score(known, { fqdns, names, ips, macs });
      if (scored) out.push(scored);
    }
    return out.sort((a, b) => b.confidence - a.confidence || a.assetId - b.assetId);
  }

  private score(known: KnownAsset, t: { fqdns: Set<string>; names: Set<string>; ips: string[]; macs: string[] }): CorrelationCandidate | undefined {
    const knownFqdns = fqdnsOf([known.fqdn, known.hostname]);
    const knownNames = namesOfKnown(known);
    const knownIps = new Set(known.ipAddresses.map((ip) => ip.toLowerCase()));
    const knownMacs = new Set(known.macAddresses.map(normalizeMac));
    const fqdnMatch = [...t.fqdns].some((f) => knownFqdns.has(f));
    const nameMatch = fqdnMatch || [...t.names].some((n) => knownNames.has(n));
    const sharedIps = t.ips.filter((ip) => knownIps.has(ip));
    const macMatch = t.macs.some((m) => knownMacs.has(m));
    const matched: string[] = [];
    const conflicting: string[] = [];
    let method: CorrelationCandidate['method'];
    let confidence: number;
    if (nameMatch) {
      method = 'Hostname Fallback';
      confidence = fqdnMatch ? CONFIDENCE.fqdn : CONFIDENCE.hostname;
      matched.push(fqdnMatch ? 'fqdn' : 'hostname');
      if (sharedIps.length > 0) {
        confidence += CONFIDENCE.ipAlsoMatches;
        matched.push('ip_addresses');
      } else if (t.ips.length > 0 && knownIps.size > 0) {
        confidence -= CONFIDENCE.conflict / 2;
        conflicting.push('ip_addresses');
      }
    } else if (sharedIps.length > 0) {
      method = 'IP Address Correlation';
      const ambiguous = sharedIps.every((ip) => (this.byIp.get(ip)?.length ?? 0) > 1);
      confidence = ambiguous ? CONFIDENCE.sharedIp : CONFIDENCE.ip;
      matched.push('ip_addresses');
      if (ambiguous) conflicting.push('ip_addresses shared by several assets');
      if (t.names.size > 0 && knownNames.size > 0) {
        confidence -= CONFIDENCE.conflict;
        conflicting.push('hostname');
      }
    } else if (macMatch) {
      method = 'IP Address Correlation';
      confidence = CONFIDENCE.mac;
    } else {
      return undefined;
    }
    if (macMatch) {
      if (method !== 'IP Address Correlation' || sharedIps.length > 0) confidence += CONFIDENCE.macAlsoMatches;
      matched.push('mac_addresses');
    } else if (t.macs.length > 0 && knownMacs.size > 0) {
      confidence -= CONFIDENCE.conflict;
      conflicting.push('mac_addresses');
    }
    confidence = Math.max(0, Math.min(CONFIDENCE.heuristicCeiling, confidence));
    return { assetId: known.id, confidence, method, matchedFields: matched, conflictingFields: conflicting };
  }
}

/** What changed about an asset Tenable identifies by UUID (renamed, re-addressed). */
function identityChanges(known: KnownAsset, t: TenableAssetIdentity): string[] {
  const changes: string[] = [];
  const names = namesOfTenable(t);
  const knownNames = namesOfKnown(known);
  if (names.size > 0 && knownNames.size > 0 && ![...names].some((n) => knownNames.has(n))) changes.push('hostname');
  const knownIps = new Set(known.ipAddresses.map((ip) => ip.toLowerCase()));
  if (t.ipAddresses.length > 0 && knownIps.size > 0 && !t.ipAddresses.every((ip) => knownIps.has(ip.toLowerCase()))) changes.push('ip_addresses');
  return changes;
}
