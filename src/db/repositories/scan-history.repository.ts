/** Scan history (one row per sync and per synced or launched Tenable scan) and the monthly summary built from daily totals. */
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema, ScanHistoryTable } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export type ScanHistoryInsert = Omit<ScanHistoryTable, 'id' | 'status' | 'archived_at' | 'retention_until'> & {
  status?: string;
  retention_until?: string | null;
};

export async function insertScanHistory(db: Db, row: ScanHistoryInsert): Promise<number> {
  const inserted = await db.insertInto('scan_history').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function listScanHistory(db: Db, options: { limit: number; offset: number; scanType?: string | undefined }) {
  let query = db.selectFrom('scan_history').selectAll();
  let count = db.selectFrom('scan_history').select(sql<number>`count(*)`.as('n'));
  if (options.scanType) {
    query = query.where('scan_type', '=', options.scanType);
    count = count.where('scan_type', '=', options.scanType);
  }
  const items = await query.orderBy('scan_start_time', 'desc').orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute();
  return { items, total: Number((await count.executeTakeFirstOrThrow()).n) };
}

export async function listMonthlySummaries(db: Db, range: { from?: string | undefined; to?: string | undefined }) {
  let query = db.selectFrom('tenable_monthly_summary').selectAll().orderBy('summary_month');
  if (range.from) query = query.where('summary_month', '>=', range.from);
  if (range.to) query = query.where('summary_month', '<=', range.to);
  return query.execute();
}

/** The months (YYYY-MM) that have daily totals. */
export async function monthsWithTotals(db: Db, before?: string): Promise<string[]> {
  let query = db.selectFrom('daily_totals').select(sql<string>`substr(scan_date, 1, 7)`.as('month')).distinct();
  if (before) query = query.where('scan_date', '<', before);
  return (await query.execute()).map((r) => r.month).sort();
}

/**
 * Recomputes one month's summary from the daily totals (the month's last day gives the open
 * counts; new and remediated are summed over the month), the assets, the findings' workflow
 * state, the imports of the month and the scan history. Upserts the row.
 */
export async function refreshMonthlySummary(db: Db, month: string, now: string): Promise<void> {
  const first = `${month}-01`;
  const next = nextMonth(month);
  const last = await db.selectFrom('daily_totals').selectAll().where('scan_date', '>=', first).where('scan_date', '<', next).orderBy('scan_date', 'desc').limit(1).executeTakeFirst();
  const sums = await db
    .selectFrom('daily_totals')
    .select([sql<number>`coalesce(sum(new_count), 0)`.as('new_count'), sql<number>`coalesce(sum(resolved_count), 0)`.as('resolved_count')])
    .where('scan_date', '>=', first)
    .where('scan_date', '<', next)
    .executeTakeFirstOrThrow();
  const assets = await db
    .selectFrom('assets')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(CASE WHEN last_seen >= ${first} THEN 1 ELSE 0 END)`.as('active'),
      sql<number | null>`avg(CASE WHEN tenable_uuid IS NOT NULL THEN correlation_confidence END)`.as('confidence'),
    ])
    .where('first_seen', '<', next)
    .executeTakeFirstOrThrow();
  // Through the partial index findings_closed_by_decision: never a scan of the findings table.
  const decided = await db
    .selectFrom('findings')
    .select(['status', sql<number>`count(*)`.as('n')])
    // Literals, not parameters: the planner must see they match the partial index's condition.
    .where(sql<boolean>`status IN ('False Positive', 'Accepted Risk')`)
    .groupBy('status')
    .execute();
  const workflow = {
    false_positives: decided.find((d) => d.status === 'False Positive')?.n ?? 0,
    accepted_risks: decided.find((d) => d.status === 'Accepted Risk')?.n ?? 0,
  };
  const jobs = await db
    .selectFrom('imports')
    .select([
      sql<number>`sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END)`.as('completed'),
      sql<number>`sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)`.as('failed'),
    ])
    .where('scan_date', '>=', first)
    .where('scan_date', '<', next)
    .executeTakeFirstOrThrow();
  const scans = await db
    .selectFrom('scan_history')
    .select(sql<number | null>`avg(scan_duration_minutes)`.as('minutes'))
    .where('scan_start_time', '>=', first)
    .where('scan_start_time', '<', next)
    .executeTakeFirstOrThrow();
  const n = (v: unknown) => Number(v ?? 0);
  const maybe = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const row = {
    id: month,
    summary_month: month,
    total_assets: n(assets.total),
    active_assets: n(assets.active),
    total_vulnerabilities: n(last?.total_count),
    critical_vulnerabilities: n(last?.critical_count),
    high_vulnerabilities: n(last?.high_count),
    medium_vulnerabilities: n(last?.medium_count),
    low_vulnerabilities: n(last?.low_count),
    info_vulnerabilities: n(last?.info_count),
    new_vulnerabilities: n(sums.new_count),
    remediated_vulnerabilities: n(sums.resolved_count),
    false_positives: n(workflow.false_positives),
    accepted_risks: n(workflow.accepted_risks),
    scan_jobs_completed: n(jobs.completed),
    scan_jobs_failed: n(jobs.failed),
    average_scan_time_minutes: maybe(scans.minutes),
    average_correlation_confidence: maybe(assets.confidence),
    created_at: now,
    updated_at: now,
  };
  const { id: _id, summary_month: _month, created_at: _created, ...update } = row;
  await db.insertInto('tenable_monthly_summary').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Deletes snapshot rows dated before `cutoff` (YYYY-MM-DD), a batch at a time; returns how many. */
export async function deleteSnapshotsBefore(db: Db, cutoff: string, batchSize = 20_000): Promise<{ deleted: number; dates: string[] }> {
  const dates = (await db.selectFrom('finding_snapshots').select('scan_date').distinct().where('scan_date', '<', cutoff).execute()).map((r) => r.scan_date).sort();
  let deleted = 0;
  for (const date of dates) {
    for (;;) {
      // Short statements keep locks brief on both dialects (the key is (scan_date, finding_id)).
      const result = await db
        .deleteFrom('finding_snapshots')
        .where('scan_date', '=', date)
        .where('finding_id', 'in', (eb) => eb.selectFrom('finding_snapshots').select('finding_id').where('scan_date', '=', date).orderBy('finding_id').limit(batchSize))
        .executeTakeFirst();
      const n = Number(result.numDeletedRows);
      deleted += n;
      if (n < batchSize) break;
    }
  }
  return { deleted, dates };
}
