/** Daily totals, the source of the dashboard's trend chart and summary cards. */
import type { Kysely } from 'kysely';
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
