/** Dashboard figures, read from the daily totals the rollover maintains (never from the big tables). */
import type { DatabaseHandle } from '../db/database.ts';
import { latestDailyTotals, listDailyTotals } from '../db/repositories/totals.repository.ts';
import type { DailyTotalsRow } from '../db/schema.ts';
import { SEVERITY_NAMES, type SeverityName } from '../shared/severity.ts';

export interface SeverityFigure {
  count: number;
  vpr: number;
}

export interface DayTotals {
  scanDate: string;
  total: SeverityFigure;
  bySeverity: Record<SeverityName, SeverityFigure>;
  newCount: number;
  resolvedCount: number;
  reopenedCount: number;
}

export interface DashboardSummary {
  latest: DayTotals | null;
  previous: DayTotals | null;
  /** latest minus previous, per severity; null without two scan dates. */
  change: { total: SeverityFigure; bySeverity: Record<SeverityName, SeverityFigure> } | null;
}

const COLUMN_PREFIX: Record<SeverityName, string> = { Critical: 'critical', High: 'high', Medium: 'medium', Low: 'low', Info: 'info' };

function toDay(row: DailyTotalsRow): DayTotals {
  const record = row as unknown as Record<string, unknown>;
  const bySeverity = {} as Record<SeverityName, SeverityFigure>;
  for (const name of SEVERITY_NAMES) {
    const prefix = COLUMN_PREFIX[name];
    bySeverity[name] = { count: Number(record[`${prefix}_count`]), vpr: round(Number(record[`${prefix}_vpr`])) };
  }
  return {
    scanDate: row.scan_date,
    total: { count: Number(row.total_count), vpr: round(Number(row.total_vpr)) },
    bySeverity,
    newCount: Number(row.new_count),
    resolvedCount: Number(row.resolved_count),
    reopenedCount: Number(row.reopened_count),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function difference(a: SeverityFigure, b: SeverityFigure): SeverityFigure {
  return { count: a.count - b.count, vpr: round(a.vpr - b.vpr) };
}

export class DashboardService {
  constructor(private readonly database: DatabaseHandle) {}

  async trends(range: { from?: string | undefined; to?: string | undefined }): Promise<DayTotals[]> {
    return (await listDailyTotals(this.database.db, range)).map(toDay);
  }

  async summary(): Promise<DashboardSummary> {
    const [latestRow, previousRow] = await latestDailyTotals(this.database.db);
    const latest = latestRow ? toDay(latestRow) : null;
    const previous = previousRow ? toDay(previousRow) : null;
    if (!latest || !previous) return { latest, previous, change: null };
    const bySeverity = {} as Record<SeverityName, SeverityFigure>;
    for (const name of SEVERITY_NAMES) bySeverity[name] = difference(latest.bySeverity[name], previous.bySeverity[name]);
    return { latest, previous, change: { total: difference(latest.total, previous.total), bySeverity } };
  }
}
