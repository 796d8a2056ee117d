/**
 * Reading findings: the filtered, sorted, paged list (offset or keyset), its total, and one
 * finding's detail. A page is found in two steps: the ids in sort order from one index range
 * scan, then the rows for those ids with their plugin name and last sighting.
 * Sort expressions match the indexes of migration 2026_11_23_1710_findings_query exactly.
 */
import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import { CLOSED_STATUSES, type FindingCursor, type FindingFilter, type FindingSort, type FindingSortKey } from '../../domain/finding-query.ts';
import { normalizeHost } from '../../domain/finding-identity.ts';
import type { DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

/** The highest code point: `prefix <= x < prefix + MAX_CHAR` is a prefix match that uses a byte-wise index. */
const MAX_CHAR = '\u{10FFFF}';

interface SortSpec {
  expression: RawBuilder<unknown>;
  /** What the sort value is, so a value read back from either driver is typed alike. */
  type: 'INTEGER' | 'DOUBLE PRECISION' | 'TEXT';
  needsSightings: boolean;
}

const SORTS: Record<FindingSortKey, SortSpec> = {
  severity: { expression: sql`f.severity`, type: 'INTEGER', needsSightings: false },
  vpr_score: { expression: sql`COALESCE(f.vpr_score, -1)`, type: 'DOUBLE PRECISION', needsSightings: false },
  cvss3_base_score: { expression: sql`COALESCE(f.cvss3_base_score, -1)`, type: 'DOUBLE PRECISION', needsSightings: false },
  first_seen: { expression: sql`f.first_seen`, type: 'TEXT', needsSightings: false },
  last_seen: { expression: sql`s.last_seen`, type: 'TEXT', needsSightings: true },
  hostname: { expression: sql`f.host_key`, type: 'TEXT', needsSightings: false },
  plugin_id: { expression: sql`f.plugin_id`, type: 'TEXT', needsSightings: false },
  due_date: { expression: sql`COALESCE(f.due_date, '9999-12-31')`, type: 'TEXT', needsSightings: false },
  status: { expression: sql`f.status`, type: 'TEXT', needsSightings: false },
  id: { expression: sql`f.id`, type: 'INTEGER', needsSightings: false },
};

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A finding as listed: scanner-owned and workflow columns, plugin name and when it was last seen. */
export interface FindingListRow {
  id: number;
  asset_id: number | null;
  host_key: string;
  hostname: string | null;
  ip_address: string | null;
  plugin_id: string;
  plugin_name: string;
  plugin_family: string | null;
  cve: string | null;
  severity: number;
  vpr_score: number | null;
  cvss_base_score: number | null;
  cvss3_base_score: number | null;
  ports: string | null;
  scanner_state: string | null;
  first_seen: string;
  last_seen: string | null;
  lifecycle: string;
  resolved_on: string | null;
  reopened_count: number;
  status: string;
  assigned_to: string | null;
  assigned_team: string | null;
  priority: string;
  due_date: string | null;
  remediation_date: string | null;
  false_positive_reason: string | null;
  accepted_risk_reason: string | null;
  accepted_risk_expires: string | null;
  business_justification: string | null;
  remediation_notes: string;
  custom_tags: string;
  sla_breach_date: string | null;
  last_modified_by: string | null;
  last_modified_at: string | null;
  correlation_method: string | null;
  correlation_confidence: number;
  manual_review_required: number;
  created_at: string;
  updated_at: string;
}

const LIST_COLUMNS = sql`f.id, f.asset_id, f.host_key, f.hostname, f.ip_address, f.plugin_id, p.plugin_name, p.plugin_family, f.cve,
  f.severity, f.vpr_score, f.cvss_base_score, f.cvss3_base_score, f.ports, f.scanner_state, f.first_seen, s.last_seen,
  f.lifecycle, f.resolved_on, f.reopened_count, f.status, f.assigned_to, f.assigned_team, f.priority, f.due_date,
  f.remediation_date, f.false_positive_reason, f.accepted_risk_reason, f.accepted_risk_expires, f.business_justification,
  f.remediation_notes, f.custom_tags, f.sla_breach_date, f.last_modified_by, f.last_modified_at, f.correlation_method,
  f.correlation_confidence, f.manual_review_required, f.created_at, f.updated_at`;

/**
 * `walkById`: the caller reads in id order (export batches); lifecycle is then written so that no
 * lifecycle index tempts the planner away from the primary key, which lets every batch continue
 * where the previous one stopped instead of rescanning the index.
 */
function conditions(db: Db, filter: FindingFilter, options: { walkById?: boolean } = {}): { where: RawBuilder<unknown>; needsSightings: boolean } {
  const parts: RawBuilder<unknown>[] = [];
  let needsSightings = false;
  const searching = filter.q !== undefined && filter.q.trim() !== '';
  // Free text, one host, one CVE or one assignee match few findings, best found through that
  // filter's own index and then sorted. Written as `lifecycle || ''`, lifecycle cannot tempt
  // SQLite's planner (no statistics by default) into walking a lifecycle-led sort index instead.
  // PostgreSQL plans from statistics, which that form would blind: it gets the plain condition.
  const selective = filter.asset !== undefined || filter.cve !== undefined || filter.assignee !== undefined;
  const unindexedLifecycle = !isPostgres(db) && (searching || selective || options.walkById === true);
  if (filter.lifecycle !== 'all') parts.push(unindexedLifecycle ? sql`f.lifecycle || '' = ${filter.lifecycle}` : sql`f.lifecycle = ${filter.lifecycle}`);
  if (filter.asset !== undefined) {
    const asset = filter.asset.trim();
    if (/^\d+$/.test(asset)) parts.push(sql`f.asset_id = ${Number(asset)}`);
    else parts.push(sql`f.asset_id IN (SELECT a.id FROM assets a WHERE a.tenable_uuid IN (${asset}, ${asset.toLowerCase()}) OR a.host_key = ${normalizeHost(asset)})`);
  }
  if (filter.plugin !== undefined) parts.push(sql`f.plugin_id = ${filter.plugin}`);
  if (filter.severity?.length) parts.push(sql`f.severity IN (${sql.join(filter.severity.map((s) => sql`${s}`))})`);
  if (filter.status?.length) parts.push(sql`f.status IN (${sql.join(filter.status.map((s) => sql`${s}`))})`);
  if (filter.assignee !== undefined) parts.push(sql`f.assigned_to = ${filter.assignee}`);
  if (filter.cve !== undefined) parts.push(sql`f.cve = ${filter.cve.trim().toUpperCase()}`);
  if (filter.firstSeenAfter !== undefined) parts.push(sql`f.first_seen >= ${filter.firstSeenAfter}`);
  if (filter.lastSeenBefore !== undefined) {
    needsSightings = true;
    parts.push(sql`s.last_seen <= ${filter.lastSeenBefore}`);
  }
  if (filter.correlationConfidenceMin !== undefined) parts.push(sql`f.correlation_confidence >= ${filter.correlationConfidenceMin}`);
  if (filter.manualReviewRequired !== undefined) parts.push(sql`f.manual_review_required = ${filter.manualReviewRequired ? 1 : 0}`);
  if (filter.overdue !== undefined) {
    const closed = sql.join(CLOSED_STATUSES.map((s) => sql`${s}`));
    const overdue = sql`(f.lifecycle = 'active' AND COALESCE(f.due_date, '9999-12-31') < ${filter.today} AND f.status NOT IN (${closed}))`;
    parts.push(filter.overdue ? overdue : sql`NOT ${overdue}`);
  }
  if (searching) parts.push(textSearch(filter.q!.trim(), filter.lifecycle));
  return { where: parts.length ? sql.join(parts, sql` AND `) : sql`1 = 1`, needsSightings };
}

/**
 * Free text: a host name prefix (on the normalised key: the (lifecycle, host_key) index, or the
 * unique-key index, which starts with it, for every lifecycle), a CVE prefix, or a substring of
 * the plugin name (the plugins table is small; trigram-indexed on PostgreSQL). Each branch is
 * an index-only range; the page then reads only the matches.
 */
function textSearch(text: string, lifecycle: FindingFilter['lifecycle']): RawBuilder<unknown> {
  const host = normalizeHost(text).replace(/\|/g, '');
  const cve = text.toUpperCase();
  const pluginPattern = `%${escapeLike(text.toLowerCase())}%`;
  const hosts =
    lifecycle === 'all'
      ? sql`SELECT t.id FROM findings t WHERE t.unique_key >= ${host} AND t.unique_key < ${host + MAX_CHAR}`
      : sql`SELECT t.id FROM findings t WHERE t.lifecycle = ${lifecycle} AND t.host_key >= ${host} AND t.host_key < ${host + MAX_CHAR}`;
  return sql`f.id IN (
    ${hosts}
    UNION ALL SELECT t.id FROM findings t WHERE t.cve >= ${cve} AND t.cve < ${cve + MAX_CHAR}
    UNION ALL SELECT t.id FROM findings t WHERE t.plugin_id IN (SELECT p.plugin_id FROM plugins p WHERE lower(p.plugin_name) LIKE ${pluginPattern} ESCAPE '\\'))`;
}

function sightingsJoin(needed: boolean): RawBuilder<unknown> {
  return needed ? sql`JOIN finding_sightings s ON s.finding_id = f.id` : sql``;
}

export interface FindingPageRequest {
  filter: FindingFilter;
  sort: FindingSort;
  limit: number;
  offset: number;
  after?: FindingCursor | undefined;
}

/** The ids of one page in order with their sort values (limit + 1 rows tell whether more follow). */
export async function findingPageIds(db: Db, request: FindingPageRequest): Promise<{ id: number; sort_value: string | number }[]> {
  const spec = SORTS[request.sort.by];
  const { where, needsSightings } = conditions(db, request.filter);
  const direction = sql.raw(request.sort.order === 'asc' ? 'ASC' : 'DESC');
  const beyond = sql.raw(request.sort.order === 'asc' ? '>' : '<');
  const from = sql`FROM findings f ${sightingsJoin(needsSightings || spec.needsSightings)}`;
  const after = request.after;
  // After a cursor: the rest of the cursor's tie (same sort value, further ids), then the values
  // beyond it. Two index range seeks, so a deep page costs what the first one does, however
  // many findings share a sort value.
  const query = after
    ? sql<{ id: number; sort_value: string | number }>`
      SELECT id, sort_value FROM (
        SELECT * FROM (SELECT f.id, ${spec.expression} AS sort_value ${from}
          WHERE ${where} AND ${spec.expression} = ${after.value} AND f.id ${beyond} ${after.id}
          ORDER BY f.id ${direction} LIMIT ${request.limit}) tie
        UNION ALL
        SELECT * FROM (SELECT f.id, ${spec.expression} AS sort_value ${from}
          WHERE ${where} AND ${spec.expression} ${beyond} ${after.value}
          ORDER BY ${spec.expression} ${direction}, f.id ${direction} LIMIT ${request.limit}) further
      ) page
      ORDER BY sort_value ${direction}, id ${direction} LIMIT ${request.limit}`
    : sql<{ id: number; sort_value: string | number }>`
      SELECT f.id, ${spec.expression} AS sort_value ${from}
      WHERE ${where}
      ORDER BY ${spec.expression} ${direction}, f.id ${direction}
      LIMIT ${request.limit} OFFSET ${request.offset}`;
  const result = await query.execute(db);
  return result.rows.map((r) => ({ id: Number(r.id), sort_value: spec.type === 'TEXT' ? String(r.sort_value) : Number(r.sort_value) }));
}

/** How many findings match (the same filters; the cursor does not change the total). */
export async function countFindings(db: Db, filter: FindingFilter): Promise<number> {
  const { where, needsSightings } = conditions(db, filter);
  const result = await sql<{ n: number | string }>`SELECT count(*) AS n FROM findings f ${sightingsJoin(needsSightings)} WHERE ${where}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The rows for these ids, in the order given. */
export async function findingRows(db: Db, ids: readonly number[]): Promise<FindingListRow[]> {
  if (ids.length === 0) return [];
  const result = await sql<FindingListRow>`
    SELECT ${LIST_COLUMNS}
    FROM findings f JOIN plugins p ON p.plugin_id = f.plugin_id LEFT JOIN finding_sightings s ON s.finding_id = f.id
    WHERE f.id IN (${sql.join(ids.map((id) => sql`${id}`))})`.execute(db);
  const byId = new Map(result.rows.map((r) => [Number(r.id), r]));
  return ids.map((id) => byId.get(id)).filter((r): r is FindingListRow => r !== undefined);
}

/**
 * One export batch: findings after `afterId` in id order, at constant cost whatever the depth (the
 * bound on the sightings join lets PostgreSQL's merge join start there instead of at the first row).
 */
export async function findingBatchAfter(db: Db, filter: FindingFilter, afterId: number, size: number): Promise<FindingListRow[]> {
  const { where } = conditions(db, filter, { walkById: true });
  const result = await sql<FindingListRow>`
    SELECT ${LIST_COLUMNS}
    FROM findings f JOIN plugins p ON p.plugin_id = f.plugin_id
      LEFT JOIN finding_sightings s ON s.finding_id = f.id AND s.finding_id > ${afterId}
    WHERE ${where} AND f.id > ${afterId}
    ORDER BY f.id LIMIT ${size}`.execute(db);
  return result.rows;
}

export async function findingById(db: Db, id: number): Promise<FindingListRow | undefined> {
  return (await findingRows(db, [id]))[0];
}

export async function pluginById(db: Db, pluginId: string) {
  return db.selectFrom('plugins').selectAll().where('plugin_id', '=', pluginId).executeTakeFirst();
}

export async function pluginCves(db: Db, pluginId: string) {
  return db
    .selectFrom('plugin_cves')
    .select(['cve_id', 'correlation_confidence', 'correlation_source'])
    .where('plugin_id', '=', pluginId)
    .orderBy('cve_id')
    .execute();
}

export async function findingOutput(db: Db, findingId: number): Promise<string | undefined> {
  return (await db.selectFrom('finding_outputs').select('output').where('finding_id', '=', findingId).executeTakeFirst())?.output;
}

/** The finding on each scan date it was seen, oldest first (one primary-key seek per scan date). */
export async function findingSnapshots(db: Db, findingId: number) {
  return db
    .selectFrom('finding_snapshots')
    .select(['scan_date', 'severity', 'vpr_score', 'import_id'])
    .where('scan_date', 'in', db.selectFrom('daily_totals').select('scan_date'))
    .where('finding_id', '=', findingId)
    .orderBy('scan_date')
    .execute();
}
