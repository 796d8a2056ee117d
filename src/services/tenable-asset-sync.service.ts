/**
 * Asset sync: a Tenable asset export correlated with the assets HexTrackr knows (asset-correlation.ts),
 * set-based: the known assets are loaded once into maps, decisions are made in memory and written
 * in batches, each batch in one transaction. Every decision that links, creates, flags or sees an
 * identity change is logged in asset_correlation_log. Also the manual review: list and decide.
 */
import type { DatabaseHandle } from '../db/database.ts';
import {
  type AssetInsert,
  type AssetTenableFields,
  type AssetUpdate,
  type CorrelationLogEntry,
  type KnownAssetRow,
  clearReview,
  findAsset,
  findAssetByTenableUuid,
  findAssetsByIds,
  insertAssets,
  insertCorrelationLog,
  listAssetsNeedingReview,
  loadKnownAssets,
  mergeIntoAsset,
  updateAssets,
} from '../db/repositories/tenable-assets.repository.ts';
import { withWriteTransaction } from '../db/repositories/write-transaction.ts';
import { AssetCorrelationIndex, type CorrelationDecision, DEFAULT_CORRELATION_THRESHOLD, type KnownAsset, shortName } from '../domain/asset-correlation.ts';
import { DomainError } from '../domain/errors.ts';
import { normalizeHost } from '../domain/finding-identity.ts';
import type { TenableClient } from '../integrations/tenable/client/index.ts';
import { type TenableAssetRecord, toTenableAsset } from '../integrations/tenable/mapper/assets.ts';
import { abortable, throwIfAborted } from './abortable.ts';

const WRITE_BATCH = 2000;
export const SYNC_ACTOR = 'tenable-sync';

export interface AssetSyncOptions {
  signal?: AbortSignal | undefined;
  /** Called after each written batch with the number of assets processed so far. */
  onProgress?: ((assetsProcessed: number) => void) | undefined;
  /** Below this confidence a person decides (default HEXTRACKR_CORRELATION_THRESHOLD, 80). */
  threshold?: number | undefined;
  /** Assets per export chunk (Tenable: 100..10000). */
  chunkSize?: number | undefined;
}

export interface AssetSyncResult {
  exported: number;
  /** Known by their Tenable UUID. */
  matchedByUuid: number;
  /** Linked to a known asset by host name or address. */
  correlated: number;
  /** Created for a Tenable asset nobody knew. */
  created: number;
  /** Created but flagged: a candidate matched below the threshold (or several tied). */
  reviewRequired: number;
  /** Records without an asset id (skipped). */
  skipped: number;
  logged: number;
}

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toKnown(row: KnownAssetRow): KnownAsset {
  return {
    id: row.id,
    tenableUuid: row.tenable_uuid,
    hostKey: row.host_key,
    hostname: row.hostname,
    fqdn: row.fqdn,
    ipAddresses: parseList(row.ip_addresses),
    macAddresses: parseList(row.mac_addresses),
  };
}

function tenableFields(t: TenableAssetRecord, decision: Pick<CorrelationDecision, 'method' | 'confidence' | 'manualReviewRequired'>, today: string, now: string): AssetTenableFields {
  const fqdn = t.fqdns[0] ?? null;
  const hostname = t.hostnames.map(shortName).find(Boolean) ?? (fqdn ? shortName(fqdn) : '');
  return {
    tenable_uuid: t.uuid,
    hostname: hostname || null,
    fqdn,
    netbios_name: t.netbiosNames[0] ?? null,
    ip_addresses: JSON.stringify([...t.ipAddresses, ...t.ipv6Addresses].sort()),
    mac_addresses: JSON.stringify([...t.macAddresses].sort()),
    operating_system: t.operatingSystem,
    system_type: t.systemType,
    agent_installed: t.agentInstalled ? 1 : 0,
    tags: JSON.stringify(t.tags),
    correlation_method: decision.method === 'New Asset' ? 'UUID Exact Match' : decision.method,
    correlation_confidence: decision.confidence,
    manual_review_required: decision.manualReviewRequired ? 1 : 0,
    last_seen: t.lastSeen ?? today,
    updated_at: now,
  };
}

export class TenableAssetSyncService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly defaults: { threshold?: number | undefined } = {},
  ) {}

  async syncAssets(client: TenableClient, options: AssetSyncOptions = {}): Promise<AssetSyncResult> {
    throwIfAborted(options.signal);
    const threshold = options.threshold ?? this.defaults.threshold ?? DEFAULT_CORRELATION_THRESHOLD;
    const known = await loadKnownAssets(this.database.db);
    const rows = new Map(known.map((r) => [r.id, r]));
    const index = new AssetCorrelationIndex(known.map(toKnown));
    const result: AssetSyncResult = { exported: 0, matchedByUuid: 0, correlated: 0, created: 0, reviewRequired: 0, skipped: 0, logged: 0 };
    const handle = client.exportAssets({ chunk_size: options.chunkSize ?? 1000 }, { signal: options.signal });
    const now = new Date().toISOString();
    const today = now.slice(0, 10);
    let updates: AssetUpdate[] = [];
    let inserts: { row: AssetInsert; record: TenableAssetRecord; decision: CorrelationDecision }[] = [];
    let logs: CorrelationLogEntry[] = [];
    // One Tenable UUID appears once per export; a repeat (an adopted duplicate export) is ignored.
    const seen = new Set<string>();

    const flush = async () => {
      const batchUpdates = updates;
      const batchInserts = inserts;
      const batchLogs = logs;
      updates = [];
      inserts = [];
      logs = [];
      // Queued behind imports and other syncs' batches on PostgreSQL (see write-transaction.ts).
      await withWriteTransaction(this.database, async (trx) => {
        await updateAssets(trx, batchUpdates);
        const ids = await insertAssets(trx, batchInserts.map((i) => i.row));
        batchInserts.forEach((insert, i) => {
          const id = ids[i]!;
          index.add({ id, tenableUuid: insert.record.uuid, hostKey: insert.row.host_key, hostname: insert.row.hostname, fqdn: insert.row.fqdn, ipAddresses: insert.record.ipAddresses, macAddresses: insert.record.macAddresses });
          batchLogs.push(this.logEntry(insert.record.uuid, id, insert.decision, SYNC_ACTOR, now));
        });
        await insertCorrelationLog(trx, batchLogs);
      }, { serialWithImports: true });
      result.logged += batchLogs.length;
      options.onProgress?.(result.exported);
    };

    for await (const raw of abortable(handle, options.signal, () => handle.cancel())) {
      const record = toTenableAsset(raw);
      if (!record || seen.has(record.uuid)) {
        result.skipped += 1;
        continue;
      }
      seen.add(record.uuid);
      result.exported += 1;
      const decision = index.correlate(record, threshold);
      if (decision.assetId !== null) {
        const row = rows.get(decision.assetId);
        const fields = tenableFields(record, decision, today, now);
        if (row && row.manual_review_required === 1 && decision.method === 'UUID Exact Match') {
          // Still awaiting a person: the doubt (method, confidence, flag) stays until they decide.
          fields.correlation_method = (row.correlation_method ?? fields.correlation_method) as AssetTenableFields['correlation_method'];
          fields.correlation_confidence = row.correlation_confidence;
          fields.manual_review_required = 1;
        }
        if (row) updates.push({ ...fields, id: row.id, host_key: row.host_key, first_seen: row.first_seen, created_at: row.created_at });
        else {
          // Created earlier in this run (cannot happen for one UUID, but keep the row consistent).
          const existing = index.get(decision.assetId)!;
          updates.push({ ...fields, id: existing.id, host_key: existing.hostKey, first_seen: today, created_at: now });
        }
        if (decision.method === 'UUID Exact Match') {
          result.matchedByUuid += 1;
          if (decision.conflictingFields.length > 0) logs.push(this.logEntry(record.uuid, decision.assetId, decision, SYNC_ACTOR, now));
        } else {
          result.correlated += 1;
          index.claim(decision.assetId, record.uuid);
          logs.push(this.logEntry(record.uuid, decision.assetId, decision, SYNC_ACTOR, now));
        }
      } else {
        if (decision.manualReviewRequired) result.reviewRequired += 1;
        else result.created += 1;
        const fields = tenableFields(record, decision, today, now);
        const hostKey = normalizeHost(record.fqdns[0] ?? record.hostnames[0] ?? record.netbiosNames[0], record.ipAddresses[0]) || record.uuid;
        inserts.push({ row: { ...fields, host_key: hostKey, first_seen: record.firstSeen ?? today, created_at: now }, record, decision });
      }
      if (updates.length + inserts.length >= WRITE_BATCH) await flush();
    }
    await flush();
    return result;
  }

  /** Assets awaiting a decision, each with its candidates (the known assets it might be). */
  async reviewQueue(options: { limit: number; offset: number }) {
    const { items, total, latest } = await listAssetsNeedingReview(this.database.db, options);
    const candidateIds = new Set<number>();
    const parsed = new Map<string, { assetId: number; confidence: number; method: string; matchedFields: string[]; conflictingFields: string[] }[]>();
    for (const [uuid, log] of latest) {
      const list = JSON.parse(log.candidates) as { assetId: number; confidence: number; method: string; matchedFields: string[]; conflictingFields: string[] }[];
      parsed.set(uuid, list);
      for (const c of list) candidateIds.add(c.assetId);
    }
    const candidateRows = new Map((await findAssetsByIds(this.database.db, [...candidateIds])).map((r) => [Number(r.id), r]));
    return {
      total,
      items: items.map((asset) => ({
        asset_id: Number(asset.id),
        tenable_uuid: asset.tenable_uuid,
        hostname: asset.hostname,
        fqdn: asset.fqdn,
        ip_addresses: parseList(asset.ip_addresses),
        mac_addresses: parseList(asset.mac_addresses),
        correlation_method: asset.correlation_method,
        correlation_confidence: Number(asset.correlation_confidence),
        candidates: (parsed.get(asset.tenable_uuid ?? '') ?? []).flatMap((c) => {
          const row = candidateRows.get(c.assetId);
          if (!row) return [];
          return [
            {
              asset_id: c.assetId,
              confidence: c.confidence,
              method: c.method,
              matched_fields: c.matchedFields,
              conflicting_fields: c.conflictingFields,
              hostname: row.hostname,
              fqdn: row.fqdn,
              ip_addresses: parseList(row.ip_addresses),
              tenable_uuid: row.tenable_uuid,
            },
          ];
        }),
      })),
    };
  }

  /**
   * A person's decision. `{tenableUuid}`: asset `assetId` is that Tenable asset (a provisional
   * asset created for the UUID is merged into it). `{reject: true}`: asset `assetId`, flagged for
   * review, is none of its candidates and stays on its own.
   */
  async correlateManually(assetId: number, decision: { tenableUuid: string } | { reject: true }, actor: string) {
    const target = await findAsset(this.database.db, assetId);
    if (!target) throw new DomainError('not_found', `asset ${assetId} does not exist`);
    const now = new Date().toISOString();
    if ('reject' in decision) {
      if (Number(target.manual_review_required) !== 1) throw new DomainError('validation_error', `asset ${assetId} is not awaiting review`, { field: 'reject' });
      const log: CorrelationLogEntry = {
        tenable_uuid: target.tenable_uuid ?? '',
        asset_id: assetId,
        correlation_method: 'Rejected',
        correlation_confidence: Number(target.correlation_confidence),
        matched_fields: '[]',
        conflicting_fields: '[]',
        candidates: '[]',
        manual_review_required: 0,
        decided_by: actor,
        created_at: now,
      };
      await clearReview(this.database.db, assetId, log, now);
      return { asset_id: assetId, tenable_uuid: target.tenable_uuid, correlation_method: target.correlation_method, manual_review_required: false };
    }
    const uuid = decision.tenableUuid.toLowerCase();
    if (target.tenable_uuid && target.tenable_uuid !== uuid) {
      throw new DomainError('validation_error', `asset ${assetId} is already Tenable asset ${target.tenable_uuid}`, { field: 'tenable_uuid' });
    }
    const source = await findAssetByTenableUuid(this.database.db, uuid);
    const fields: AssetTenableFields = {
      tenable_uuid: uuid,
      hostname: source?.hostname ?? target.hostname,
      fqdn: source?.fqdn ?? target.fqdn,
      netbios_name: source?.netbios_name ?? target.netbios_name,
      ip_addresses: source?.ip_addresses ?? target.ip_addresses,
      mac_addresses: source?.mac_addresses ?? target.mac_addresses,
      operating_system: source?.operating_system ?? target.operating_system,
      system_type: source?.system_type ?? target.system_type,
      agent_installed: Number(source?.agent_installed ?? target.agent_installed),
      tags: source?.tags ?? target.tags,
      correlation_method: 'Manual Mapping',
      correlation_confidence: 100,
      manual_review_required: 0,
      last_seen: source && source.last_seen > target.last_seen ? source.last_seen : target.last_seen,
      updated_at: now,
    };
    const merge: Parameters<typeof mergeIntoAsset>[1] = {
      targetId: assetId,
      sourceId: source ? Number(source.id) : null,
      fields,
      log: {
        tenable_uuid: uuid,
        asset_id: assetId,
        correlation_method: 'Manual Mapping',
        correlation_confidence: 100,
        matched_fields: JSON.stringify(['tenable_uuid']),
        conflicting_fields: '[]',
        candidates: '[]',
        manual_review_required: 0,
        decided_by: actor,
        created_at: now,
      },
    };
    // Moving findings between assets: queued behind imports on PostgreSQL (see write-transaction.ts).
    await withWriteTransaction(this.database, (trx) => mergeIntoAsset(trx, merge), { serialWithImports: true });
    return { asset_id: assetId, tenable_uuid: uuid, correlation_method: 'Manual Mapping', manual_review_required: false, merged_asset_id: source && Number(source.id) !== assetId ? Number(source.id) : null };
  }

  private logEntry(uuid: string, assetId: number | null, decision: CorrelationDecision, actor: string, now: string): CorrelationLogEntry {
    return {
      tenable_uuid: uuid,
      asset_id: assetId,
      correlation_method: decision.method,
      correlation_confidence: decision.confidence,
      matched_fields: JSON.stringify(decision.matchedFields),
      conflicting_fields: JSON.stringify(decision.conflictingFields),
      candidates: JSON.stringify(decision.candidates),
      manual_review_required: decision.manualReviewRequired ? 1 : 0,
      decided_by: actor,
      created_at: now,
    };
  }
}
