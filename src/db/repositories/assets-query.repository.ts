/**
 * Assets and per-host figures: search, open finding counts per severity (index-only over
 * findings (lifecycle, asset_id, severity, vpr_score)), and the hosts summary ranked by risk.
 */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { normalizeHost } from '../../domain/finding-identity.ts';
import type { AssetSortKey, HostSortKey } from '../../domain/finding-query.ts';
import type { AssetTable, DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export type AssetRow = Selectable<AssetTable>;

const MAX_CHAR = '\u{10FFFF}';

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function assetSearch(q: string | undefined): RawBuilder<unknown> {
  if (!q) return sql`1 = 1`;
  const host = normalizeHost(q);
  const lower = q.toLowerCase();
  const pattern = `${escapeLike(lower)}%`;
  return sql`(
    (a.host_key >= ${host} AND a.host_key < ${host + MAX_CHAR})
    OR lower(a.hostname) LIKE ${pattern} ESCAPE '\\' OR lower(a.fqdn) LIKE ${pattern} ESCAPE '\\'
    OR a.tenable_uuid IN (${q}, ${lower})
    OR a.ip_addresses LIKE ${`%"${escapeLike(q)}%`} ESCAPE '\\')`;
}

const ASSET_SORTS: Record<AssetSortKey, RawBuilder<unknown>> = {
  hostname: sql`a.host_key`,
  last_seen: sql`a.last_seen`,
  first_seen: sql`a.first_seen`,
  id: sql`a.id`,
};

export async function searchAssets(
  db: Db,
  request: { q?: string | undefined; sortBy: AssetSortKey; order: 'asc' | 'desc'; limit: number; offset: number },
): Promise<{ rows: AssetRow[]; total: number }> {
  const where = assetSearch(request.q);
  const direction = sql.raw(request.order === 'asc' ? 'ASC' : 'DESC');
  const rows = await sql<AssetRow>`SELECT a.* FROM assets a WHERE ${where}
    ORDER BY ${ASSET_SORTS[request.sortBy]} ${direction}, a.id ${direction} LIMIT ${request.limit} OFFSET ${request.offset}`.execute(db);
  const total = await sql<{ n: number | string }>`SELECT count(*) AS n FROM assets a WHERE ${where}`.execute(db);
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}

export async function assetRow(db: Db, id: number): Promise<AssetRow | undefined> {
  return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Open (active) findings per asset and severity, for the given assets. */
export async function openCountsByAsset(db: Db, assetIds: readonly number[]): Promise<{ asset_id: number; severity: number; n: number; vpr: number }[]> {
  if (assetIds.length === 0) return [];
  const result = await sql<{ asset_id: number; severity: number; n: number | string; vpr: number | string | null }>`
    SELECT asset_id, severity, count(*) AS n, sum(vpr_score) AS vpr FROM findings
    WHERE lifecycle = 'active' AND asset_id IN (${sql.join(assetIds.map((id) => sql`${id}`))})
    GROUP BY asset_id, severity`.execute(db);
  return result.rows.map((r) => ({ asset_id: Number(r.asset_id), severity: Number(r.severity), n: Number(r.n), vpr: Number(r.vpr ?? 0) }));
}

export interface HostSummaryRow {
  asset_id: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  total: number;
  vpr_sum: number;
}

const HOST_SORTS: Record<HostSortKey, RawBuilder<unknown>> = {
  risk: sql`critical DESC, high DESC, medium DESC, low DESC, vpr_sum DESC, h.asset_id ASC`,
  vpr_sum: sql`vpr_sum DESC, h.asset_id ASC`,
  total: sql`total DESC, h.asset_id ASC`,
  hostname: sql`a.host_key ASC, h.asset_id ASC`,
};

/** Hosts with open findings, their counts per severity and VPR sum, ranked. */
export async function hostSummaries(db: Db, request: { sortBy: HostSortKey; limit: number; offset: number }): Promise<{ rows: (HostSummaryRow & { hostname: string | null; host_key: string; tenable_uuid: string | null; ip_addresses: string })[]; total: number }> {
  const result = await sql<HostSummaryRow & { hostname: string | null; host_key: string; tenable_uuid: string | null; ip_addresses: string }>`
    WITH h AS (
      SELECT asset_id,
        sum(CASE WHEN severity = 4 THEN 1 ELSE 0 END) AS critical,
        sum(CASE WHEN severity = 3 THEN 1 ELSE 0 END) AS high,
        sum(CASE WHEN severity = 2 THEN 1 ELSE 0 END) AS medium,
        sum(CASE WHEN severity = 1 THEN 1 ELSE 0 END) AS low,
        sum(CASE WHEN severity = 0 THEN 1 ELSE 0 END) AS info,
        count(*) AS total,
        COALESCE(sum(vpr_score), 0) AS vpr_sum
      FROM findings WHERE lifecycle = 'active' AND asset_id IS NOT NULL
      GROUP BY asset_id
    )
    SELECT h.*, a.hostname, a.host_key, a.tenable_uuid, a.ip_addresses
    FROM h JOIN assets a ON a.id = h.asset_id
    ORDER BY ${HOST_SORTS[request.sortBy]}
    LIMIT ${request.limit} OFFSET ${request.offset}`.execute(db);
  const total = await sql<{ n: number | string }>`SELECT count(DISTINCT asset_id) AS n FROM findings WHERE lifecycle = 'active' AND asset_id IS NOT NULL`.execute(db);
  return {
    rows: result.rows.map((r) => ({
      ...r,
      asset_id: Number(r.asset_id),
      critical: Number(r.critical),
      high: Number(r.high),
      medium: Number(r.medium),
      low: Number(r.low),
      info: Number(r.info),
      total: Number(r.total),
      vpr_sum: Number(r.vpr_sum),
    })),
    total: Number(total.rows[0]?.n ?? 0),
  };
}
