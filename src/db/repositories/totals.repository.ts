/** Daily totals, the source of the dashboard's trend chart and summary cards. */
import { type Kysely, sql } from 'kysely';
import type { DailyTotalsRow, DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export async function listDailyTotals(db: Db, range: { from?: string | undefined; to?: string | undefined }): Promise<DailyTotalsRow[]> {
  let query = db.selectFrom('daily_totals').selectAll().orderBy('scan_date');
  if (range.from) query = query.where('scan_date', '>=', range.from);
  if (range.to) query = query.where('scan_date', '<=', range.to);
  return query.execute();
}

/** The two most recent days, newest first (for "change since the previous scan"). */
export async function latestDailyTotals(db: Db): Promise<DailyTotalsRow[]> {
  return db.selectFrom('daily_totals').selectAll().orderBy('scan_date', 'desc').limit(2).execute();
}

/** Active findings per severity (index-only). */
export async function activeCountsBySeverity(db: Db): Promise<Record<number, number>> {
  const rows = await sql<{ severity: number; n: number | string }>`
    SELECT severity, count(*) AS n FROM findings WHERE lifecycle = 'active' GROUP BY severity`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [Number(r.severity), Number(r.n)]));
}

/**
 * Workflow and correlation figures of the active findings, read from partial indexes over the
 * exceptions only: statuses other than New, confidence below 100, manual review flagged.
 * New and the confidence average follow from `activeTotal`.
 */
export async function workflowFigures(
  db: Db,
  activeTotal: number,
): Promise<{ byStatus: Record<string, number>; avgCorrelationConfidence: number | null; manualReviewCount: number }> {
  const statuses = await sql<{ status: string; n: number | string }>`
    SELECT status, count(*) AS n FROM findings WHERE lifecycle = 'active' AND status <> 'New' GROUP BY status`.execute(db);
  const confidence = await sql<{ n: number | string; shortfall: number | string | null }>`
    SELECT count(*) AS n, sum(100 - correlation_confidence) AS shortfall FROM findings
    WHERE lifecycle = 'active' AND correlation_confidence < 100`.execute(db);
  const review = await sql<{ n: number | string }>`
    SELECT count(*) AS n FROM findings WHERE lifecycle = 'active' AND manual_review_required = 1`.execute(db);
  const byStatus: Record<string, number> = {};
  let triaged = 0;
  for (const row of statuses.rows) {
    byStatus[row.status] = Number(row.n);
    triaged += Number(row.n);
  }
  byStatus.New = activeTotal - triaged;
  const shortfall = Number(confidence.rows[0]?.shortfall ?? 0);
  return {
    byStatus,
    avgCorrelationConfidence: activeTotal === 0 ? null : 100 - shortfall / activeTotal,
    manualReviewCount: Number(review.rows[0]?.n ?? 0),
  };
}

export async function latestScanDate(db: Db): Promise<string | null> {
  const row = await db.selectFrom('daily_totals').select('scan_date').orderBy('scan_date', 'desc').limit(1).executeTakeFirst();
  return row?.scan_date ?? null;
}

/** The most widespread CVEs among open findings. */
export async function topCves(db: Db, limit: number): Promise<{ cve: string; findings: number; hosts: number; max_severity: number; max_vpr: number | null }[]> {
  const result = await sql<{ cve: string; findings: number | string; hosts: number | string; max_severity: number; max_vpr: number | null }>`
    WITH top AS (
      SELECT cve, count(*) AS findings FROM findings WHERE lifecycle = 'active' AND cve IS NOT NULL
      GROUP BY cve ORDER BY count(*) DESC, cve ASC LIMIT ${limit}
    )
    SELECT t.cve, t.findings, count(DISTINCT f.asset_id) AS hosts, max(f.severity) AS max_severity, max(f.vpr_score) AS max_vpr
    FROM top t JOIN findings f ON f.cve = t.cve AND f.lifecycle || '' = 'active'
    GROUP BY t.cve, t.findings ORDER BY t.findings DESC, t.cve ASC`.execute(db);
  return result.rows.map((r) => ({ cve: r.cve, findings: Number(r.findings), hosts: Number(r.hosts), max_severity: Number(r.max_severity), max_vpr: r.max_vpr === null ? null : Number(r.max_vpr) }));
}

/**
 * The plugins with the most open findings. The top ten's details are read through the plugin
 * (or CVE) index: lifecycle is written so that no lifecycle-led index is chosen to scan the estate.
 */
export async function topPlugins(db: Db, limit: number): Promise<{ plugin_id: string; plugin_name: string; plugin_family: string | null; findings: number; hosts: number; max_severity: number }[]> {
  const result = await sql<{ plugin_id: string; plugin_name: string; plugin_family: string | null; findings: number | string; hosts: number | string; max_severity: number }>`
    WITH top AS (
      SELECT plugin_id, count(*) AS findings FROM findings WHERE lifecycle = 'active'
      GROUP BY plugin_id ORDER BY count(*) DESC, plugin_id ASC LIMIT ${limit}
    )
    SELECT t.plugin_id, p.plugin_name, p.plugin_family, t.findings, count(DISTINCT f.asset_id) AS hosts, max(f.severity) AS max_severity
    FROM top t JOIN plugins p ON p.plugin_id = t.plugin_id
      JOIN findings f ON f.plugin_id = t.plugin_id AND f.lifecycle || '' = 'active'
    GROUP BY t.plugin_id, p.plugin_name, p.plugin_family, t.findings
    ORDER BY t.findings DESC, t.plugin_id ASC`.execute(db);
  return result.rows.map((r) => ({ ...r, findings: Number(r.findings), hosts: Number(r.hosts), max_severity: Number(r.max_severity) }));
}

/** Open findings still being worked (not Remediated / False Positive / Accepted Risk), by severity and due state. */
export async function slaFigures(db: Db, today: string, closedStatuses: readonly string[]): Promise<{ severity: number; open: number; overdue: number; within: number; no_due_date: number }[]> {
  const result = await sql<{ severity: number; open: number | string; overdue: number | string; within: number | string; no_due_date: number | string }>`
    SELECT severity, count(*) AS open,
      sum(CASE WHEN due_date IS NOT NULL AND due_date < ${today} THEN 1 ELSE 0 END) AS overdue,
      sum(CASE WHEN due_date IS NOT NULL AND due_date >= ${today} THEN 1 ELSE 0 END) AS within,
      sum(CASE WHEN due_date IS NULL THEN 1 ELSE 0 END) AS no_due_date
    FROM findings WHERE lifecycle = 'active' AND status NOT IN (${sql.join(closedStatuses.map((s) => sql`${s}`))})
    GROUP BY severity`.execute(db);
  return result.rows.map((r) => ({ severity: Number(r.severity), open: Number(r.open), overdue: Number(r.overdue), within: Number(r.within), no_due_date: Number(r.no_due_date) }));
}
