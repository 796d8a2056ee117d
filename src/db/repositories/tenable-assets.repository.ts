/** Assets as the Tenable asset sync sees them: loaded once, written in batches; the correlation log and review queue. */
import { type ExpressionBuilder, type Kysely, type OnConflictDatabase, type OnConflictTables, type Transaction, sql } from 'kysely';
import type { AssetCorrelationLogTable, DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

const BATCH = 500;

export interface KnownAssetRow {
  id: number;
  tenable_uuid: string | null;
  host_key: string;
  hostname: string | null;
  fqdn: string | null;
  ip_addresses: string;
  mac_addresses: string;
  first_seen: string;
  created_at: string;
  correlation_method: string | null;
  correlation_confidence: number;
  manual_review_required: number;
}

export async function loadKnownAssets(db: Db): Promise<KnownAssetRow[]> {
  const rows = await db
    .selectFrom('assets')
    .select(['id', 'tenable_uuid', 'host_key', 'hostname', 'fqdn', 'ip_addresses', 'mac_addresses', 'first_seen', 'created_at', 'correlation_method', 'correlation_confidence', 'manual_review_required'])
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), correlation_confidence: Number(r.correlation_confidence), manual_review_required: Number(r.manual_review_required) }));
}

/** The Tenable-owned fields of an asset row. */
export interface AssetTenableFields {
  tenable_uuid: string;
  hostname: string | null;
  fqdn: string | null;
  netbios_name: string | null;
  ip_addresses: string;
  mac_addresses: string;
  operating_system: string | null;
  system_type: string | null;
  agent_installed: number;
  tags: string;
  correlation_method: 'UUID Exact Match' | 'Hostname Fallback' | 'IP Address Correlation' | 'Manual Mapping';
  correlation_confidence: number;
  manual_review_required: number;
  last_seen: string;
  updated_at: string;
}

export interface AssetUpdate extends AssetTenableFields {
  id: number;
  /** Carried over unchanged (the upsert needs every NOT NULL column). */
  host_key: string;
  first_seen: string;
  created_at: string;
}

export interface AssetInsert extends AssetTenableFields {
  host_key: string;
  first_seen: string;
  created_at: string;
}

/** The Tenable-owned fields of an asset row, taken from the row an upsert proposed. */
const TENABLE_FIELDS = [
  'tenable_uuid', 'hostname', 'fqdn', 'netbios_name', 'ip_addresses', 'mac_addresses', 'operating_system', 'system_type',
  'agent_installed', 'tags', 'correlation_method', 'correlation_confidence', 'manual_review_required', 'last_seen', 'updated_at',
] as const satisfies readonly (keyof AssetTenableFields)[];

function fromExcluded(eb: ExpressionBuilder<OnConflictDatabase<DatabaseSchema, 'assets'>, OnConflictTables<'assets'>>) {
  return Object.fromEntries(TENABLE_FIELDS.map((field) => [field, eb.ref(`excluded.${field}`)]));
}

/** Rewrites many asset rows at once (an upsert on id: one statement per batch on both dialects). */
export async function updateAssets(db: Db, rows: readonly AssetUpdate[]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    await db
      .insertInto('assets')
      .values(rows.slice(start, start + BATCH))
      .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded))
      .execute();
  }
}

/**
 * Inserts new assets; returns their ids in order. Two syncs running at once (two jobs, two
 * servers) may both find a Tenable asset new: the second one updates the row the first created
 * instead of failing on its UUID.
 */
export async function insertAssets(db: Db, rows: readonly AssetInsert[]): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += BATCH) {
    const inserted = await db
      .insertInto('assets')
      .values(rows.slice(start, start + BATCH))
      .onConflict((oc) => oc.column('tenable_uuid').doUpdateSet(fromExcluded))
      .returning('id')
      .execute();
    for (const r of inserted) ids.push(Number(r.id));
  }
  return ids;
}

export type CorrelationLogEntry = Omit<AssetCorrelationLogTable, 'id'>;

export async function insertCorrelationLog(db: Db, rows: readonly CorrelationLogEntry[]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    await db.insertInto('asset_correlation_log').values(rows.slice(start, start + BATCH)).execute();
  }
}

export async function listCorrelationLog(db: Db, filter: { tenableUuid?: string; assetId?: number; limit?: number }) {
  let query = db.selectFrom('asset_correlation_log').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 100);
  if (filter.tenableUuid) query = query.where('tenable_uuid', '=', filter.tenableUuid);
  if (filter.assetId !== undefined) query = query.where('asset_id', '=', filter.assetId);
  return query.execute();
}

export async function findAsset(db: Db, id: number) {
  return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAssetByTenableUuid(db: Db, uuid: string) {
  return db.selectFrom('assets').selectAll().where('tenable_uuid', '=', uuid).executeTakeFirst();
}

export async function findAssetsByIds(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('assets').select(['id', 'tenable_uuid', 'hostname', 'fqdn', 'host_key', 'ip_addresses', 'mac_addresses']).where('id', 'in', [...ids]).execute();
}

/** Assets waiting for a person, with the latest logged decision about their Tenable UUID. */
export async function listAssetsNeedingReview(db: Db, options: { limit: number; offset: number }) {
  const items = await db
    .selectFrom('assets')
    .selectAll()
    .where('manual_review_required', '=', 1)
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const total = await db.selectFrom('assets').select(sql<number>`count(*)`.as('n')).where('manual_review_required', '=', 1).executeTakeFirstOrThrow();
  const uuids = items.map((i) => i.tenable_uuid).filter((u): u is string => u !== null);
  const logs =
    uuids.length === 0
      ? []
      : await db
          .selectFrom('asset_correlation_log')
          .selectAll()
          .where('tenable_uuid', 'in', uuids)
          .where('manual_review_required', '=', 1)
          .orderBy('id', 'desc')
          .execute();
  const latest = new Map<string, (typeof logs)[number]>();
  for (const log of logs) if (!latest.has(log.tenable_uuid)) latest.set(log.tenable_uuid, log);
  return { items, total: Number(total.n), latest };
}

/**
 * Merges a provisional asset (created for a Tenable UUID that awaited review) into the known
 * asset a person chose: its findings move over, it is removed, and the chosen asset takes the
 * UUID and Tenable's identity fields. Run it in one write transaction.
 */
export async function mergeIntoAsset(trx: Db, input: { targetId: number; sourceId: number | null; fields: AssetTenableFields; log: CorrelationLogEntry }): Promise<void> {
  if (input.sourceId !== null && input.sourceId !== input.targetId) {
    await trx.updateTable('findings').set({ asset_id: input.targetId }).where('asset_id', '=', input.sourceId).execute();
    await trx.deleteFrom('assets').where('id', '=', input.sourceId).execute();
  }
  await trx.updateTable('assets').set(input.fields).where('id', '=', input.targetId).execute();
  await trx.insertInto('asset_correlation_log').values(input.log).execute();
}

export async function clearReview(db: Kysely<DatabaseSchema>, assetId: number, log: CorrelationLogEntry, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('assets').set({ manual_review_required: 0, updated_at: now }).where('id', '=', assetId).execute();
    await trx.insertInto('asset_correlation_log').values(log).execute();
  });
}
